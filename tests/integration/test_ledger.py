"""Refunds exactly once: a crash at the money write, then a retry, gives back one refund, and
the credits ledger still adds up to the balance."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.ledger import LedgerKind
from sendme.domain.messages import DeliveryTask
from sendme.wiring.accounts import account_service
from sendme.wiring.delivery import dead_letter_service
from sendme.wiring.messages import settlement

from .helpers import SPEC_SMS_BODY, Crash, auth, crash_once_at, credits_of, stored_messages
from .test_send_scale import NUMBERS, refuse_after_first_write


def moves_credits(update: dict[str, Any]) -> bool:
    return update["Key"].get("sk") == "PROFILE" and "credits" in update["UpdateExpression"]


def fails_a_message(update: dict[str, Any]) -> bool:
    return "orgId" in update["Key"] and update["ExpressionAttributeValues"].get(":target") == "FAILED"


def ledger_sums_to_balance(org_id: str) -> bool:
    return sum(entry.amount for entry in account_service().ledger(org_id)) == credits_of(org_id)


def test_settlement_crashing_at_the_refund_refunds_exactly_once_when_retried(api: Client, demo, stack: Stack):
    # Given a queued message (2 sent, 2 credits reserved) whose dead-letter settlement dies at the refund
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    task = DeliveryTask(org_id=demo.org_id, message_id=sent["messages"][0]["id"])
    crash_once_at(moves_credits)
    with pytest.raises(Crash):
        dead_letter_service().settle(task)
    # When the dead-letter queue redelivers it
    settled = dead_letter_service().settle(task)
    # Then the message is FAILED and its one credit came back exactly once
    assert settled is True
    failed = [item for item in stored_messages(stack) if item["status"] == "FAILED"]
    assert [item["id"] for item in failed] == [task.message_id]
    assert credits_of(demo.org_id) == 100 - 2 + 1
    assert ledger_sums_to_balance(demo.org_id)


def test_settlement_of_a_failed_message_again_refunds_nothing(api: Client, demo, stack: Stack):
    # Given a message already failed and refunded
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    task = DeliveryTask(org_id=demo.org_id, message_id=sent["messages"][0]["id"])
    dead_letter_service().settle(task)
    # When another path fails it again
    again = settlement().fail(demo.org_id, task.message_id, code="X", reason="again", source="test")
    # Then nothing changes: one refund, one REFUND entry
    assert again is None
    assert credits_of(demo.org_id) == 99
    refunds = [entry for entry in account_service().ledger(demo.org_id) if entry.kind is LedgerKind.REFUND]
    assert [(entry.cause_id, entry.amount) for entry in refunds] == [(task.message_id, 1)]


def test_send_store_failure_crashing_part_way_never_refunds_a_message_twice(api: Client, demo, stack: Stack):
    # Given a 30-recipient send that DynamoDB stores only 25 of, whose clean-up dies at the
    # first FAILED write (after what the old code refunded the whole send at once)
    account_service().add_credits(demo.org_id, 100)
    refuse_after_first_write()
    crash_once_at(fails_a_message)
    api.post("/api/messages/sms/contacts", json={"message": "Hi", "contacts": NUMBERS[:30]}, headers=auth(demo.api_key))
    # When whatever settles the stored messages later (the sweeper, a dead letter) fails them
    for item in stored_messages(stack):
        if item["status"] == "QUEUED":
            dead_letter_service().settle(DeliveryTask(org_id=demo.org_id, message_id=item["id"]))
    # Then every credit came back once: none lost, none twice, and the ledger agrees
    assert {item["status"] for item in stored_messages(stack)} == {"FAILED"}
    assert credits_of(demo.org_id) == 200
    assert ledger_sums_to_balance(demo.org_id)


def test_ledger_records_grants_reservations_and_refunds_by_cause(api: Client, demo, stack: Stack):
    # Given an organisation created with 100 credits that sent 2 messages, one dead-lettered
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    dead_letter_service().settle(DeliveryTask(org_id=demo.org_id, message_id=sent["messages"][0]["id"]))
    # When 5 credits are granted and the ledger is read
    account_service().add_credits(demo.org_id, 5)
    entries = account_service().ledger(demo.org_id)
    # Then it lists each movement once, oldest cause first (the send and its message were made
    # in the same millisecond or so: either may come first), with what caused it
    moves = [(e.kind, e.amount, e.cause_type, e.cause_id) for e in entries]
    assert moves[0][:3] == (LedgerKind.GRANT, 100, "admin")
    assert sorted(moves[1:3]) == [
        (LedgerKind.REFUND, 1, "message", sent["messages"][0]["id"]),
        (LedgerKind.RESERVE, -2, "send", sent["queueId"]),
    ]
    assert moves[3][:3] == (LedgerKind.GRANT, 5, "admin")
    assert ledger_sums_to_balance(demo.org_id)
