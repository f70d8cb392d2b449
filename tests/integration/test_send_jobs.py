"""Large /all and /tags sends: a send job answered at once, then run by the fan-out worker."""

import dataclasses
import os
from collections import Counter
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.poller import QueuePoller
from devstack.provision import Stack
from sendme import aws
from sendme.contracts.contacts import ContactQuery
from sendme.domain.ledger import LedgerKind
from sendme.domain.pricing import PriceTable
from sendme.domain.send_jobs import SendJob, SendJobTask
from sendme.services import fanout
from sendme.storage import keys
from sendme.wiring import contacts as wiring_contacts
from sendme.wiring import messages as wiring_messages
from sendme.wiring import sending as wiring_sending
from sendme.wiring.accounts import account_service

from .helpers import Crash, auth, crash_once_at, credits_of, organization, queued, sms_sent, stored_messages

ACTIVE_PHONES = {"+573001234567", "+573009876543", "+573015550101"}


pytestmark = pytest.mark.usefixtures("small_sync_limit")


def job_of(org_id: str, job_id: str) -> SendJob:
    job = wiring_messages.send_jobs().get(org_id, job_id)
    assert job is not None
    return job


def jobs_of(org_id: str) -> list[dict[str, Any]]:
    """Every send job item stored under the organisation."""
    table = boto3.resource("dynamodb").Table(os.environ["ACCOUNTS_TABLE"])
    condition = Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with("SENDJOB#")
    return table.query(KeyConditionExpression=condition)["Items"]


def job_crashed_at_second_enqueue(
    api: Client, demo: Any, monkeypatch: pytest.MonkeyPatch, path: str = "all", tags: tuple[str, ...] = ()
) -> tuple[Any, SendJobTask, fanout.FanOutService]:
    """An /all (or /tags) send job in chunks of one, run once: the worker died at its second enqueue."""
    monkeypatch.setattr(fanout, "CHUNK_SIZE", 1)
    request = {"message": "Hi", "tags": list(tags)} if tags else {"message": "Hi"}
    body = api.post(f"/api/messages/sms/{path}", json=request, headers=auth(demo.api_key)).json
    task = SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"])
    service = wiring_sending.fanout_service()
    real_enqueue, calls = service._sending.enqueue, []

    def crash_on_second(org_id: str, messages: Any) -> None:
        calls.append(len(messages))
        if len(calls) == 2:
            raise RuntimeError("worker died")
        real_enqueue(org_id, messages)

    monkeypatch.setattr(service._sending, "enqueue", crash_on_second)
    with pytest.raises(RuntimeError):
        service.run(task)
    return body, task, service


def remove_contact(org_id: str, phone: str) -> None:
    contacts = wiring_contacts.contact_service()
    contact = next(c for c in contacts.list(org_id, ContactQuery()).data if c.phone == phone)
    contacts.delete(org_id, contact.id)


def change_audience(org_id: str) -> None:
    """A new customer, read before the demo's staff member Carlos, and the customer Juan removed."""
    wiring_contacts.contact_service().add(org_id, "Nueva", phone="3105550199", country="CO", tags=["customers"])
    remove_contact(org_id, "+573001234567")


def test_send_sms_all_above_the_limit_answers_202_with_a_job_and_enqueues_nothing_yet(api: Client, demo, stack):
    # Given an audience larger than the limit / When sending to all
    response = api.post("/api/messages/sms/all", json={"message": "Hi all"}, headers=auth(demo.api_key))
    # Then the answer is immediate: a job, no messages yet, nothing charged or enqueued for delivery
    assert response.status_code == 202
    body = response.json
    assert body["queueId"] == f"sms-{body['job']['id']}"
    assert (body["messages"], body["job"]["status"]) == ([], "PENDING")
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)
    assert queued(stack, "SendJobQueue") == 1


