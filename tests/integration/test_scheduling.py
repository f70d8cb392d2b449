"""Scheduled sends against moto: stored SCHEDULED and charged at request time, fired by the
sweeper exactly once when due, audience sends fired as send jobs that read their audience then."""

from datetime import timedelta
from typing import Any

import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme import aws
from sendme.domain.clock import to_iso, utc_now
from sendme.domain.ids import new_id
from sendme.domain.leases import ExpiredLease
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.send_jobs import SendJobTask
from sendme.outbound.queues import SendJobQueue
from sendme.services import schedules as schedules_module
from sendme.services import sweeper as sweeper_module
from sendme.services.sweeper import Sweeper
from sendme.wiring.accounts import ledger
from sendme.wiring.contacts import contact_service
from sendme.wiring.messages import send_jobs
from sendme.wiring.sweeper import sweeper

from .conftest import _drainer
from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, sms_sent, stored_messages

SEND = "/api/messages/sms/contacts"


def ahead(**delta: float) -> str:
    return to_iso(utc_now() + timedelta(**delta))


def sweep_later(monkeypatch: pytest.MonkeyPatch, **delta: float) -> None:
    """Every sweep from now on runs `delta` in the future."""
    later = lambda: to_iso(utc_now() + timedelta(**delta))  # noqa: E731
    monkeypatch.setattr(sweeper_module, "now_iso", later)
    monkeypatch.setattr(schedules_module, "now_iso", later)


def schedule_sms(api: Client, key: str, path: str = SEND, **body: Any) -> Any:
    payload = (SPEC_SMS_BODY if path == SEND else {"message": "Hi all"}) | {"scheduledAt": ahead(minutes=5)} | body
    return api.post(path, json=payload, headers=auth(key))


def drain_jobs(stack: Stack, lambdas: Any) -> None:
    _drainer(stack, lambdas, "SendJobQueue", "FanOutWorkerFunction")()


def test_scheduled_send_stores_messages_scheduled_charges_now_and_queues_nothing(api: Client, demo, stack: Stack):
    # Given a send scheduled five minutes ahead, in another offset
    at = (utc_now() + timedelta(minutes=5)).astimezone().isoformat()
    # When it is requested
    response = schedule_sms(api, demo.api_key, scheduledAt=at)
    # Then 201 saying when, both messages SCHEDULED for that time, charged, and nothing queued
    assert response.status_code == 201
    assert response.json["scheduledAt"] == to_iso(utc_now().fromisoformat(at))
    items = stored_messages(stack)
    assert {(i["status"], i["scheduledAt"], i["leaseUntil"]) for i in items} == {
        ("SCHEDULED",) + (response.json["scheduledAt"],) * 2
    }
    assert credits_of(demo.org_id) == 98
    assert queued(stack) == 0


@pytest.mark.parametrize(
    "scheduled_at",
    [
        pytest.param("2020-01-01T00:00:00Z", id="past"),
        pytest.param("soon", id="malformed"),
        pytest.param("2030-01-01T00:00:00", id="no-offset"),
        pytest.param(None, id="too-near"),
        pytest.param("far", id="too-far"),
    ],
)
def test_scheduled_send_out_of_its_window_is_400_naming_the_field(api: Client, demo, stack: Stack, scheduled_at):
    # Given a scheduledAt in the past, malformed, without an offset, under a minute or over a year ahead
    value = {None: ahead(seconds=30), "far": ahead(days=366)}.get(scheduled_at, scheduled_at)
    # When sent
    response = schedule_sms(api, demo.api_key, scheduledAt=value)
    # Then 400 naming scheduledAt, and nothing stored or charged
    assert (response.status_code, response.json["field"]) == (400, "scheduledAt")
    assert stored_messages(stack) == []
    assert credits_of(demo.org_id) == 100


def test_sweeper_leaves_a_scheduled_message_before_its_time(api: Client, demo, stack: Stack):
    # Given a send scheduled five minutes ahead
    schedule_sms(api, demo.api_key)
    # When the sweeper runs now
    result = sweeper().sweep()
    # Then nothing fired
    assert result.fired == 0
    assert {i["status"] for i in stored_messages(stack)} == {"SCHEDULED"}


def test_sweeper_fires_a_due_scheduled_message_and_it_is_sent_once(api: Client, demo, stack: Stack, drain, monkeypatch):
    # Given a send scheduled five minutes ahead
    schedule_sms(api, demo.api_key)
    # When the sweeper runs at that time (twice), and the worker drains the queue
    sweep_later(monkeypatch, minutes=5, seconds=1)
    first, second = sweeper().sweep(), sweeper().sweep()
    drain()
    # Then the first sweep fired both, the second nothing, and each was sent once and charged once
    assert (first.fired, second.fired) == (2, 0)
    assert {i["status"] for i in stored_messages(stack)} == {"SENT"}
    assert len(sms_sent()) == 2
    assert credits_of(demo.org_id) == 98
    history = [event["status"] for event in stored_messages(stack)[0]["history"]]
    assert history == ["SCHEDULED", "QUEUED", "SENDING", "SENT"]


