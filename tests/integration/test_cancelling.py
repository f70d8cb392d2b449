"""Cancelling against moto: an unclaimed message becomes CANCELED and is refunded exactly once; a
cancel racing the delivery worker's claim ends with exactly one of them, never both."""

from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.ledger import LedgerKind
from sendme.storage.messages import MessageRepository
from sendme.storage.send_jobs import SendJobRepository
from sendme.wiring.accounts import ledger
from sendme.wiring.messages import send_jobs, settlement
from sendme.wiring.sweeper import sweeper

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization, queued, sms_sent, stored_messages
from .test_scheduling import drain_jobs, schedule_sms, sweep_later

SEND = "/api/messages/sms/contacts"


def cancel(api: Client, key: str, message_id: str) -> Any:
    return api.post(f"/api/messages/{message_id}/cancel", headers=auth(key))


def cancel_queue(api: Client, key: str, queue_id: str) -> Any:
    return api.post(f"/api/messages/queues/{queue_id}/cancel", headers=auth(key))


def refunds(org_id: str) -> list[Any]:
    return [entry for entry in ledger().entries(org_id) if entry.kind is LedgerKind.REFUND]


def test_cancel_a_scheduled_message_refunds_it_and_twice_answers_the_same(api: Client, demo, stack: Stack):
    # Given a scheduled send of two messages (2 credits reserved)
    sent = schedule_sms(api, demo.api_key)
    message_id = sent.json["messages"][0]["id"]
    # When one message is canceled twice
    first, second = cancel(api, demo.api_key, message_id), cancel(api, demo.api_key, message_id)
    # Then both answers say CANCELED with 1 credit back, which was refunded once
    assert first.status_code == second.status_code == 200
    assert first.json == second.json == {"id": message_id, "status": "CANCELED", "refunded": 1}
    assert credits_of(demo.org_id) == 99
    assert len(refunds(demo.org_id)) == 1


def test_a_canceled_scheduled_message_never_fires(api: Client, demo, stack: Stack, drain, monkeypatch):
    # Given a scheduled message canceled before it is due
    sent = schedule_sms(api, demo.api_key)
    cancel(api, demo.api_key, sent.json["messages"][0]["id"])
    # When its time comes and the worker drains the queue
    sweep_later(monkeypatch, minutes=6)
    assert sweeper().sweep().fired == 1
    drain()
    # Then only the other message was sent
    assert len(sms_sent()) == 1
    assert sorted(i["status"] for i in stored_messages(stack)) == ["CANCELED", "SENT"]


def test_cancel_a_queued_message_and_the_worker_sends_nothing(api: Client, demo, stack: Stack, drain):
    # Given a send whose messages wait on the queue
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    # When both are canceled before the worker runs
    for message in sent.json["messages"]:
        assert cancel(api, demo.api_key, message["id"]).status_code == 200
    drain()
    # Then the worker, receiving their queue entries, sent nothing; both refunded
    assert sms_sent() == {}
    assert {i["status"] for i in stored_messages(stack)} == {"CANCELED"}
    assert credits_of(demo.org_id) == 100


def test_cancel_a_sent_message_is_409_saying_its_status(api: Client, demo, stack: Stack, drain):
    # Given a message already sent
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    # When it is canceled
    response = cancel(api, demo.api_key, sent.json["messages"][0]["id"])
    # Then 409 naming SENT, and no refund
    assert (response.status_code, response.json["status"]) == (409, "SENT")
    assert "SENT" in response.json["message"]
    assert credits_of(demo.org_id) == 98


@pytest.mark.parametrize("message_id", ["0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c", "nope"])
def test_cancel_an_unknown_message_is_404(api: Client, demo, message_id):
    assert cancel(api, demo.api_key, message_id).status_code == 404


def test_cancel_another_organisations_message_is_404_and_changes_nothing(api: Client, demo, stack: Stack):
    # Given another organisation's scheduled message
    _, other_key = organization(10)
    sent = schedule_sms(api, demo.api_key)
    # When the other organisation cancels it
    response = cancel(api, other_key, sent.json["messages"][0]["id"])
    # Then 404 and it is still SCHEDULED
    assert response.status_code == 404
    assert {i["status"] for i in stored_messages(stack)} == {"SCHEDULED"}


def test_cancel_that_wins_the_race_with_a_claim_leaves_nothing_sent(
    api: Client, demo, stack: Stack, drain, monkeypatch
):
    # Given a worker with the batch, and a cancel landing just before its first claim is written
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    real_transition = MessageRepository.transition
    canceled: list[int] = []

    def transition(self, org_id, message_id, target, **options):
        if not canceled and target == "SENDING":
            canceled.extend(cancel(api, demo.api_key, m["id"]).status_code for m in sent.json["messages"])
        return real_transition(self, org_id, message_id, target, **options)

    monkeypatch.setattr(MessageRepository, "transition", transition)
    # When the worker claims and sends
    drain()
    # Then its claim was refused: nothing sent, both CANCELED and refunded once
    assert canceled == [200, 200]
    assert sms_sent() == {}
    assert {i["status"] for i in stored_messages(stack)} == {"CANCELED"}
    assert credits_of(demo.org_id) == 100
    assert len(refunds(demo.org_id)) == 2


