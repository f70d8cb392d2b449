"""The template's resources, as built from its own properties, have what the code relies on."""

import boto3

from devstack.provision import Stack


def test_template_queue_dead_letters_after_five_receives(stack: Stack):
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=stack.ref("DeliveryQueue"), AttributeNames=["All"])[
        "Attributes"
    ]
    assert '"maxReceiveCount": 5' in attributes["RedrivePolicy"]
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
        ("GET", "/api/contacts"),
        ("POST", "/api/contacts"),
        ("POST", "/api/contacts/import"),
        ("GET", "/api/contacts/{id}"),
        ("PATCH", "/api/contacts/{id}"),
        ("DELETE", "/api/contacts/{id}"),
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
    # ...and both of SNS's SMS delivery status log groups feed it
    subscribed = {e["LogGroupName"]["Ref"] for e in events.values() if "LogGroupName" in e}
    assert subscribed == {"SmsDeliveryLogGroup", "SmsFailureLogGroup"}


def test_template_every_api_path_takes_its_other_methods_for_a_405(stack: Stack):
    # Given the routes of each path / Then an ANY route of the same function answers its other methods
    routes = stack.template.routes()
    served = {(route.path, route.function) for route in routes if route.method != "ANY"}
    assert {(route.path, route.function) for route in routes if route.method == "ANY"} == served
