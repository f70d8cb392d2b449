"""The delivery worker against moto: claim, send once, record the outcome."""

import json

import boto3
import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from sendme.domain.errors import ProviderError
from sendme.domain.messages import MessageStatus
from sendme.observability import metrics
from sendme.outbound.providers import SmsProvider
from sendme.storage.messages import MessageRepository
from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization, queued, sms_sent, stored_messages


def send_spec_sms(api: Client, key: str) -> list[str]:
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    return [message["id"] for message in response.json["messages"]]


def send_sms_to(api: Client, key: str, count: int) -> list[str]:
    body = {"message": "Hola", "contacts": [f"300{n:07d}" for n in range(count)], "country": "CO"}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(key))
    return [message["id"] for message in response.json["messages"]]


def total(api: Client, key: str, status: str) -> int:
    return int(api.get(f"/api/messages?status={status}", headers=auth(key)).json["meta"]["totalRecords"])


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


def throttle_first_sends(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """SNS answers the next `count` sends with Throttling (transient), then takes them."""
    real_send = SmsProvider.send
    failures = {"left": count}

    def flaky(self, message, sender_id=None):
        if failures["left"]:
            failures["left"] -= 1
            raise ProviderError("Rate exceeded", code="Throttling", retryable=True)
        return real_send(self, message, sender_id)

    monkeypatch.setattr(SmsProvider, "send", flaky)


def test_delivery_transient_provider_error_is_retried_until_sent(api, demo, stack, drain, monkeypatch):
    throttle_first_sends(monkeypatch, 3)
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


def test_delivery_interrupted_mid_batch_sends_none_twice_and_the_unsent_go_back_to_the_queue(
    api, demo, stack, drain, monkeypatch
):
    # Given a worker that fails unexpectedly on the second message of its batch (not a provider error)
    real_send = SmsProvider.send
    calls = {"made": 0}

    def breaks_once(self, message, sender_id=None):
        calls["made"] += 1
        if calls["made"] == 2:
            raise RuntimeError("the worker broke mid-batch")
        return real_send(self, message, sender_id)

    monkeypatch.setattr(SmsProvider, "send", breaks_once)
    ids = send_sms_to(api, demo.api_key, 5)
    # When the queue is drained (the failed invocation's batch is offered again)
    drain()
    # Then the one whose outcome is unknown waits for the sweeper, every other one is SENT, and
    # none was published twice
    stored = {item["id"]: item for item in stored_messages(stack)}
    assert sorted(stored[i]["status"] for i in ids) == ["SENDING", "SENT", "SENT", "SENT", "SENT"]
    published = [phone for phone, _ in sms_sent().values()]
    assert len(published) == len(set(published)) == 4
    interrupted = [i for i in ids if any(e.get("detail") == "DELIVERY_INTERRUPTED" for e in stored[i]["history"])]
    assert len(interrupted) == 3
    assert queued(stack) == 0


def test_delivery_claim_lost_to_another_worker_sends_nothing(api, demo, stack, drain, monkeypatch):
    # Given another worker claims each message right before this one's claim is written
    real_transition = MessageRepository.transition

    def lose_the_race(self, org_id, message_id, target, **options):
        if options["source"] == "worker" and target is MessageStatus.SENDING:
            real_transition(self, org_id, message_id, MessageStatus.SENDING, source="other-worker")
        return real_transition(self, org_id, message_id, target, **options)

    monkeypatch.setattr(MessageRepository, "transition", lose_the_race)
    ids = send_spec_sms(api, demo.api_key)
    # When this worker delivers them
    drain()
    # Then its claims are refused: it published nothing and the other worker's claim stands
    assert sms_sent() == {}
    stored = {item["id"]: item for item in stored_messages(stack)}
    assert [[e["source"] for e in stored[i]["history"]] for i in ids] == [["api", "other-worker"]] * 2


def test_delivery_keeps_the_status_totals_in_step(api, demo, stack, drain, monkeypatch):
    # Given 5 messages, one of them throttled once on its way
    throttle_first_sends(monkeypatch, 1)
    send_sms_to(api, demo.api_key, 5)
    assert total(api, demo.api_key, "QUEUED") == 5
    # When they are delivered
    drain()
    # Then the totals GET /api/messages reports follow every status change
    assert {status: total(api, demo.api_key, status) for status in ("QUEUED", "SENDING", "SENT")} == {
        "QUEUED": 0,
        "SENDING": 0,
        "SENT": 5,
    }


def test_local_stack_never_fails_a_handler_past_a_hundred_invocations(api, stack, drain, monkeypatch):
    # Given a fresh local stack's metrics (off, and no namespace: the layer is imported before
    # the functions' environment is set), and more sends than Powertools keeps values of one
    # metric (100) before flushing on its own
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    monkeypatch.setattr(metrics.provider, "namespace", None)
    metrics.clear_metrics()
    failures: list[Exception] = []
    real_invoke = LocalLambdas.invoke

    def invoke(self, function, event):
        try:
            return real_invoke(self, function, event)
        except Exception as error:
            failures.append(error)
            raise

    monkeypatch.setattr(LocalLambdas, "invoke", invoke)
    org_id, key = organization(credits=110)
    # (above the default 100 requests a minute, which a fast machine reaches within the minute)
    account_service().set_request_limit(org_id, 1000, 1000)
    # When 110 sends of one message each are made and delivered
    statuses = [
        api.post(
            "/api/messages/sms/contacts",
            json={"message": "Hola", "contacts": [f"300{n:07d}"], "country": "CO"},
            headers=auth(key),
        ).status_code
        for n in range(110)
    ]
    drain()
    # Then every send was accepted, no invocation failed, and every message is SENT
    assert set(statuses) == {201}
    assert failures == []
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