def test_fanout_worker_runs_the_job_with_the_send_rules(api: Client, demo, stack, run_jobs):
    # Given an accepted send job
    body = api.post("/api/messages/sms/all", json={"message": "Hi all"}, headers=auth(demo.api_key)).json
    # When the fan-out worker runs it
    assert run_jobs() == 1
    # Then every active contact has one queued message under the job's queueId, the blocked one none
    stored = stored_messages(stack)
    assert {item["recipientDetails"] for item in stored} == ACTIVE_PHONES
    assert {item["queueId"] for item in stored} == {body["queueId"]}
    assert all(item["contactId"] for item in stored)
    assert queued(stack) == 3
    assert credits_of(demo.org_id) == 100 - 3
    job = job_of(demo.org_id, body["job"]["id"])
    assert (job.status, job.accepted, job.skipped) == ("DONE", 3, 1)


def test_fanout_worker_applies_the_email_suppression_list(api: Client, demo, stack, run_jobs):
    wiring_contacts.suppressions().add(demo.org_id, "juan@example.com", "Complaint")
    body = {"subject": "s", "message": "m", "tags": ["customers", "staff"]}
    assert api.post("/api/messages/email/tags", json=body, headers=auth(demo.api_key)).status_code == 202
    run_jobs()
    assert {item["recipientDetails"] for item in stored_messages(stack)} == {"maria@example.com", "carlos@example.com"}


def test_fanout_worker_short_of_credits_fails_the_job_and_changes_nothing(api: Client, stack, run_jobs):
    # Given an organisation with three contacts and two credits (enough for the two the API
    # reads before handing the send to a job, not for all three)
    org_id, key = organization(credits=2)
    for phone in ("3001234567", "3009876543", "3015550101"):
        wiring_contacts.contact_service().add(org_id, phone, phone=phone, country="CO")
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(key)).json
    # When its job runs
    run_jobs()
    # Then the job failed for credits and nothing was stored, enqueued or charged
    job = job_of(org_id, body["job"]["id"])
    assert (job.status, job.error_code) == ("FAILED", "INSUFFICIENT_CREDITS")
    assert (stored_messages(stack), queued(stack), credits_of(org_id)) == ([], 0, 2)


@pytest.mark.parametrize("credits", [0, 1], ids=["no credits", "less than its known recipients cost"])
def test_send_job_beyond_the_balance_is_402_and_creates_no_job(api: Client, stack, run_jobs, credits: int):
    # Given an organisation with three contacts (more than the API sends itself) and no credits,
    # or one: less than the two recipients the API reads cost
    org_id, key = organization(credits=credits)
    for phone in ("3001234567", "3009876543", "3015550101"):
        wiring_contacts.contact_service().add(org_id, phone, phone=phone, country="CO")
    # When it sends to all of them
    response = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(key))
    # Then it is refused before any job exists
    assert response.status_code == 402
    assert (run_jobs(), jobs_of(org_id)) == (0, [])


def test_fanout_worker_resumed_after_a_crash_sends_each_message_once(api: Client, demo, stack, monkeypatch):
    # Given a job run in chunks of one whose second enqueue crashed the worker
    body, task, service = job_crashed_at_second_enqueue(api, demo, monkeypatch)
    # When the queue redelivers the job
    service.run(task)
    # Then each recipient has exactly one message and one delivery entry, charged once
    stored = stored_messages(stack)
    assert sorted(item["recipientDetails"] for item in stored) == sorted(ACTIVE_PHONES)
    assert queued(stack) == 3
    assert credits_of(demo.org_id) == 100 - 3
    assert job_of(demo.org_id, body["job"]["id"]).status == "DONE"


