"""The template's resources, as built from its own properties, have what the code relies on."""

import boto3

from devstack.provision import Stack
from sendme.config import get_settings
from sendme.domain.pricing import DEFAULT_ROW, price_table

# API Gateway's integration timeout: past it the client gets a 504 whatever the function does.
API_GATEWAY_TIMEOUT_SECONDS = 29


def test_template_queue_dead_letters_after_ten_receives(stack: Stack):
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=stack.ref("DeliveryQueue"), AttributeNames=["All"])[
        "Attributes"
    ]
    assert '"maxReceiveCount": 10' in attributes["RedrivePolicy"]
    assert stack.ref("DeliveryDeadLetterQueue").rsplit("/", 1)[-1] in attributes["RedrivePolicy"]


def test_template_visibility_timeout_is_at_least_six_worker_timeouts(stack: Stack):
    worker_timeout = stack.template.function_timeout("DeliveryWorkerFunction")
    visibility = stack.template.of_type("AWS::SQS::Queue")["DeliveryQueue"]["VisibilityTimeout"]
    assert visibility >= 6 * worker_timeout


def test_template_messages_table_has_an_index_per_list_filter(stack: Stack):
    table = boto3.client("dynamodb").describe_table(TableName=stack.ref("MessagesTable"))["Table"]
    indexes = {index["IndexName"] for index in table["GlobalSecondaryIndexes"]}
    assert {"byStatus", "byRecipient", "byCampaign", "byContact", "byType", "byCountry"} <= indexes
    assert table["KeySchema"] == [
        {"AttributeName": "orgId", "KeyType": "HASH"},
        {"AttributeName": "id", "KeyType": "RANGE"},
    ]


def test_template_every_api_route_goes_straight_to_its_function(stack: Stack):
    # No authorizer: each API function checks the key itself, one invocation per request (decision 25)
    assert "Auth" not in stack.template.api()
    assert "AuthorizerFunction" not in stack.template.resources
    routes = {(route.method, route.path) for route in stack.template.routes() if route.method != "ANY"}
    assert routes == {
        ("GET", "/api/messages"),
        ("GET", "/api/messages/{id}"),
        ("GET", "/api/account"),
        ("GET", "/api/activity"),
        ("POST", "/api/messages/{id}/cancel"),
        ("POST", "/api/messages/queues/{queueId}/cancel"),
        *{
            ("POST", f"/api/messages/{channel}/{audience}")
            for channel in ("sms", "email")
            for audience in ("contacts", "all", "tags")
        },
        ("POST", "/api/messages/send/email"),  # the overview's example: a deprecated alias
        ("GET", "/api/contacts"),
        ("POST", "/api/contacts"),
        ("POST", "/api/contacts/import"),
        ("GET", "/api/contacts/{id}"),
        ("PATCH", "/api/contacts/{id}"),
        ("DELETE", "/api/contacts/{id}"),
        ("GET", "/api/webhooks"),
        ("POST", "/api/webhooks"),
        ("GET", "/api/webhooks/{id}"),
        ("PATCH", "/api/webhooks/{id}"),
        ("DELETE", "/api/webhooks/{id}"),
        ("GET", "/api/webhooks/{id}/deliveries"),
        ("POST", "/api/webhooks/{id}/deliveries/{deliveryId}/retry"),
        *{
            (method, path)
            for kind in ("templates", "campaigns")
            for method, path in (
                ("GET", f"/api/{kind}"),
                ("POST", f"/api/{kind}"),
                ("GET", f"/api/{kind}/{{id}}"),
                ("PATCH", f"/api/{kind}/{{id}}"),
                ("DELETE", f"/api/{kind}/{{id}}"),
            )
        },
        ("POST", "/api/templates/{id}/preview"),
        ("GET", "/api/campaigns/{id}/stats"),
        ("GET", "/api/suppressions"),
        ("DELETE", "/api/suppressions/{recipient}"),
        ("GET", "/v1/message/list"),
        # The workspace dialect (decision 41)
        ("GET", "/api/workspaces/{workspaceId}/messages"),
        ("POST", "/api/workspaces/{workspaceId}/messages"),
        ("GET", "/api/workspaces/{workspaceId}/messages/{messageId}"),
    }


