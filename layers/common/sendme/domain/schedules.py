"""Scheduled sends: when one may be due, and a message as it waits for that time.

A send is due at least a minute ahead (the sweeper that fires it runs every minute) and at most
365 days ahead. The window is checked when the request is made, never when a stored request is
read again (a send job's request is re-read when it fires, by then in the past).
"""

from datetime import datetime, timedelta

from sendme.domain.clock import to_iso
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Message, MessageStatus, StatusEvent

EARLIEST = timedelta(minutes=1)


LATEST = timedelta(days=365)


FIELD = "scheduledAt"


def due_time(scheduled_at: datetime, now: datetime) -> str:
    """`scheduled_at` in the stored format (UTC, milliseconds), or a 400 naming the field."""
    ahead = scheduled_at - now
    if ahead < EARLIEST:
        raise RequestInvalidError(f"{FIELD} must be at least 1 minute in the future", field=FIELD)
    if ahead > LATEST:
        raise RequestInvalidError(f"{FIELD} must be at most 365 days in the future", field=FIELD)
    return to_iso(scheduled_at)


def scheduled(message: Message, due: str, *, source: str) -> Message:
    """`message` (as built to be QUEUED) to be stored SCHEDULED until `due` instead."""
    event = StatusEvent(status=MessageStatus.SCHEDULED, at=message.created_at, source=source, detail=due)
    return message.model_copy(update={"status": MessageStatus.SCHEDULED, "scheduled_at": due, "history": [event]})