def test_fanout_worker_resumed_after_its_audience_changed_sends_to_exactly_the_recipients_paid_for(
    api: Client, demo, stack, monkeypatch, drain
):
    # Given a /tags job (customers: Juan, María, blocked Ana; staff: Carlos) in chunks of one,
    # killed with one customer's message enqueued and the other's stored but not enqueued
    body, task, service = job_crashed_at_second_enqueue(api, demo, monkeypatch, "tags", ("customers", "staff"))
    # and whose audience changed meanwhile: a new customer (read before Carlos) and Juan removed
    change_audience(demo.org_id)
    # When the queue redelivers the job and its messages are delivered
    service.run(task)
    drain()
    # Then each of the three paid recipients got exactly one SMS, the new contact none, charged once
    assert Counter(phone for phone, _ in sms_sent().values()) == dict.fromkeys(ACTIVE_PHONES, 1)
    assert sorted(item["recipientDetails"] for item in stored_messages(stack)) == sorted(ACTIVE_PHONES)
    assert credits_of(demo.org_id) == 100 - 3
    job = job_of(demo.org_id, body["job"]["id"])
    assert (job.status, job.accepted, job.skipped) == ("DONE", 3, 1)


def test_fanout_worker_retried_before_reserving_sends_to_the_audience_it_reserved_for(
    api: Client, demo, stack, monkeypatch, drain
):
    # Given an /all job in chunks of one whose first try froze its three recipients, then died
    # before reserving
    monkeypatch.setattr(fanout, "CHUNK_SIZE", 1)
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    task, service = SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"]), wiring_sending.fanout_service()
    real_reserve = service._jobs.reserve
    monkeypatch.setattr(service._jobs, "reserve", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError))
    with pytest.raises(RuntimeError):
        service.run(task)
    # and Carlos was removed before the retry
    remove_contact(demo.org_id, "+573015550101")
    monkeypatch.setattr(service._jobs, "reserve", real_reserve)
    # When the queue redelivers the job
    service.run(task)
    drain()
    # Then the retry sent to, and charged for, the two recipients it read and reserved for
    assert Counter(phone for phone, _ in sms_sent().values()) == dict.fromkeys(ACTIVE_PHONES - {"+573015550101"}, 1)
    assert credits_of(demo.org_id) == 100 - 2


def test_fanout_worker_duplicate_run_never_sets_a_sent_message_back_to_queued(
    api: Client, demo, stack, monkeypatch, drain
):
    # Given a job, in chunks of one, whose worker died at its second enqueue, as a duplicate
    # delivery of its task read it then
    body, task, service = job_crashed_at_second_enqueue(api, demo, monkeypatch)
    as_read = job_of(demo.org_id, body["job"]["id"])
    # and which its retry finished, every message then sent
    service.run(task)
    drain()
    # When the duplicate run goes on from the job as it read it
    monkeypatch.setattr(service._jobs, "get", lambda org_id, job_id: as_read)
    service.run(task)
    drain()
    # Then every message stays SENT and no SMS went out twice
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
    assert Counter(phone for phone, _ in sms_sent().values()) == dict.fromkeys(ACTIVE_PHONES, 1)
    assert credits_of(demo.org_id) == 100 - 3


def test_fanout_worker_raced_by_a_duplicate_run_before_its_chunk_write_sends_each_message_once(
    api: Client, demo, stack, drain
):
    # Given a reserved job whose run is about to write its chunk, and a duplicate delivery of its
    # task that runs in full just then, its messages delivered (SENT)
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    task, service = SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"]), wiring_sending.fanout_service()
    raced: list[str] = []

    def duplicate_run(params: dict[str, Any], model: Any, **_: Any) -> None:
        if raced or stack.ref("MessagesTable") not in str(params):
            return
        raced.append(model.name)
        service.run(task)
        drain()

    events = aws.dynamodb().meta.client.meta.events
    for operation in ("BatchWriteItem", "TransactWriteItems", "PutItem"):
        events.register(f"provide-client-params.dynamodb.{operation}", duplicate_run)
    # When the first run goes on with its chunk, and its queue entries are delivered
    service.run(task)
    drain()
    # Then the race happened, every message stays SENT and no SMS went out twice
    assert raced
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
    assert Counter(phone for phone, _ in sms_sent().values()) == dict.fromkeys(ACTIVE_PHONES, 1)
    assert credits_of(demo.org_id) == 100 - 3


