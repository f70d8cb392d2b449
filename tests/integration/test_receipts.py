"""The receipts function against moto: provider events move messages on, in any order."""

import base64
import gzip
import json
from itertools import permutations
from typing import Any

import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from devstack.receipts import sms_delivery_logs
from sendme.domain.messages import MessageStatus
from sendme.domain.status import advanced
from sendme.services.receipts import ReceiptUnmatchedError
from sendme.storage.messages import Replacement
from sendme.wiring.contacts import suppressions
from sendme.wiring.delivery import delivery_service
from tests.conftest import load_event

from .helpers import SPEC_SMS_BODY, auth, credits_of, stored_messages

ADDRESSES = [f"user{n}@example.com" for n in range(6)]


def send_emails(api: Client, key: str, addresses: list[str]) -> list[str]:
    body = {"subject": "Hi", "message": "Hello", "contacts": addresses}
    return [m["id"] for m in api.post("/api/messages/email/contacts", json=body, headers=auth(key)).json["messages"]]


def ses_event_for(name: str, org_id: str, message_id: str, recipient: str = "ana@example.com") -> dict[str, Any]:
    """tests/events/receipts_ses_<name>.json, about our message."""
    event = load_event(f"receipts_ses_{name}.json")
    record = json.loads(event["Records"][0]["Sns"]["Message"])
    record["mail"]["tags"].update(orgId=[org_id], messageId=[message_id])
    text = json.dumps(record).replace("ana@example.com", recipient)
    event["Records"][0]["Sns"]["Message"] = text
    return event


def status_of(stack: Stack, message_id: str) -> dict[str, Any]:
    return next(item for item in stored_messages(stack) if item["id"] == message_id)


def sent_email(api: Client, demo: Any, drain: Any) -> str:
    (message_id,) = send_emails(api, demo.api_key, ["ana@example.com"])
    drain()
    return message_id


@pytest.mark.parametrize(("event", "status"), [("delivery", "DELIVERED"), ("open", "READ"), ("complaint", "DELIVERED")])
def test_receipts_ses_event_moves_the_email_on(lambdas: LocalLambdas, api, demo, stack: Stack, drain, event, status):
    # Given a sent email
    message_id = sent_email(api, demo, drain)
    # When SES reports on it
    assert lambdas.invoke("ReceiptsFunction", ses_event_for(event, demo.org_id, message_id)) == {"moved": 1}
    # Then its status follows, with the receipt in its history
    item = status_of(stack, message_id)
    assert item["status"] == status
    assert item["history"][-1]["source"] == "ses"


def test_receipts_ses_hard_bounce_is_undelivered_and_suppresses_the_address(lambdas, api, demo, stack, drain):

    message_id = sent_email(api, demo, drain)
    lambdas.invoke("ReceiptsFunction", ses_event_for("bounce", demo.org_id, message_id))
    item = status_of(stack, message_id)
    assert (item["status"], item["errorCode"]) == ("UNDELIVERED", "BOUNCE_PERMANENT")
    assert suppressions().suppressed(demo.org_id, ["ana@example.com"]) == {"ana@example.com"}


def test_receipts_ses_complaint_suppresses_the_address(lambdas, api, demo, stack, drain):

    message_id = sent_email(api, demo, drain)
    lambdas.invoke("ReceiptsFunction", ses_event_for("complaint", demo.org_id, message_id))
    assert suppressions().suppressed(demo.org_id, ["ana@example.com"]) == {"ana@example.com"}


def test_receipts_ses_reject_fails_the_email_and_refunds_it(lambdas, api, demo, stack, drain):
    message_id = sent_email(api, demo, drain)
    assert credits_of(demo.org_id) == 99
    lambdas.invoke("ReceiptsFunction", ses_event_for("reject", demo.org_id, message_id))
    lambdas.invoke("ReceiptsFunction", ses_event_for("reject", demo.org_id, message_id))
    item = status_of(stack, message_id)
    assert (item["status"], item["errorCode"]) == ("FAILED", "SES_REJECTED")
    assert credits_of(demo.org_id) == 100  # refunded once, however often SES repeats itself


def test_receipts_duplicate_receipt_is_recorded_once(lambdas, api, demo, stack, drain):
    message_id = sent_email(api, demo, drain)
    results = [lambdas.invoke("ReceiptsFunction", ses_event_for("delivery", demo.org_id, message_id)) for _ in range(3)]
    assert results == [{"moved": 1}, {"moved": 0}, {"moved": 0}]
    statuses = [event["status"] for event in status_of(stack, message_id)["history"]]
    assert statuses == ["QUEUED", "SENDING", "SENT", "DELIVERED"]


