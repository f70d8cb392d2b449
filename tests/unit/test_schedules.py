"""The window a scheduled send may be due in, and a message as it waits for its time."""

from datetime import UTC, datetime, timedelta

import pytest

from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Channel, Message, MessageStatus, MessageType, StatusEvent
from sendme.domain.schedules import due_time, scheduled

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_due_time_is_stored_in_utc_to_the_millisecond():
    # Given a time a day ahead in another offset / When checked / Then it is kept, in UTC
    at = (NOW + timedelta(days=1)).astimezone(datetime.now().astimezone().tzinfo)
    assert due_time(at, NOW) == "2026-12-07T12:00:00.000Z"


@pytest.mark.parametrize(
    "delta",
    [timedelta(minutes=1), timedelta(days=365)],
    ids=["one-minute", "365-days"],
)
def test_due_time_accepts_its_bounds(delta):
    assert due_time(NOW + delta, NOW)


@pytest.mark.parametrize(
    "delta",
    [timedelta(seconds=59), timedelta(hours=-1), timedelta(days=365, seconds=1)],
    ids=["under-a-minute", "past", "over-365-days"],
)
def test_due_time_out_of_the_window_is_invalid_naming_the_field(delta):
    with pytest.raises(RequestInvalidError) as raised:
        due_time(NOW + delta, NOW)
    assert raised.value.details["field"] == "scheduledAt"


def test_scheduled_message_waits_scheduled_with_one_event():
    # Given a message built to be QUEUED
    message = Message(
        org_id="o",
        id="i",
        channel=Channel.SMS,
        message_type=MessageType.SMS,
        content="hi",
        recipient_details="+573001234567",
        provider="SNS",
        queue_id="sms-q",
        created_at="2026-12-06T12:00:00.000Z",
        updated_at="2026-12-06T12:00:00.000Z",
        history=[StatusEvent(status=MessageStatus.QUEUED, at="2026-12-06T12:00:00.000Z", source="api")],
    )
    # When scheduled / Then it is SCHEDULED for that time, its history saying so alone
    waiting = scheduled(message, "2026-12-07T12:00:00.000Z", source="api")
    assert (waiting.status, waiting.scheduled_at) == (MessageStatus.SCHEDULED, "2026-12-07T12:00:00.000Z")
    assert [event.status for event in waiting.history] == [MessageStatus.SCHEDULED]
