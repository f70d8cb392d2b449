"""The delivery worker against moto: claim, send once, record the outcome."""

import json

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.errors import ProviderError
from sendme.providers import SmsProvider

from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, sms_sent, stored_messages


def send_spec_sms(api: Client, key: str) -> list[str]:
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    return [message["id"] for message in response.json["messages"]]


def test_delivery_sends_each_message_and_marks_it_sent(api: Client, demo, stack: Stack, drain):
    ids = send_spec_sms(api, demo.api_key)
    drain()
    stored = {item["id"]: item for item in stored_messages(stack)}
    assert {stored[i]["status"] for i in ids} == {"SENT"}
    assert {stored[i]["providerMessageId"] for i in ids} == set(sms_sent())
    assert sorted(phone for phone, _ in sms_sent().values()) == ["+573001234567", "+573009876543"]
    assert [event["status"] for event in stored[ids[0]]["history"]] == ["QUEUED", "SENDING", "SENT"]
    assert queued(stack) == 0


def test_delivery_of_a_duplicated_queue_message_sends_once(api: Client, demo, stack: Stack, drain):
    # Given every queue message delivered twice (SQS is at-least-once)
    ids = send_spec_sms(api, demo.api_key)
    sqs = boto3.client("sqs")
    for message_id in ids:
        body = json.dumps({"orgId": demo.org_id, "messageId": message_id})
        sqs.send_message(QueueUrl=stack.ref("DeliveryQueue"), MessageBody=body)
    # When the worker drains the queue
    drain()
    # Then each message was published once
    assert len(sms_sent()) == 2
    assert queued(stack) == 0


def test_delivery_permanent_provider_error_fails_and_refunds(api, demo, stack, drain, monkeypatch):
    def reject(self, message, sender_id=None):
        raise ProviderError("Invalid parameter: PhoneNumber", code="InvalidParameter", retryable=False)

    monkeypatch.setattr(SmsProvider, "send", reject)
    send_spec_sms(api, demo.api_key)
    assert credits_of(demo.org_id) == 98
    drain()
    items = stored_messages(stack)
    assert {(i["status"], i["errorCode"]) for i in items} == {("FAILED", "InvalidParameter")}
    assert credits_of(demo.org_id) == 100
    assert queued(stack) == 0


def test_delivery_transient_provider_error_is_retried_until_sent(api, demo, stack, drain, monkeypatch):
    real_send = SmsProvider.send
    failures = {"left": 3}

    def flaky(self, message, sender_id=None):
        if failures["left"]:
            failures["left"] -= 1
            raise ProviderError("Rate exceeded", code="Throttling", retryable=True)
        return real_send(self, message, sender_id)

    monkeypatch.setattr(SmsProvider, "send", flaky)
    ids = send_spec_sms(api, demo.api_key)
    drain()
    stored = {item["id"]: item for item in stored_messages(stack)}
    assert {stored[i]["status"] for i in ids} == {"SENT"}
    assert len(sms_sent()) == 2
    statuses = [event["status"] for item in stored.values() for event in item["history"]]
    assert statuses.count("QUEUED") == 2 + 3  # created, then handed back once per throttle


@pytest.mark.parametrize("channel", ["email"])
def test_delivery_sends_email_through_ses_with_tags(api, demo, stack, drain, channel):
    from moto.ses.models import ses_backends

    from devstack.provision import ACCOUNT_ID as DEFAULT_ACCOUNT_ID

    body = {"subject": "Hi", "message": "<p>Hello</p>", "contentType": "HTML", "contacts": ["ana@example.com"]}
    api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key))
    drain()
    (item,) = stored_messages(stack)
    assert item["status"] == "SENT"
    (sent,) = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sent_messages
    assert sent.destinations["ToAddresses"] == ["ana@example.com"]
