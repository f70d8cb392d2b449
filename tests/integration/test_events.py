"""The tests/events files (also `sam local invoke -e` inputs) run through their handlers."""

import json

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from tests.conftest import load_event

from .helpers import sms_sent, stored_messages


def test_event_send_and_deliver_round_trip(lambdas: LocalLambdas, demo, stack: Stack):
    # Given the send event, with the demo organisation's key
    event = load_event("send_sms_contacts.json")
    event["headers"]["api-key"] = demo.api_key
    response = lambdas.invoke("SendSmsFunction", event)
    assert response["statusCode"] == 201
    first = json.loads(response["body"])["messages"][0]["id"]
    # When the SQS event for its first message reaches the worker, twice
    delivery = load_event("sqs_delivery.json")
    delivery["Records"][0]["body"] = json.dumps({"orgId": demo.org_id, "messageId": first})
    assert lambdas.invoke("DeliveryWorkerFunction", delivery) == {"batchItemFailures": []}
    assert lambdas.invoke("DeliveryWorkerFunction", delivery) == {"batchItemFailures": []}
    # Then that message is SENT, published once; the other still waits in the queue
    statuses = {item["id"]: item["status"] for item in stored_messages(stack)}
    assert statuses[first] == "SENT"
    assert sorted(statuses.values()) == ["QUEUED", "SENT"]
    assert len(sms_sent()) == 1


def test_event_malformed_queue_record_is_reported_failed_not_crashing(lambdas: LocalLambdas, demo):
    delivery = load_event("sqs_delivery.json")
    delivery["Records"][0]["body"] = "not json"
    result = lambdas.invoke("DeliveryWorkerFunction", delivery)
    assert result == {"batchItemFailures": [{"itemIdentifier": delivery["Records"][0]["messageId"]}]}
