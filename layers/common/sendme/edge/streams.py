"""The Lambda edge of the messages table's stream: each record as a status change."""

from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from sendme.domain.messages import MessageStatus
from sendme.observability import logger
from sendme.services.webhook_events import StatusChange

_deserializer = TypeDeserializer()


def _image(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()}


def status_changes(event: dict[str, Any]) -> list[StatusChange]:
    """The changes of the stream records that hold a message's status item after the write
    (REMOVEs hold none, content items no status). A record that does not parse is logged and
    skipped: it cannot make an event."""
    changes = []
    for record in event.get("Records", []):
        stream = record.get("dynamodb", {})
        if "NewImage" not in stream:
            continue
        item = _image(stream["NewImage"])
        previous = _image(stream["OldImage"]).get("status") if "OldImage" in stream else None
        try:
            changes.append(
                StatusChange(item, MessageStatus(item["status"]), MessageStatus(previous) if previous else None)
            )
        except (KeyError, ValueError):
            logger.exception("unreadable stream record", extra={"event_id": record.get("eventID")})
    return changes
