"""Test data shared by the tiers: a stored message with every required field filled."""

from typing import Any

from sendme.domain.messages import Channel, Message, MessageType


def sms_message(**fields: Any) -> Message:
    """A QUEUED SMS to a Colombian number; `fields` override any attribute."""
    defaults: dict[str, Any] = {
        "org_id": "org",
        "id": "01a209ba-a87a-7822-b73a-8d2593857aa2",
        "channel": Channel.SMS,
        "message_type": MessageType.SMS,
        "content": "Hola",
        "recipient_details": "+573001234567",
        "provider": "SNS",
        "queue_id": "sms-1",
        "created_at": "2026-01-01T00:00:00.000Z",
        "updated_at": "2026-01-01T00:00:00.000Z",
    }
    return Message(**{**defaults, **fields})