def test_send_job_chunks_done_never_moves_back(api: Client, demo, stack):
    # Given a job whose faster run recorded its third chunk done
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    jobs, job = wiring_messages.send_jobs(), job_of(demo.org_id, body["job"]["id"])
    jobs.finish_chunk(job, 2)
    # When a slower duplicate run records its first
    jobs.finish_chunk(job, 0)
    # Then a retry would still resume after the third
    assert job_of(demo.org_id, job.id).chunks_done == 3


def test_fanout_worker_ignores_a_redelivered_finished_job(api: Client, demo, stack, run_jobs):
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    run_jobs()
    wiring_sending.fanout_service().run(SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"]))
    assert (len(stored_messages(stack)), queued(stack), credits_of(demo.org_id)) == (3, 3, 97)


def test_send_job_retried_with_the_same_idempotency_key_is_one_job(api: Client, demo, stack):
    headers = {**auth(demo.api_key), "Idempotency-Key": "big-send"}
    first = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=headers)
    second = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=headers)
    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json == first.json
    assert queued(stack, "SendJobQueue") == 1


def test_send_tags_within_the_limit_is_still_sent_directly(api: Client, demo, stack):
    response = api.post("/api/messages/sms/tags", json={"message": "Hi", "tags": ["vip"]}, headers=auth(demo.api_key))
    assert response.status_code == 201
    assert queued(stack, "SendJobQueue") == 0


def test_send_all_dry_run_above_the_limit_says_it_would_run_as_a_job(api: Client, demo, stack):
    response = api.post("/api/messages/sms/all?dryRun=true", json={"message": "Hi"}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["asJob"], response.json["recipientCount"]) == (200, True, 3)
    assert queued(stack, "SendJobQueue") == 0


@pytest.fixture
def dead_letter_jobs(stack: Stack, lambdas: LocalLambdas) -> Any:
    """Hand tasks to the send-job dead-letter queue and run its function over them."""
    sqs = boto3.client("sqs")
    poller = QueuePoller(
        sqs,
        stack.ref("SendJobDeadLetterQueue"),
        1,
        lambda event: lambdas.invoke("SendJobDeadLetterFunction", event),
        retry_after_seconds=0,
    )

    def abandon(task: SendJobTask) -> None:
        sqs.send_message(QueueUrl=stack.ref("SendJobDeadLetterQueue"), MessageBody=task.model_dump_json(by_alias=True))
        while poller.poll_once():
            pass

    return abandon


def test_send_job_dead_letter_fails_what_was_not_handed_to_delivery_and_refunds_it(
    api: Client, demo, stack, monkeypatch, dead_letter_jobs, drain
):
    # Given a job, in chunks of one, whose worker died at its second enqueue (on every try)
    body, task, _ = job_crashed_at_second_enqueue(api, demo, monkeypatch)
    # When the send-job queue gives up on it
    dead_letter_jobs(task)
    # Then the job is FAILED, the stored message never enqueued is FAILED, the recipient never
    # stored costs nothing, and only the message handed to delivery is charged and sent
    job = job_of(demo.org_id, body["job"]["id"])
    assert (job.status, job.error_code) == ("FAILED", "SEND_JOB_FAILED")
    statuses = sorted((item["status"], item.get("errorCode")) for item in stored_messages(stack))
    assert statuses == [("FAILED", "SEND_JOB_FAILED"), ("QUEUED", None)]
    assert credits_of(demo.org_id) == 100 - 1
    drain()
    assert sorted(item["status"] for item in stored_messages(stack)) == ["FAILED", "SENT"]