def test_template_delivery_lease_outlasts_the_worker(stack: Stack):
    # A live worker must never lose its claim to the sweeper: Lambda kills it before the lease ends.
    from sendme.config import get_settings

    assert get_settings().delivery_lease_seconds > stack.template.function_timeout("DeliveryWorkerFunction")


def test_template_receipts_function_hears_every_provider_receipt(stack: Stack):
    # The configuration set publishes to the topic the receipts function subscribes to...
    resources = stack.template.resources
    destination = resources["EmailEventDestination"]["Properties"]
    events = {name: e["Properties"] for name, e in resources["ReceiptsFunction"]["Properties"]["Events"].items()}
    assert destination["ConfigurationSetName"] == {"Ref": "EmailConfigurationSet"}
    assert destination["EventDestination"]["SnsDestination"]["TopicARN"] == events["EmailEvents"]["Topic"]
    assert {"delivery", "bounce", "complaint", "open", "click", "subscription", "reject", "renderingFailure"} <= set(
        destination["EventDestination"]["MatchingEventTypes"]
    )
    # ...and both of SNS's SMS delivery status log groups feed it, by the same name whichever
    # stack of the account created them
    choices = [e["LogGroupName"]["Fn::If"] for e in events.values() if "LogGroupName" in e]
    assert {created["Ref"] for _, created, _ in choices} == {"SmsDeliveryLogGroup", "SmsFailureLogGroup"}
    for _, created, existing in choices:
        assert existing == resources[created["Ref"]]["Properties"]["LogGroupName"]


def test_template_api_functions_time_out_before_api_gateway_with_room_for_a_cold_start(stack: Stack):
    # A function still running at 29 s would finish (and charge) a send its client saw fail
    api_functions = {route.function for route in stack.template.routes()}
    timeouts = {function: stack.template.function_timeout(function) for function in api_functions}
    assert all(timeout <= API_GATEWAY_TIMEOUT_SECONDS - 4 for timeout in timeouts.values()), timeouts


def test_template_worker_is_never_invoked_beyond_its_reserved_concurrency(stack: Stack):
    # A throttled invocation counts a receive for its batch: enough of them fail untried messages
    worker = stack.template.resources["DeliveryWorkerFunction"]["Properties"]
    ceilings = [event["Properties"]["ScalingConfig"]["MaximumConcurrency"] for event in worker["Events"].values()]
    assert min(ceilings) >= 2
    assert sum(ceilings) <= worker["ReservedConcurrentExecutions"]


def test_template_requeue_lease_outlasts_the_queue_retry_window(stack: Stack):
    # A handed-back message is failed by the dead-letter handler, not re-driven while SQS still retries it
    queue = stack.template.of_type("AWS::SQS::Queue")["DeliveryQueue"]
    window = queue["VisibilityTimeout"] * queue["RedrivePolicy"]["maxReceiveCount"]
    assert get_settings().delivery_requeue_seconds > window


def test_template_redrive_horizon_ends_before_the_queue_drops_an_entry(stack: Stack):
    # The sweeper re-drives or fails a stranded message well before SQS's retention could matter
    settings = get_settings()
    horizon = settings.queued_lease_seconds + settings.max_redrives * settings.delivery_requeue_seconds
    retention = stack.template.of_type("AWS::SQS::Queue")["DeliveryQueue"]["MessageRetentionPeriod"]
    assert horizon < retention / 2


def test_template_queued_lease_outlasts_a_batch_of_enqueues(stack: Stack):
    # A live send or fan-out chunk is done queueing its messages long before their birth lease ends
    assert get_settings().queued_lease_seconds > 2 * stack.template.function_timeout("SendSmsFunction")


