"""SMS through AWS End User Messaging (decision 22): the worker and the receipts function against
moto's tables and queues, with SendTextMessage stubbed by botocore's Stubber (moto lacks the API)."""

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from sendme import aws, wiring
from tests.conftest import load_event

from .helpers import SPEC_SMS_BODY, auth, credits_of, stored_messages


@pytest.fixture
def eum(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The worker configured for End User Messaging, its client stubbed."""
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    stubber = Stubber(client)
    monkeypatch.setenv("SMS_PROVIDER", "eum")
    monkeypatch.setattr(aws, "sms_voice", lru_cache(maxsize=1)(lambda: client))
    wiring.reset()
    with stubber:
        yield stubber


def send_spec_sms(api: Client, key: str) -> list[str]:
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    return [message["id"] for message in response.json["messages"]]


def stored(stack: Stack) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in stored_messages(stack)}


def expect_send(eum: Stubber, org_id: str, message_id: str, answer: dict[str, Any] | str) -> None:
    """SendTextMessage for this message: answered with a message id, or refused with `Reason`."""
    expected = {
        "DestinationPhoneNumber": ANY,
        "MessageBody": ANY,
        "MessageType": "PROMOTIONAL",
        "ConfigurationSetName": "test-sms",
        "TimeToLive": 86400,
        "Context": {"messageId": message_id, "orgId": org_id},
    }
    if isinstance(answer, str):
        eum.add_client_error(
            "send_text_message", "ConflictException", expected_params=expected, modeled_fields={"Reason": answer}
        )
    else:
        eum.add_response("send_text_message", answer, expected)


def test_eum_delivery_sends_through_end_user_messaging(api: Client, demo, stack: Stack, eum: Stubber, drain):
    # Given two queued SMS and End User Messaging accepting both
    ids = send_spec_sms(api, demo.api_key)
    for n, message_id in enumerate(ids):
        expect_send(eum, demo.org_id, message_id, {"MessageId": f"eum-{n}"})
    # When the worker drains the queue
    drain()
    # Then both are SENT with End User Messaging's ids, each sent once
    messages = stored(stack)
    assert [(messages[i]["status"], messages[i]["providerMessageId"]) for i in ids] == [
        ("SENT", "eum-0"),
        ("SENT", "eum-1"),
    ]
    eum.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("DESTINATION_PHONE_NUMBER_OPTED_OUT", "SMS_OPTED_OUT"),
        ("DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION", "SMS_PROTECT_BLOCKED"),
    ],
)
def test_eum_refusal_fails_the_message_and_refunds_it_once(
    api: Client, demo, stack: Stack, eum: Stubber, drain, reason: str, code: str
):
    # Given two queued SMS (4 credits reserved) that End User Messaging refuses
    ids = send_spec_sms(api, demo.api_key)
    for message_id in ids:
        expect_send(eum, demo.org_id, message_id, reason)
    # When the worker drains the queue, and every queue message is then delivered again
    drain()
    sqs = boto3.client("sqs")
    for message_id in ids:
        body = json.dumps({"orgId": demo.org_id, "messageId": message_id})
        sqs.send_message(QueueUrl=stack.ref("DeliveryQueue"), MessageBody=body)
    drain()
    # Then each is FAILED with the reason, tried once (no pending or extra call), refunded once
    messages = stored(stack)
    assert {(messages[i]["status"], messages[i]["errorCode"]) for i in ids} == {("FAILED", code)}
    eum.assert_no_pending_responses()
    assert credits_of(demo.org_id) == 100


def eum_event(name: str, org_id: str, message_id: str) -> dict[str, Any]:
    """tests/events/receipts_eum_<name>.json, about our message."""
    event = load_event(f"receipts_eum_{name}.json")
    record = json.loads(event["Records"][0]["Sns"]["Message"])
    record["context"] = {"messageId": message_id, "orgId": org_id}
    event["Records"][0]["Sns"]["Message"] = json.dumps(record)
    return event


def sent_sms(api: Client, demo: Any, eum: Stubber, drain: Any) -> list[str]:
    ids = send_spec_sms(api, demo.api_key)
    for n, message_id in enumerate(ids):
        expect_send(eum, demo.org_id, message_id, {"MessageId": f"eum-{n}"})
    drain()
    return ids


def test_eum_receipt_delivered_moves_the_sms_on(
    lambdas: LocalLambdas, api: Client, demo, stack: Stack, eum: Stubber, drain
):
    # Given a sent SMS
    message_id = sent_sms(api, demo, eum, drain)[0]
    # When End User Messaging reports its final delivery
    assert lambdas.invoke("ReceiptsFunction", eum_event("delivered", demo.org_id, message_id)) == {"moved": 1}
    # Then it is DELIVERED, the receipt in its history
    item = stored(stack)[message_id]
    assert (item["status"], item["history"][-1]["source"]) == ("DELIVERED", "eum")


def test_eum_receipt_not_final_changes_nothing(
    lambdas: LocalLambdas, api: Client, demo, stack: Stack, eum: Stubber, drain
):
    # Given a sent SMS
    message_id = sent_sms(api, demo, eum, drain)[0]
    # When End User Messaging reports it pending (isFinal false)
    assert lambdas.invoke("ReceiptsFunction", eum_event("pending", demo.org_id, message_id)) == {"moved": 0}
    # Then it stays SENT
    assert stored(stack)[message_id]["status"] == "SENT"


def test_eum_receipt_protect_blocked_fails_and_refunds_once(
    lambdas: LocalLambdas, api: Client, demo, stack: Stack, eum: Stubber, drain
):
    # Given a sent SMS (2 credits)
    message_id = sent_sms(api, demo, eum, drain)[0]
    before = credits_of(demo.org_id)
    # When the protect configuration's block is reported, twice (SNS delivers at least once)
    event = eum_event("protect_blocked", demo.org_id, message_id)
    moved = [lambdas.invoke("ReceiptsFunction", event)["moved"] for _ in range(2)]
    # Then it FAILED once and its credits came back once
    item = stored(stack)[message_id]
    assert (item["status"], item["errorCode"], moved) == ("FAILED", "SMS_PROTECT_BLOCKED", [1, 0])
    assert credits_of(demo.org_id) == before + int(item["cost"])