def test_send_job_dead_letter_settles_the_recipients_paid_for_after_the_audience_changed(
    api: Client, demo, stack, monkeypatch, dead_letter_jobs
):
    # Given a /tags job (the customers Juan and María, then Carlos) in chunks of one whose worker
    # died at its second enqueue (one customer's message enqueued, the other's only stored), and
    # whose audience then changed
    body, task, _ = job_crashed_at_second_enqueue(api, demo, monkeypatch, "tags", ("customers", "staff"))
    change_audience(demo.org_id)
    # When the send-job queue gives up on it
    dead_letter_jobs(task)
    # Then the message only stored is FAILED, the enqueued one left to delivery and alone charged,
    # and nothing was written for Carlos or the new customer
    statuses = {item["recipientDetails"]: item["status"] for item in stored_messages(stack)}
    assert set(statuses) == {"+573001234567", "+573009876543"}
    assert sorted(statuses.values()) == ["FAILED", "QUEUED"]
    assert credits_of(demo.org_id) == 100 - 1
    assert job_of(demo.org_id, body["job"]["id"]).status == "FAILED"


def test_send_job_dead_letter_of_an_unreserved_job_fails_it_and_charges_nothing(
    api: Client, demo, stack, dead_letter_jobs
):
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    dead_letter_jobs(SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"]))
    assert job_of(demo.org_id, body["job"]["id"]).status == "FAILED"
    assert (stored_messages(stack), credits_of(demo.org_id)) == ([], 100)


def test_send_job_dead_letter_leaves_a_finished_job_alone(api: Client, demo, stack, run_jobs, dead_letter_jobs):
    body = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key)).json
    run_jobs()
    dead_letter_jobs(SendJobTask(org_id=demo.org_id, job_id=body["job"]["id"]))
    assert job_of(demo.org_id, body["job"]["id"]).status == "DONE"
    assert ({item["status"] for item in stored_messages(stack)}, credits_of(demo.org_id)) == ({"QUEUED"}, 97)


def writes_the_job_status(update: dict[str, Any]) -> bool:
    return (
        str(update["Key"].get("sk", "")).startswith("SENDJOB#")
        and "status" in update["ExpressionAttributeNames"].values()
    )


def test_send_job_abandoned_twice_after_a_crash_at_its_status_write_refunds_once(api: Client, demo, stack, monkeypatch):
    # Given a job (3 recipients in chunks of one) that died at its second enqueue, and an
    # abandonment that dies writing the job FAILED
    body, task, service = job_crashed_at_second_enqueue(api, demo, monkeypatch)
    crash_once_at(writes_the_job_status)
    with pytest.raises(Crash):
        service.abandon(task)
    # When the dead-letter queue redelivers it
    service.abandon(task)
    # Then the job is FAILED and only the one message handed to delivery stays charged
    assert job_of(demo.org_id, body["job"]["id"]).status == "FAILED"
    assert credits_of(demo.org_id) == 100 - 1
    refunds = [entry for entry in account_service().ledger(demo.org_id) if entry.kind is LedgerKind.REFUND]
    assert sorted(entry.cause_type.value for entry in refunds) == ["job", "message"]


def test_send_job_finishing_after_a_crash_at_its_done_write_gives_back_unused_credits_once(
    api: Client, demo, stack, monkeypatch
):
    # Given a job that reserved 3 credits and died at its second enqueue, and the SMS price
    # dropped to nothing since (a frozen list is always paid in full, so a price change is what
    # leaves credits unused), so its resumed run has all 3 credits to give back
    body, task, service = job_crashed_at_second_enqueue(api, demo, monkeypatch)
    limits = service._sending._limits
    monkeypatch.setattr(service._sending, "_limits", dataclasses.replace(limits, sms_prices=PriceTable.flat(0)))
    # ... and a resumed run (its enqueues working again) that dies writing the job DONE
    monkeypatch.delattr(service._sending, "enqueue")
    crash_once_at(writes_the_job_status)
    with pytest.raises(Crash):
        service.run(task)
    # When the queue redelivers the job
    service.run(task)
    # Then the job is DONE and the unused credits came back once
    assert job_of(demo.org_id, body["job"]["id"]).status == "DONE"
    assert credits_of(demo.org_id) == 100