def test_template_aws_calls_give_up_before_the_worker_times_out(stack: Stack):
    settings = get_settings()
    per_try = settings.aws_connect_timeout_seconds + settings.aws_read_timeout_seconds
    assert settings.aws_max_attempts * per_try < stack.template.function_timeout("DeliveryWorkerFunction")
    assert settings.delivery_reserve_seconds > per_try


def test_template_sweeper_may_put_messages_on_the_delivery_queue(stack: Stack):
    policies = stack.template.resources["SweeperFunction"]["Properties"]["Policies"]
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["DeliveryQueue", "QueueName"]}}} in policies


def test_template_every_api_function_may_take_from_its_rate_limit_bucket(stack: Stack):
    # Every API request is admitted in its function: the bucket's PutItem needs write on the accounts table
    writes = {"DynamoDBWritePolicy", "DynamoDBCrudPolicy"}
    for function in {route.function for route in stack.template.routes()}:
        policies = stack.template.resources[function]["Properties"]["Policies"]
        granted = [p for p in policies if isinstance(p, dict) and set(p) & writes]
        assert any(next(iter(p.values())) == {"TableName": {"Ref": "AccountsTable"}} for p in granted), function


def test_template_receipts_failures_are_kept_not_dropped(stack: Stack):
    config = stack.template.resources["ReceiptsFunction"]["Properties"]["EventInvokeConfig"]
    assert config["DestinationConfig"]["OnFailure"] == {
        "Type": "SQS",
        "Destination": {"Fn::GetAtt": ["ReceiptsFailureQueue", "Arn"]},
    }


def test_template_every_api_path_takes_its_other_methods_for_a_405(stack: Stack):
    # Given the routes of each path / Then an ANY route of the same function answers its other methods
    routes = stack.template.routes()
    served = {(route.path, route.function) for route in routes if route.method != "ANY"}
    assert {(route.path, route.function) for route in routes if route.method == "ANY"} == served


def test_template_end_user_messaging_events_reach_the_receipts_function(stack: Stack):
    # The SMS configuration set publishes to the topic the receipts function is subscribed to,
    # under the name the worker is given, with the protect configuration attached
    resources = stack.template.resources
    configuration_set = resources["SmsConfigurationSet"]["Properties"]
    (destination,) = configuration_set["EventDestinations"]
    subscription = resources["SmsEventsSubscription"]["Properties"]
    assert destination["SnsDestination"]["TopicArn"] == subscription["TopicArn"] == {"Ref": "SmsEventsTopic"}
    assert subscription["Endpoint"] == {"Fn::GetAtt": ["ReceiptsFunction", "Arn"]}
    assert {"TEXT_DELIVERED", "TEXT_SUCCESSFUL", "TEXT_PROTECT_BLOCKED"} <= set(destination["MatchingEventTypes"])
    worker = stack.environment("DeliveryWorkerFunction")
    assert stack.intrinsics.resolve(configuration_set["ConfigurationSetName"]) == worker["SMS_CONFIGURATION_SET"]
    assert configuration_set["ProtectConfigurationId"] == {
        "Fn::GetAtt": ["SmsProtectConfiguration", "ProtectConfigurationId"]
    }


def test_template_protect_configuration_filters_every_priced_country(stack: Stack):
    # The destinations we sell (a price row) are the ones AWS's fraud filter watches
    rules = stack.template.resources["SmsProtectConfiguration"]["Properties"]["CountryRuleSet"]["SMS"]
    assert {rule["CountryCode"] for rule in rules if rule["ProtectStatus"] == "FILTER"} == {
        country for country in price_table().root if country != DEFAULT_ROW
    }


def test_template_end_user_messaging_and_email_tenants_are_off_by_default(stack: Stack):
    # moto and the local stack implement neither: the stack they build must not use them
    worker = stack.environment("DeliveryWorkerFunction")
    assert (worker["SMS_PROVIDER"], worker["SES_TENANTS"]) == ("sns", "false")
    assert get_settings().sms_provider == "sns"
    assert not get_settings().ses_tenants
