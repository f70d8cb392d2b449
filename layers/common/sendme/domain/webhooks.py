"""Status webhooks: endpoints, the events a status change makes, their signature and retry schedule.

The signature is Stripe's scheme: `SendMe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>">`, so a receiver checks the body and its age with one secret. Delivery is retried
with exponential backoff and jitter for `RETRY_WINDOW`; an endpoint whose deliveries have all
failed for `DISABLE_AFTER` is disabled (decision 34).
"""

import hashlib
import hmac
import ipaddress
import random
import secrets
import time
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import Field

from sendme.domain.base import CamelModel
from sendme.domain.clock import parse_iso
from sendme.domain.errors import RequestInvalidError
from sendme.domain.ids import new_id
from sendme.domain.messages import MessageStatus

SIGNATURE_HEADER = "SendMe-Signature"
# Each attempt waits this long for the receiver's answer.
TIMEOUT_SECONDS = 5.0
RETRY_WINDOW = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=3)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
# How long a delivery's record stays listable after its last attempt (decision 36).
DELIVERY_RECORD_TTL = timedelta(days=30)


class EventType(StrEnum):
    SENT = "message.sent"
    DELIVERED = "message.delivered"
    UNDELIVERED = "message.undelivered"
    FAILED = "message.failed"
    READ = "message.read"
    RECEIVED = "message.received"
    CANCELED = "message.canceled"


# The status each event reports; the statuses before them (QUEUED, SENDING...) make none.
EVENT_OF_STATUS: dict[MessageStatus, EventType] = {
    MessageStatus.SENT: EventType.SENT,
    MessageStatus.DELIVERED: EventType.DELIVERED,
    MessageStatus.UNDELIVERED: EventType.UNDELIVERED,
    MessageStatus.FAILED: EventType.FAILED,
    MessageStatus.READ: EventType.READ,
    MessageStatus.RECEIVED: EventType.RECEIVED,
    MessageStatus.CANCELED: EventType.CANCELED,
}


class EndpointStatus(StrEnum):
    ENABLED = "ENABLED"
    # Every delivery failed for DISABLE_AFTER: nothing more is sent until the customer enables it.
    DISABLED = "DISABLED"


class WebhookEndpoint(CamelModel):
    """An endpoint as stored. `secret` signs its deliveries (decision 33 says why it is kept)."""

    org_id: str
    id: str
    url: str
    events: list[EventType]
    secret: str
    status: EndpointStatus = EndpointStatus.ENABLED
    created_at: str
    updated_at: str
    # Since when every delivery has failed (cleared by a success), and the last failure's answer.
    failing_since: str | None = None
    last_failure_at: str | None = None
    last_status_code: int | None = None
    # Deliveries given up on after RETRY_WINDOW.
    failed_deliveries: int = 0
    disabled_at: str | None = None

    def wants(self, event: EventType) -> bool:
        return self.status is EndpointStatus.ENABLED and event in self.events

    def failed_too_long(self, now: datetime) -> bool:
        """Whether every delivery has failed for DISABLE_AFTER: the endpoint is then disabled."""
        return self.failing_since is not None and now - parse_iso(self.failing_since) >= DISABLE_AFTER


class DeliveryStatus(StrEnum):
    # Not yet tried, or failed and waiting for its next attempt.
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    # Given up after RETRY_WINDOW (or its endpoint was disabled): the customer may retry it.
    FAILED = "FAILED"


class WebhookDelivery(CamelModel):
    """One event on its way to one endpoint: the webhook queue's message body."""

    # Names the delivery's record (decision 36); the default covers a message queued before ids.
    id: str = Field(default_factory=new_id)
    org_id: str
    endpoint_id: str
    event_id: str
    event_type: EventType
    # The exact bytes every attempt sends, so a retry signs and sends the same event.
    body: str
    attempt: int = 1
    first_attempt_at: float = Field(description="Unix seconds of the first attempt")
    # Unix seconds before which the next attempt is not made (a retry waits longer than SQS's 15 min).
    not_before: float = 0


class DeliveryRecord(CamelModel):
    """What an endpoint's deliveries list shows of one delivery, kept per attempt outcome."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    last_response_code: int | None = None
    last_attempt_at: str
    # The event's exact bytes, kept only while FAILED: a retry sends them again.
    body: str | None = None


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: str, tolerance: int = 300, *, now: float | None = None) -> bool:
    """Whether `header` signs `body` with `secret`, made within `tolerance` seconds of now."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def retry_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based): exponential, capped,
    with equal jitter so endpoints that failed together do not retry together."""
    ceiling = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1))
    return float(ceiling / 2 + (rng or random).uniform(0, ceiling / 2))


def checked_url(url: str, *, loopback_only: bool) -> str:
    """The endpoint URL if a deployed stack may call it: HTTPS to a public host. The local stack
    (`loopback_only`) also takes http://127.0.0.1, so tests can run a real receiver (and delivers
    to nothing else, sendme.outbound.webhooks)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    loopback_ok = loopback_only and host == "127.0.0.1"
    if parts.scheme != "https" and not (loopback_ok and parts.scheme == "http"):
        raise RequestInvalidError("a webhook URL must be https://", field="url")
    if not host or parts.username or parts.password:
        raise RequestInvalidError("a webhook URL needs a host and no credentials", field="url")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return url
    if not loopback_ok and not is_public(literal):
        raise RequestInvalidError("a webhook URL may not name a private address", field="url")
    return url


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a deployed stack may connect to `address`: not private, loopback, link-local
    (the instance metadata service), multicast, reserved or unspecified."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
