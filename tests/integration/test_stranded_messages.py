"""Messages stored but never queued (issue 13): every one is under a lease from birth, so the
sweeper puts it on the queue again, and after too many tries fails and refunds it."""

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from werkzeug.test import Client

from devstack.provision import Stack
from sendme import aws, wiring
from sendme.domain.clock import to_iso, utc_now
from sendme.domain.messages import DeliveryTask
from sendme.services import sweeper as sweeper_module
from sendme.wiring.delivery import delivery_service
from sendme.wiring.sweeper import sweeper

from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, sms_sent, stored_messages


def queue_unreachable() -> None:
    """Every SendMessageBatch of the API's SQS client raises, as when the network to SQS fails."""

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://sqs.us-east-1.amazonaws.com")

    aws.sqs().meta.events.register("before-call.sqs.SendMessageBatch", unreachable)


def queue_reachable() -> None:
    aws.reset_clients()
    wiring.reset()


def sweep_later(monkeypatch: pytest.MonkeyPatch, hours: int) -> None:
    """The sweeper runs `hours` from now: every lease taken so far has expired."""
    monkeypatch.setattr(sweeper_module, "now_iso", lambda: to_iso(utc_now() + timedelta(hours=hours)))


def send_while_queue_unreachable(api: Client, key: str) -> Any:
    queue_unreachable()
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    queue_reachable()
    return response


def test_send_when_sqs_raises_after_the_write_answers_success_with_messages_queued_under_a_lease(
    api: Client, demo, stack: Stack
):
    # Given SQS unreachable once the messages are written
    # When the spec's example is sent
    response = send_while_queue_unreachable(api, demo.api_key)
    # Then the client gets the normal answer, and each message waits QUEUED under a lease, charged
    assert response.status_code == 201
    assert len(response.json["messages"]) == 2
    stored = stored_messages(stack)
    assert {item["status"] for item in stored} == {"QUEUED"}
    assert all(item["leaseUntil"] > to_iso(utc_now()) and item["leaseShard"] for item in stored)
    assert (queued(stack), credits_of(demo.org_id)) == (0, 98)


def test_sweeper_redrives_a_message_never_queued_and_the_worker_sends_it_once(
    api: Client, demo, stack: Stack, drain, monkeypatch
):
    # Given a send whose queue entries never reached SQS
    send_while_queue_unreachable(api, demo.api_key)
    # When the sweeper runs after the birth lease expired, and the worker drains the queue
    sweep_later(monkeypatch, hours=1)
    result = sweeper().sweep()
    drain()
    # Then both messages were put back on the queue and each was published exactly once
    assert result.redriven == 2
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
    assert len(sms_sent()) == 2
    assert credits_of(demo.org_id) == 98


def test_sweeper_redrive_of_a_message_still_on_the_queue_sends_it_once(
    api: Client, demo, stack: Stack, drain, monkeypatch
):
    # Given messages waiting in a long queue past their birth lease, re-driven by the sweeper
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    sweep_later(monkeypatch, hours=1)
    sweeper().sweep()
    assert queued(stack) == 4
    # When the worker drains both copies of each queue entry
    drain()
    # Then each message was published once, and no copy is left
    assert len(sms_sent()) == 2
    assert (queued(stack), {item["status"] for item in stored_messages(stack)}) == (0, {"SENT"})


def test_sweeper_redrive_counts_on_the_message_and_extends_its_lease(api: Client, demo, stack: Stack, monkeypatch):
    # Given a send whose queue entries never reached SQS
    send_while_queue_unreachable(api, demo.api_key)
    before = {item["id"]: item["leaseUntil"] for item in stored_messages(stack)}
    # When the sweeper re-drives them
    sweep_later(monkeypatch, hours=1)
    sweeper().sweep()
    # Then each counts one re-drive and holds a new, later lease
    stored = stored_messages(stack)
    assert {item["redrives"] for item in stored} == {1}
    assert all(item["leaseUntil"] > before[item["id"]] for item in stored)


def test_sweeper_fails_and_refunds_a_message_after_its_last_redrive(api: Client, demo, stack: Stack, monkeypatch):
    # Given at most two re-drives, and a message the queue never gets to the worker
    monkeypatch.setenv("MAX_REDRIVES", "2")
    wiring.reset()
    send_while_queue_unreachable(api, demo.api_key)
    sweep_later(monkeypatch, hours=48)
    # When the sweeper finds its lease expired three times
    results = [sweeper().sweep() for _ in range(3)]
    # Then it was re-driven twice, then FAILED with a clear code and refunded
    assert [(r.redriven, r.settled) for r in results] == [(2, 0), (2, 0), (0, 2)]
    assert {(i["status"], i["errorCode"]) for i in stored_messages(stack)} == {("FAILED", "QUEUE_REDRIVES_EXHAUSTED")}
    assert credits_of(demo.org_id) == 100


def test_delivery_out_of_time_hands_back_unsent_messages(api: Client, demo, stack: Stack):
    # Given two stored messages and a worker with less time left than one provider call needs
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    tasks = [DeliveryTask(org_id=demo.org_id, message_id=m["id"]) for m in response.json["messages"]]
    # When the worker delivers them
    handed_back = delivery_service().deliver_all(tasks, remaining_millis=lambda: 1000)
    # Then none was sent: both are QUEUED again, their queue messages to be offered again
    assert handed_back == {task.message_id for task in tasks}
    assert sms_sent() == {}
    stored = stored_messages(stack)
    assert {(i["status"], i["history"][-1]["detail"]) for i in stored} == {("QUEUED", "DELIVERY_OUT_OF_TIME")}


def test_delivery_worker_stops_sending_when_its_time_runs_out(api: Client, demo, stack: Stack, monkeypatch):
    # Given a worker whose time runs out after its first provider call
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    tasks = [DeliveryTask(org_id=demo.org_id, message_id=m["id"]) for m in response.json["messages"]]
    remaining = iter([20_000, 1_000])
    # When the worker delivers both
    handed_back = delivery_service().deliver_all(tasks, remaining_millis=lambda: next(remaining))
    # Then the first was sent and the second handed back unsent
    assert len(sms_sent()) == 1
    assert handed_back == {tasks[1].message_id}
    assert sorted(item["status"] for item in stored_messages(stack)) == ["QUEUED", "SENT"]
