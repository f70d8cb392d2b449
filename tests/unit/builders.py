"""Messages as the unit tests need them: one email with every required field, changed as asked."""

from typing import Any

from sendme.domain.messages import Channel, Message, MessageStatus, MessageType

_EMAIL: dict[str, Any] = {
    "org_id": "org",
    "id": "m1",
    "channel": Channel.EMAIL,
    "message_type": MessageType.EMAIL,
    "content": "hi",
    "recipient_details": "a@example.com",
    "provider": "ses",
    "queue_id": "q",
    "created_at": "2026-12-06T00:00:00.000Z",
    "updated_at": "2026-12-06T00:00:00.000Z",
}


def an_email(status: MessageStatus = MessageStatus.QUEUED, **changes: Any) -> Message:
    return Message(**(_EMAIL | {"status": status} | changes))
