"""A message as stored, its channel, type, content type and status, and the delivery task that names it."""

import json
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from sendme.domain.base import CamelModel


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class MessageType(StrEnum):
    SMS = "SMS"
    OTP = "OTP"
    FLASH = "FLASH"
    EMAIL = "EMAIL"


class ContentType(StrEnum):
    PLAIN_TEXT = "PLAIN_TEXT"
    HTML = "HTML"


class MessageStatus(StrEnum):
    QUEUED = "QUEUED"
    SCHEDULED = "SCHEDULED"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    UNDELIVERED = "UNDELIVERED"
    FAILED = "FAILED"
    READ = "READ"
    CANCELED = "CANCELED"
    RECEIVED = "RECEIVED"


class Direction(StrEnum):
    OUTBOUND = "OUTBOUND"  # what we send
    INBOUND = "INBOUND"  # what a customer's contact sent to the organisation's two-way number


# A send's `metadata`: the caller's own key-value pairs, stored with the message and returned by
# every dialect (our list, Sendo's, the workspace's). Bounded as Stripe and Twilio bound theirs.
MAX_METADATA_KEYS = 20
MAX_METADATA_BYTES = 2048


def _within_metadata_size(pairs: dict[str, str]) -> dict[str, str]:
    if len(json.dumps(pairs, separators=(",", ":"), ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
        raise ValueError(f"must be at most {MAX_METADATA_BYTES} bytes as JSON")
    return pairs


Metadata = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=40)], Annotated[str, Field(max_length=500)]],
    Field(max_length=MAX_METADATA_KEYS),
    AfterValidator(_within_metadata_size),
]


class StatusEvent(CamelModel):
    status: MessageStatus
    at: str
    source: str
    detail: str | None = None


class Message(CamelModel):
    """A message as stored in the messages table."""

    org_id: str
    id: str
    channel: Channel
    message_type: MessageType
    content: str
    subject: str | None = None
    content_type: ContentType = ContentType.PLAIN_TEXT
    status: MessageStatus = MessageStatus.QUEUED
    recipient_details: str
    country_code: str | None = None
    contact_id: str | None = None
    campaign_id: str | None = None
    # The template a templated send rendered it from (on its content item, as sent).
    template_id: str | None = None
    provider: str
    provider_message_id: str | None = None
    sender_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    segments: int = 1
    encoding: str | None = None
    cost: int = 0
    queue_id: str
    created_at: str
    updated_at: str
    sent_at: str | None = None
    # When a SCHEDULED message is due to move to QUEUED (the sweeper fires it).
    scheduled_at: str | None = None
    deleted_at: str | None = None
    metadata: Metadata | None = None
    # An email's engagement, from its SES events: set once each (the first), beside the status,
    # which they never move backwards: a click after READ, a bounce after DELIVERED, still count.
    opened_at: str | None = None
    clicked_at: str | None = None
    bounced_at: str | None = None
    unsubscribed_at: str | None = None
    history: list[StatusEvent] = Field(default_factory=list)
    # Set (True) when its organisation had webhooks when it was sent: the messages table's
    # stream hands only such messages' changes to the webhook pipeline (decision 33).
    webhooks: bool | None = None
    # An inbound message's recipientDetails is the organisation's number it was sent to.
    direction: Direction = Direction.OUTBOUND
    # Who sent it: the SMS sender id or number used, the email From, an inbound message's sender.
    from_: str | None = Field(default=None, alias="from")
    # Every write adds one, so a write built from a read can be made conditional on nothing
    # having changed since (see MessageRepository.replace_all).
    version: int = 0

    @property
    def counterpart(self) -> str:
        """The other party's number or address: whom we wrote to, or who wrote to us."""
        if self.direction is Direction.INBOUND and self.from_:
            return self.from_
        return self.recipient_details


class DeliveryTask(CamelModel):
    """The body of one delivery queue message: which message to deliver."""

    org_id: str
    message_id: str
    # Which queue it goes on, not part of the body: an OTP code is awaited by someone now, so it
    # takes the priority queue rather than wait behind its own organisation's campaigns.
    urgent: bool = Field(default=False, exclude=True)

    @classmethod
    def of(cls, message: Message) -> "DeliveryTask":
        return cls(org_id=message.org_id, message_id=message.id, urgent=message.message_type is MessageType.OTP)
