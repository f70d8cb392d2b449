"""The sweeper against moto: messages whose lease expired are re-driven or settled, never sent twice."""

from datetime import timedelta

import boto3
import pytest

from devstack.provision import Stack
from sendme.domain.clock import to_iso, utc_now
from sendme.domain.errors import ProviderError
from sendme.domain.leases import ExpiredLease
from sendme.outbound.providers import SmsProvider
from sendme.outbound.queues import DeliveryQueue
from sendme.services import sweeper as sweeper_module
from sendme.services.dispatch import Dispatcher
from sendme.services.sweeper import RedrivePolicy, Sweeper
from sendme.storage.indexes import LeaseIndex
from sendme.storage.messages import MessageRepository
from sendme.wiring.messages import messages, settlement
from sendme.wiring.sweeper import sweeper
from tests.conftest import load_event

from .helpers import SPEC_SMS_BODY, auth, credits_of, sms_sent, stored_messages


class WorkerDied(Exception):
    """Stands for the Lambda being killed: not a ProviderError, nothing recorded."""


def sweep_an_hour_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweeper runs an hour from now: every lease taken in the test has expired."""
    monkeypatch.setattr(sweeper_module, "now_iso", lambda: to_iso(utc_now() + timedelta(hours=1)))


def crash_after_provider_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace_all = MessageRepository.replace_all

    def replace_all(self, replacements, **kwargs):
        if any(replacement.after.status == "SENT" for replacement in replacements):
            raise WorkerDied("killed between the provider call and the status write")
        return real_replace_all(self, replacements, **kwargs)

    monkeypatch.setattr(MessageRepository, "replace_all", replace_all)


def test_sweeper_settles_a_crashed_send_as_failed_unknown_without_sending_again(
    api, demo, stack: Stack, drain, monkeypatch
):
    # Given a worker that died after SNS accepted both messages, and the queue retried them
    with monkeypatch.context() as crashing:
        crash_after_provider_accepts(crashing)
        api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
        drain()
    sweep_an_hour_later(monkeypatch)
    assert {item["status"] for item in stored_messages(stack)} == {"SENDING"}
    # When the sweeper runs after the leases expired
    result = sweeper().sweep()
    # Then both are FAILED as "outcome unknown", refunded, and were published once each
    assert result.settled == 2
    assert {(i["status"], i["errorCode"]) for i in stored_messages(stack)} == {("FAILED", "DELIVERY_OUTCOME_UNKNOWN")}
    assert credits_of(demo.org_id) == 100
    assert len(sms_sent()) == 2
    assert all("leaseUntil" not in item for item in stored_messages(stack))


def test_sweeper_leaves_a_message_whose_lease_is_still_running(api, demo, stack: Stack, drain, monkeypatch):
    # Given a worker that died a moment ago
    crash_after_provider_accepts(monkeypatch)
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    # When the sweeper runs now
    result = sweeper().sweep()
    # Then nothing is settled yet: the worker might still be running
    assert result.settled == 0
    assert {item["status"] for item in stored_messages(stack)} == {"SENDING"}


def test_sweeper_redrives_a_handed_back_message_the_queue_lost(api, demo, stack: Stack, drain, monkeypatch):
    # Given a throttled message handed back to the queue, whose queue message then vanished
    def throttled(self, message, sender_id=None):
        raise ProviderError("Rate exceeded", code="Throttling", retryable=True)

    with monkeypatch.context() as throttling:
        throttling.setattr(SmsProvider, "send", throttled)
        api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
        drain(max_batches=1)
    boto3.client("sqs").purge_queue(QueueUrl=stack.ref("DeliveryQueue"))
    assert {item["status"] for item in stored_messages(stack)} == {"QUEUED"}
    # When the sweeper runs after the requeue window, and the provider is back
    sweep_an_hour_later(monkeypatch)
    result = sweeper().sweep()
    drain()
    # Then it was put on the queue again and sent, not QUEUED forever
    assert result.redriven == 2
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
    assert (len(sms_sent()), credits_of(demo.org_id)) == (2, 98)


class StaleLeaseIndex:
    """What the sweeper read from the (eventually consistent) index a moment ago."""

    def __init__(self, leases: list[ExpiredLease]) -> None:
        self._leases = leases

    def expired(self, before: str) -> list[ExpiredLease]:
        return self._leases


def test_sweeper_leaves_a_message_that_moved_on_since_its_lease_was_read(api, demo, stack: Stack, drain, monkeypatch):
    # Given expired leases the sweeper read, after which each message was put under a new lease
    crash_after_provider_accepts(monkeypatch)
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    table = boto3.resource("dynamodb").Table(stack.ref("MessagesTable"))
    read = list(LeaseIndex(table).expired(before=to_iso(utc_now() + timedelta(hours=1))))
    for lease in read:
        table.update_item(
            Key={"orgId": lease.org_id, "id": lease.message_id},
            UpdateExpression="SET leaseUntil = :later",
            ExpressionAttributeValues={":later": to_iso(utc_now() + timedelta(minutes=30))},
        )
    # When the sweeper acts on what it read
    queue = Dispatcher(DeliveryQueue(boto3.client("sqs"), stack.ref("DeliveryQueue")), settlement(), source="sweeper")
    policy = RedrivePolicy(lease_seconds=3600, max_redrives=12)
    result = Sweeper(StaleLeaseIndex(read), messages(), settlement(), queue, policy).sweep()  # type: ignore[arg-type]
    # Then nothing is settled: the lease it saw is no longer the message's lease
    assert (len(read), result.settled) == (2, 0)
    assert {item["status"] for item in stored_messages(stack)} == {"SENDING"}


def test_sweeper_scheduled_event_runs_a_sweep(lambdas, api, demo, stack: Stack, drain, monkeypatch):
    # Given a crashed send whose lease has expired
    with monkeypatch.context() as crashing:
        crash_after_provider_accepts(crashing)
        api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
        drain()
    sweep_an_hour_later(monkeypatch)
    # When EventBridge's schedule invokes the sweeper, Then it reports what it settled
    assert lambdas.invoke("SweeperFunction", load_event("sweeper_schedule.json")) == {
        "settled": 2,
        "skipped": 0,
        "redriven": 0,
        "failed": 0,
        "fired": 0,
        "jobs_fired": 0,
    }


def test_sweeper_settles_the_other_leases_when_one_settlement_is_throttled(api, demo, stack: Stack, drain, monkeypatch):
    # Given two messages left SENDING by a worker that died after the provider accepted them
    with monkeypatch.context() as crashing:
        crash_after_provider_accepts(crashing)
        api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
        drain()
    sweep_an_hour_later(monkeypatch)
    # ... and DynamoDB throttling the first settlement the sweeper writes, past the SDK's retries
    service = sweeper()
    real_fail, calls = service._settlement.fail, []

    def throttled_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise boto3.client("dynamodb").exceptions.ProvisionedThroughputExceededException(
                {"Error": {"Code": "ProvisionedThroughputExceededException"}}, "TransactWriteItems"
            )
        return real_fail(*args, **kwargs)

    monkeypatch.setattr(service._settlement, "fail", throttled_once)
    # When the sweeper runs, Then the other lease is still settled and the throttled one is counted
    first = service.sweep()
    assert (first.settled, first.failed) == (1, 1)
    # and the next sweep settles the one left, so neither waits forever
    assert service.sweep().settled == 1
    assert {item["status"] for item in stored_messages(stack)} == {"FAILED"}
