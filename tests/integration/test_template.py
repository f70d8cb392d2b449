"""The template's resources, as built from its own properties, have what the code relies on."""

import boto3

from devstack.provision import Stack
from sendme.config import get_settings

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


def test_template_every_api_route_is_authorized(stack: Stack):
    auth = stack.template.api()["Auth"]
    assert auth["DefaultAuthorizer"] == "ApiKeyAuthorizer"
    routes = {(route.method, route.path) for route in stack.template.routes() if route.method != "ANY"}
    assert routes == {
        ("GET", "/api/messages"),
        ("GET", "/api/messages/{id}"),
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
        ("GET", "/api/suppressions"),
        ("DELETE", "/api/suppressions/{recipient}"),
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
    assert {"delivery", "bounce", "complaint", "open", "reject", "renderingFailure"} <= set(
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
    scaling = worker["Events"]["Deliveries"]["Properties"]["ScalingConfig"]
    assert 2 <= scaling["MaximumConcurrency"] <= worker["ReservedConcurrentExecutions"]


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