def reencoded_sms_logs(entries: list[tuple[str, bool]]) -> dict[str, Any]:
    """tests/events/receipts_sms_delivery_logs.json's shape, about these provider ids."""

    def decoded(event: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
        return payload

    built = sms_delivery_logs([(pid, "+573001234567", ok) for pid, ok in entries])
    assert decoded(built).keys() == decoded(load_event("receipts_sms_delivery_logs.json")).keys()
    return built


def test_receipts_sms_delivery_status_logs_move_each_sms_on(lambdas, api, demo, stack: Stack, drain):
    # Given two sent SMS
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    first, second = stored_messages(stack)
    # When SNS logs one delivered and the other not
    event = reencoded_sms_logs([(first["providerMessageId"], True), (second["providerMessageId"], False)])
    assert lambdas.invoke("ReceiptsFunction", event) == {"moved": 2}
    # Then each takes its status, matched by SNS's message id
    assert status_of(stack, first["id"])["status"] == "DELIVERED"
    assert (status_of(stack, second["id"])["status"], status_of(stack, second["id"])["errorCode"]) == (
        "UNDELIVERED",
        "SMS_UNDELIVERED",
    )


def with_unreadable_line(event: dict[str, Any]) -> dict[str, Any]:
    """The same CloudWatch Logs batch with one line that is not an SNS delivery status log."""
    payload = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    payload["logEvents"].insert(0, {**payload["logEvents"][0], "id": "0", "message": "{not json"})
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(payload).encode())).decode()}}


def test_receipts_sms_unreadable_log_line_is_skipped_and_the_rest_applied(lambdas, api, demo, stack: Stack, drain):
    # Given two sent SMS, and a batch of their delivery logs holding one unreadable line
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    first, second = stored_messages(stack)
    event = reencoded_sms_logs([(first["providerMessageId"], True), (second["providerMessageId"], True)])
    # When the batch arrives, Then the readable lines move their messages on and the batch succeeds
    assert lambdas.invoke("ReceiptsFunction", with_unreadable_line(event)) == {"moved": 2}
    assert {item["status"] for item in stored_messages(stack)} == {"DELIVERED"}


def test_receipts_sms_receipt_for_an_unrecorded_send_is_retried(lambdas, demo):
    # Given a fresh SMS receipt whose provider id no message carries yet
    event = reencoded_sms_logs([("not-recorded-yet", True)])
    # When it arrives, Then the invocation fails so that Lambda retries it
    with pytest.raises(ReceiptUnmatchedError):
        lambdas.invoke("ReceiptsFunction", event)


def test_receipts_event_files_are_the_handlers_inputs(lambdas, api, demo, stack, drain):
    # Given a sent email (the files double as `sam local invoke -e` inputs, about other messages)
    message_id = sent_email(api, demo, drain)
    # When each file reaches the handler, Then it moves nothing of ours
    for name in ("delivery", "bounce", "complaint", "open", "reject"):
        assert lambdas.invoke("ReceiptsFunction", load_event(f"receipts_ses_{name}.json")) == {"moved": 0}
    # An SMS receipt older than the match window that matches nothing is dropped, not retried
    assert lambdas.invoke("ReceiptsFunction", load_event("receipts_sms_delivery_logs.json")) == {"moved": 0}
    assert status_of(stack, message_id)["status"] == "SENT"


ORDERS = list(permutations(["SENT", "Delivery", "Open"]))


def test_receipts_in_any_order_with_the_workers_write_converge_to_read(lambdas, api, demo, stack: Stack):
    # Given one claimed email per order in which the worker's SENT and two receipts can land
    ids = send_emails(api, demo.api_key, ADDRESSES)
    messages = delivery_service()._messages
    for message_id, order in zip(ids, ORDERS, strict=True):
        (queued,) = messages.get_many([(demo.org_id, message_id)]).values()
        claimed = advanced(queued, MessageStatus.SENDING, source="worker")
        assert messages.replace_all([Replacement(queued, claimed)]) == []
        # When they land in that order (the worker's SENT written as the worker writes it)
        for step in order:
            if step == "SENT":
                sent = advanced(claimed, MessageStatus.SENT, source="worker", provider_message_id="ses-1")
                messages.replace_all([Replacement(claimed, sent)])
            else:
                lambdas.invoke("ReceiptsFunction", ses_event_for(step.lower(), demo.org_id, message_id))
    # Then every message ends READ, knowing when it was sent, and no history ever steps backwards
    rank = {"QUEUED": 0, "SENDING": 1, "SENT": 2, "DELIVERED": 3, "READ": 4}
    for item in stored_messages(stack):
        history = [rank[event["status"]] for event in item["history"]]
        assert (item["status"], bool(item.get("sentAt"))) == ("READ", True)
        assert history == sorted(history)