class StaleLeaseIndex:
    """What a second, concurrent sweep read from the index before the first one fired."""

    def __init__(self, leases: list[ExpiredLease]) -> None:
        self._leases = leases

    def expired(self, before: str) -> list[ExpiredLease]:
        return self._leases


def test_concurrent_sweeps_fire_a_scheduled_message_exactly_once(api: Client, demo, stack: Stack, drain, monkeypatch):
    # Given two sweeps that both read the due leases before either fired them
    schedule_sms(api, demo.api_key)
    sweep_later(monkeypatch, minutes=6)
    real = sweeper()
    leases = list(real._leases.expired(before=ahead(minutes=6)))
    racing = Sweeper(StaleLeaseIndex(leases), real._messages, real._settlement, real._dispatcher, real._policy)  # type: ignore[arg-type]
    # When both fire them
    results = [real.sweep(), racing.sweep()]
    drain()
    # Then one sweep fired each message, one queue entry each, one SMS each
    assert sorted(r.fired for r in results) == [0, 2]
    assert len(sms_sent()) == 2
    assert {i["status"] for i in stored_messages(stack)} == {"SENT"}


def test_scheduled_all_send_is_a_scheduled_job_prepaid_for_the_audience_known_now(api: Client, demo, stack: Stack):
    # When an /all send is scheduled (three active contacts with a phone)
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    # Then 202 with a SCHEDULED job, its time, three credits reserved now, and no message stored
    assert response.status_code == 202
    assert response.json["job"]["status"] == "SCHEDULED"
    assert response.json["scheduledAt"]
    assert credits_of(demo.org_id) == 97
    assert stored_messages(stack) == []
    assert queued(stack, "SendJobQueue") == 0


def _add_contact(org_id: str, phone: str) -> None:
    contact_service().add(org_id, "New", phone=phone, country="CO")


def _spend(org_id: str, credits: int) -> None:
    ledger().record(movement(org_id, LedgerKind.ADJUSTMENT, -credits, CauseType.ADMIN, new_id()))


def test_scheduled_job_reads_its_audience_when_due_and_charges_the_difference(
    api: Client, demo, stack: Stack, lambdas, drain, monkeypatch
):
    # Given an /all send scheduled with three contacts, and a fourth added before it is due
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    _add_contact(demo.org_id, "3005550000")
    # When the sweeper fires it (twice: a duplicate post) and the fan-out worker runs it
    sweep_later(monkeypatch, minutes=6)
    fired = [sweeper().sweep().jobs_fired, sweeper().sweep().jobs_fired]
    drain_jobs(stack, lambdas)
    drain()
    # Then it fired once, sent to the four contacts, and four credits were charged in all
    assert fired == [1, 0]
    job = send_jobs().get(demo.org_id, response.json["job"]["id"])
    assert job is not None
    assert (job.status, job.accepted) == ("DONE", 4)
    assert len(sms_sent()) == 4
    assert credits_of(demo.org_id) == 96


def test_scheduled_job_whose_audience_shrank_returns_the_surplus(
    api: Client, demo, stack: Stack, lambdas, drain, monkeypatch
):
    # Given an /all send scheduled with three contacts (3 credits prepaid), one deleted before it is due
    schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    contacts = [c for c in contact_service()._contacts.all(demo.org_id) if c.phone and c.status == "ACTIVE"]
    contact_service().delete(demo.org_id, contacts[0].id)
    # When it fires and runs
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    drain_jobs(stack, lambdas)
    drain()
    # Then two were sent, and two credits were charged in all
    assert len(sms_sent()) == 2
    assert credits_of(demo.org_id) == 98


def test_scheduled_job_short_of_credits_when_due_fails_and_refunds_its_prepayment(
    api: Client, demo, stack: Stack, lambdas, monkeypatch
):
    # Given an /all send scheduled with 3 credits prepaid, and the balance spent meanwhile
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    _add_contact(demo.org_id, "3005550000")
    _spend(demo.org_id, 97)
    # When it fires
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    drain_jobs(stack, lambdas)
    # Then the job FAILED with its reason, nothing was stored, and the prepayment came back
    job = send_jobs().get(demo.org_id, response.json["job"]["id"])
    assert job is not None
    assert (job.status, job.error_code) == ("FAILED", "INSUFFICIENT_CREDITS")
    assert stored_messages(stack) == []
    assert credits_of(demo.org_id) == 3


def test_scheduled_job_posted_twice_reserves_and_sends_once(
    api: Client, demo, stack: Stack, lambdas, drain, monkeypatch
):
    # Given a due scheduled job whose task reached the fan-out worker twice
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    SendJobQueue(aws.sqs(), stack.ref("SendJobQueue")).submit(
        SendJobTask(org_id=demo.org_id, job_id=response.json["job"]["id"])
    )
    # When the fan-out runs both, and the worker drains
    drain_jobs(stack, lambdas)
    drain()
    # Then three SMS, three credits
    assert len(sms_sent()) == 3
    assert credits_of(demo.org_id) == 97
    assert {i["status"] for i in stored_messages(stack)} == {"SENT"}
