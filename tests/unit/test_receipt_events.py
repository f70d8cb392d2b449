"""What an End User Messaging SMS event means for its message (decision 22), with no AWS."""

import json
from typing import Any

import pytest

from sendme.contracts.events import SmsEvent
from sendme.domain.clock import now_iso
from sendme.domain.messages import MessageStatus
from sendme.services.receipts import eum_receipt, notification_receipt
from tests.conftest import load_event


def eum_body(name: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(load_event(f"receipts_eum_{name}.json")["Records"][0]["Sns"]["Message"])
    return body | changes


def test_eum_receipt_delivered_names_our_message_and_when_it_was_sent():
    # Given the final delivery event
    receipt = eum_receipt(SmsEvent.model_validate(eum_body("delivered")))
    # Then it delivers the message its context names, sent when the request was made
    assert receipt is not None
    assert (receipt.status, receipt.org_id, receipt.message_id) == (
        MessageStatus.DELIVERED,
        "demo-org",
        "01a209ba-a87a-7822-b73a-8d2593857aa2",
    )
    assert (receipt.provider_message_id, receipt.sent_at) == (
        "ed23196c-75ce-4727-93ee-7bf72b64998f",
        "2026-12-01T06:22:08.978Z",
    )


@pytest.mark.parametrize(
    ("event_type", "status", "code"),
    [
        ("TEXT_SUCCESSFUL", MessageStatus.DELIVERED, None),
        ("TEXT_PROTECT_BLOCKED", MessageStatus.FAILED, "SMS_PROTECT_BLOCKED"),
        ("TEXT_UNREACHABLE", MessageStatus.UNDELIVERED, "SMS_UNDELIVERED"),
        ("TEXT_TTL_EXPIRED", MessageStatus.UNDELIVERED, "SMS_UNDELIVERED"),
    ],
)
def test_eum_receipt_final_event_sets_the_status(event_type: str, status: MessageStatus, code: str | None):
    # Given a final event of this type
    receipt = eum_receipt(SmsEvent.model_validate(eum_body("delivered", eventType=event_type)))
    # Then it moves the message to that status, with our error code
    assert receipt is not None
    assert (receipt.status, receipt.error_code) == (status, code)


def test_eum_receipt_not_final_changes_nothing():
    # Given a pending event, When it is read, Then it moves nothing
    assert eum_receipt(SmsEvent.model_validate(eum_body("pending"))) is None


def test_notification_receipt_tells_ses_events_from_end_user_messaging_events():
    # Given one SNS notification from each provider
    ses = load_event("receipts_ses_delivery.json")["Records"][0]["Sns"]["Message"]
    eum = json.dumps(eum_body("delivered"))
    # When each is read, Then each is read as its provider's
    receipts = [notification_receipt(body) for body in (ses, eum)]
    assert [receipt.source for receipt in receipts if receipt] == ["ses", "eum"]


def ses_body(event_type: str, detail: dict[str, Any] | None) -> str:
    """An SES event of this type, with this `<type in lower case>` object (None: without one)."""
    record = json.loads(load_event("receipts_ses_open.json")["Records"][0]["Sns"]["Message"])
    record.pop("open")
    record["eventType"] = event_type
    if detail is not None:
        record[event_type.lower()] = detail
    return json.dumps(record)


@pytest.mark.parametrize(
    ("event_type", "detail", "status", "engagement"),
    [
        ("Open", {"timestamp": "2026-12-02T10:00:00Z"}, MessageStatus.READ, {"openedAt": "2026-12-02T10:00:00.000Z"}),
        (
            "Click",
            {"timestamp": "2026-12-02T10:00:00.123456+00:00", "link": "https://example.com"},
            MessageStatus.READ,
            {"clickedAt": "2026-12-02T10:00:00.123Z", "openedAt": "2026-12-02T10:00:00.123Z"},
        ),
        (
            "Subscription",
            {"timestamp": "2026-12-02T10:00:00.000Z", "newTopicPreferences": {"unsubscribeAll": True}},
            MessageStatus.DELIVERED,
            {"unsubscribedAt": "2026-12-02T10:00:00.000Z"},
        ),
        (
            "Subscription",
            {
                "timestamp": "2026-12-02T10:00:00.000Z",
                "newTopicPreferences": {
                    "unsubscribeAll": False,
                    "topicSubscriptionStatus": [{"topicName": "news", "subscriptionStatus": "OptOut"}],
                },
            },
            MessageStatus.DELIVERED,
            {"unsubscribedAt": "2026-12-02T10:00:00.000Z"},
        ),
    ],
)
def test_ses_receipt_engagement_records_the_events_own_time(event_type, detail, status, engagement):
    # Given an engagement event, When it is read
    receipt = notification_receipt(ses_body(event_type, detail))
    # Then it moves the email to its status and records its time, in the API's format
    assert receipt is not None
    assert (receipt.status, dict(receipt.engagement)) == (status, engagement)


def test_ses_receipt_resubscribe_changes_nothing():
    # Given a Subscription event that opts the recipient back in
    preferences = {
        "unsubscribeAll": False,
        "topicSubscriptionStatus": [{"topicName": "news", "subscriptionStatus": "OptIn"}],
    }
    body = ses_body("Subscription", {"timestamp": "2026-12-02T10:00:00.000Z", "newTopicPreferences": preferences})
    # When it is read, Then it is no unsubscribe
    assert notification_receipt(body) is None


def test_ses_receipt_engagement_without_a_readable_time_is_recorded_now():
    # Given an open whose own time is missing, and one whose time is not a time
    before = now_iso()
    # When they are read
    receipts = [notification_receipt(ses_body("Open", detail)) for detail in (None, {"timestamp": "yesterday"})]
    # Then each is recorded at the time it is read
    after = now_iso()
    assert all(receipt and before <= receipt.engagement["openedAt"] <= after for receipt in receipts)
