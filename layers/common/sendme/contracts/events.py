"""Provider events as they arrive: SES notifications and SNS SMS delivery-status logs."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import Field

from sendme.domain.base import CamelModel


class SesRecipient(CamelModel):
    email_address: str
    diagnostic_code: str | None = None


class SesBounce(CamelModel):
    bounce_type: str
    bounced_recipients: list[SesRecipient] = Field(default_factory=list)
    timestamp: str | None = None


class SesComplaint(CamelModel):
    complained_recipients: list[SesRecipient] = Field(default_factory=list)


class SesEngagement(CamelModel):
    """An Open's `open` or a Click's `click`: when the recipient did it (and more we do not keep)."""

    timestamp: str | None = None


class SesTopicPreferences(CamelModel):
    unsubscribe_all: bool = False
    topic_subscription_status: list[dict[str, str]] = Field(default_factory=list)


class SesSubscription(CamelModel):
    """A Subscription event's `subscription`: the recipient changed their preferences through the
    List-Unsubscribe header or link of a configuration set's contact list (SES v2)."""

    timestamp: str | None = None
    new_topic_preferences: SesTopicPreferences | None = None

    @property
    def unsubscribed(self) -> bool:
        """Whether the change is an unsubscribe (from all, or from a topic), not a re-subscribe."""
        new = self.new_topic_preferences
        if new is None:
            return True
        opted_out = (
            topic.get("subscriptionStatus", "").upper().replace("_", "") for topic in new.topic_subscription_status
        )
        return new.unsubscribe_all or "OPTOUT" in opted_out


class SesMail(CamelModel):
    message_id: str
    timestamp: str | None = None
    tags: dict[str, list[str]] = Field(default_factory=dict)


class SesEvent(CamelModel):
    """An SES event publishing record (configuration set -> SNS)."""

    event_type: str
    mail: SesMail
    bounce: SesBounce | None = None
    complaint: SesComplaint | None = None
    open: SesEngagement | None = None
    click: SesEngagement | None = None
    subscription: SesSubscription | None = None
    reject: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None

    def tag(self, name: str) -> str | None:
        return next(iter(self.mail.tags.get(name, [])), None)


class SmsDeliveryLog(CamelModel):
    """One line of SNS's SMS delivery status log."""

    notification: dict[str, Any]
    delivery: dict[str, Any] = Field(default_factory=dict)
    status: str


class SmsEvent(CamelModel):
    """An AWS End User Messaging SMS event (configuration set -> SNS). `context` is what the
    worker sent as SendTextMessage's Context: our message and organisation ids."""

    event_type: str
    is_final: bool
    message_id: str
    message_status: str
    message_status_description: str | None = None
    message_request_timestamp: int | None = None
    context: dict[str, str] = Field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """One SNS notification of the inbound topic: its message, and when SNS published it."""

    body: str
    published_at: datetime


class InboundSms(CamelModel):
    """A two-way SMS as AWS End User Messaging SMS (or SNS) publishes it to the inbound topic."""

    # The customer's number, and the organisation's two-way number it was sent to.
    origination_number: str = Field(max_length=32)
    destination_number: str = Field(max_length=32)
    message_body: str = Field(default="", max_length=10_000)
    # Unique per inbound message: what makes a redelivered notification harmless.
    inbound_message_id: str = Field(min_length=1, max_length=128)
    message_keyword: str | None = None
    # Our outbound message the customer answered, when the provider knows it.
    previous_published_message_id: str | None = None