def test_claim_that_wins_the_race_with_a_cancel_makes_it_409_without_refund(
    api: Client, demo, stack: Stack, drain, monkeypatch
):
    # Given a cancel that read the message QUEUED, and the worker claiming (and sending) it just
    # before the cancel's write
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    real_transition = MessageRepository.transition
    drained: list[int] = []

    def transition(self, org_id, message_id, target, **kwargs):
        if target == "CANCELED" and not drained:
            drained.append(drain())
        return real_transition(self, org_id, message_id, target, **kwargs)

    monkeypatch.setattr(MessageRepository, "transition", transition)
    # When the cancel writes
    response = cancel(api, demo.api_key, sent.json["messages"][0]["id"])
    # Then it is a 409 naming the status the worker left, sent once, and nothing refunded
    assert (response.status_code, response.json["status"]) == (409, "SENT")
    assert len(sms_sent()) == 2
    assert credits_of(demo.org_id) == 98
    assert refunds(demo.org_id) == []


def test_a_canceled_message_is_never_failed_and_refunded_again(api: Client, demo, stack: Stack):
    # Given a canceled message
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    message_id = sent.json["messages"][0]["id"]
    cancel(api, demo.api_key, message_id)
    # When the dead-letter path (or the sweeper) tries to fail it afterwards
    failed = settlement().fail(demo.org_id, message_id, code="X", reason="late", source="test")
    # Then nothing happens: one refund in all
    assert failed is None
    assert credits_of(demo.org_id) == 99
    assert len(refunds(demo.org_id)) == 1


def test_cancel_queue_cancels_every_unclaimed_message_and_counts_the_rest(api: Client, demo, stack: Stack, drain):
    # Given a send of two: one already sent, one still queued
    sent = api.post(SEND, json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    queue_id = sent.json["queueId"]
    drain()
    first = sent.json["messages"][0]["id"]
    table_message = next(i for i in stored_messages(stack) if i["id"] != first)
    # (the second is put back to QUEUED as a transient provider error would leave it)
    boto3.resource("dynamodb").Table(stack.ref("MessagesTable")).update_item(
        Key={"orgId": demo.org_id, "id": table_message["id"]},
        UpdateExpression="SET #s = :q",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":q": "QUEUED"},
    )
    # When the queue is canceled twice
    answers = [cancel_queue(api, demo.api_key, queue_id) for _ in range(2)]
    # Then one CANCELED (refunded once), one counted as SENT, the same answer both times
    assert answers[0].status_code == 200
    assert answers[0].json == answers[1].json
    assert answers[0].json["canceled"] == 1
    assert answers[0].json["refunded"] == 1
    assert answers[0].json["notCanceled"] == {"SENT": 1}
    assert len(refunds(demo.org_id)) == 1


def test_cancel_queue_of_a_scheduled_job_refunds_its_prepayment_and_it_never_runs(
    api: Client, demo, stack: Stack, lambdas, drain, monkeypatch
):
    # Given a scheduled /all send (3 credits prepaid)
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    # When it is canceled (twice), then its time comes
    answers = [cancel_queue(api, demo.api_key, response.json["queueId"]) for _ in range(2)]
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    drain_jobs(stack, lambdas)
    drain()
    # Then the job is CANCELED, its 3 credits came back once, and nothing was stored or sent
    assert answers[0].json == answers[1].json
    assert answers[0].json["job"]["status"] == "CANCELED"
    assert answers[0].json["refunded"] == 3
    job = send_jobs().get(demo.org_id, response.json["job"]["id"])
    assert job is not None
    assert job.status == "CANCELED"
    assert credits_of(demo.org_id) == 100
    assert stored_messages(stack) == []
    assert sms_sent() == {}


def test_cancel_queue_of_a_fired_job_cancels_its_messages(api: Client, demo, stack: Stack, lambdas, monkeypatch):
    # Given a scheduled job that fired: DONE, its three messages QUEUED
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    drain_jobs(stack, lambdas)
    # When the queue is canceled
    answer = cancel_queue(api, demo.api_key, response.json["queueId"])
    # Then the messages are canceled one by one, each refunded once; the job stays DONE
    assert answer.json["canceled"] == 3
    assert answer.json["job"]["status"] == "DONE"
    assert credits_of(demo.org_id) == 100
    assert queued(stack) == 3  # their queue entries wait, and will send nothing


def test_cancel_queue_that_loses_the_race_with_the_fanout_refunds_each_credit_once(
    api: Client, demo, stack: Stack, lambdas, monkeypatch
):
    # Given a due scheduled job, and a cancel that read it SCHEDULED while the fan-out runs it
    # to the end just before the cancel's write
    response = schedule_sms(api, demo.api_key, "/api/messages/sms/all")
    sweep_later(monkeypatch, minutes=6)
    sweeper().sweep()
    real_release = SendJobRepository.release

    def release(self, job, status, error_code):
        drain_jobs(stack, lambdas)
        return real_release(self, job, status, error_code)

    monkeypatch.setattr(SendJobRepository, "release", release)
    # When the queue is canceled
    answer = cancel_queue(api, demo.api_key, response.json["queueId"])
    # Then the job ran (its prepayment paid for it, not refunded) and its messages were canceled,
    # each refunded once: the balance is back where it started, never above
    assert answer.json["job"]["status"] == "DONE"
    assert answer.json["canceled"] == 3
    assert credits_of(demo.org_id) == 100
    assert len(refunds(demo.org_id)) == 3


def test_cancel_an_unknown_queue_is_404(api: Client, demo):
    assert cancel_queue(api, demo.api_key, "sms-0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7b").status_code == 404
    assert cancel_queue(api, demo.api_key, "x").status_code == 404
