"""The dead-letter handler against moto: what SQS gave up on ends FAILED with a reason."""

import json

from devstack.provision import Stack
from sendme.domain.errors import ProviderError
from sendme.outbound.providers import SmsProvider
from tests.conftest import load_event

from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, sms_sent, stored_messages


def always_throttled(self, message, sender_id=None):
    raise ProviderError("Rate exceeded", code="Throttling", retryable=True)


def test_dead_letters_a_message_throttled_on_every_attempt_ends_failed_and_refunded(
    api, demo, stack: Stack, drain, drain_dead_letters, monkeypatch
):
    # Given a provider that throttles every attempt until SQS moves the messages to the DLQ
    monkeypatch.setattr(SmsProvider, "send", always_throttled)
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    assert queued(stack, "DeliveryDeadLetterQueue") == 2
    # When the dead-letter handler drains its queue
    drain_dead_letters()
    # Then each message is FAILED with the reason, refunded, and nothing was sent
    items = stored_messages(stack)
    assert {(i["status"], i["errorCode"]) for i in items} == {("FAILED", "DELIVERY_RETRIES_EXHAUSTED")}
    assert all(i["history"][-1]["source"] == "dead-letter" for i in items)
    assert credits_of(demo.org_id) == 100
    assert queued(stack, "DeliveryDeadLetterQueue") == 0
    assert sms_sent() == {}


def test_dead_letters_a_message_already_sent_by_another_copy_is_left_sent(lambdas, api, demo, stack: Stack, drain):
    # Given a message delivered by one copy of its queue message
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    first = response.json["messages"][0]["id"]
    drain()
    # When another copy reaches the dead-letter handler
    event = load_event("sqs_delivery.json")
    event["Records"][0]["body"] = json.dumps({"orgId": demo.org_id, "messageId": first})
    assert lambdas.invoke("DeadLetterFunction", event) == {"batchItemFailures": []}
    # Then it stays SENT and keeps its credits
    assert {i["id"]: i["status"] for i in stored_messages(stack)}[first] == "SENT"
    assert credits_of(demo.org_id) == 98
