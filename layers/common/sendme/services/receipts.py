"""Provider receipts -> status transitions (and suppressions).

Email: SES publishes the configuration set's events to an SNS topic; each carries the tags the
worker set (messageId, orgId), so it finds its message even before the worker recorded SENT.
SMS: SNS writes delivery status logs to CloudWatch Logs, carrying only SNS's message id, found
through the byProviderMessageId index. End User Messaging SMS (decision 22) publishes its
configuration set's events to an SNS topic, each carrying the Context the worker set (messageId,
orgId); only a final event (`isFinal`) moves a message on.

Every receipt is a conditional transition (see sendme.domain.status), so duplicates, retries of a
whole batch and out-of-order receipts are harmless: a message only ever moves forwards.
An email's engagement (its first open, click, bounce and unsubscribe) is recorded beside its
status, each timestamp once, the first (decision 39): in the same conditional write as the
transition when the event moves the status, else in one small write of the timestamp alone.
A hard bounce or a complaint suppresses the address for the organisation. A record that does
not parse is skipped (logged, counted): retrying would not make it readable, and it must not
hold back the other lines of its batch.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.parser.models import CloudWatchLogsLogEvent
from pydantic import BaseModel, ValidationError

from sendme.contracts.events import SesEvent, SesRecipient, SmsDeliveryLog, SmsEvent
from sendme.domain.addresses import normalize_email
from sendme.domain.clock import now_iso, parse_iso, to_iso
from sendme.domain.errors import SendMeError
from sendme.domain.messages import MessageStatus
from sendme.domain.reputation import EmailOutcome, is_first_outcome
from sendme.observability import logger, metrics
from sendme.services.reputation import EmailReputation
from sendme.services.settlement import Settlement
from sendme.storage.indexes import ProviderMessageIndex
from sendme.storage.messages import MessageRepository
from sendme.storage.suppressions import SuppressionList

# An SMS receipt may reach us before the worker recorded the provider's id; the receipt is then
# retried (Lambda retries an asynchronous invocation) for this long, then dropped as not ours.
MATCH_WINDOW = timedelta(minutes=10)


class ReceiptUnmatchedError(SendMeError):
    """Recent receipts whose message is not recorded yet: raising makes Lambda retry the batch."""


@dataclass(frozen=True)
class Receipt:
    status: MessageStatus
    source: str
    detail: str
    provider_message_id: str
    org_id: str | None = None
    message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    suppress: tuple[str, ...] = ()
    # When the provider took the message: lets a receipt that overtook the worker record it.
    sent_at: str | None = None
    # What it counts towards the organisation's email bounce and complaint rates.
    email_outcome: EmailOutcome | None = None
    # The engagement timestamps it records, each only if the message has none yet.
    engagement: Mapping[str, str] = field(default_factory=dict)


def _addresses(recipients: Iterable[SesRecipient]) -> tuple[str, ...]:
    return tuple(address for r in recipients if (address := normalize_email(r.email_address)))


def _when(timestamp: str | None) -> str:
    """An SES event's own time in the API's format; now if it has none we can read."""
    try:
        return to_iso(parse_iso(timestamp)) if timestamp else now_iso()
    except ValueError:
        return now_iso()


def ses_receipt(event: SesEvent) -> Receipt | None:
    """What an SES event means for its message; None for events that change nothing (Send...)."""
    common: dict[str, Any] = {
        "source": "ses",
        "detail": event.event_type,
        "provider_message_id": event.mail.message_id,
        "org_id": event.tag("orgId"),
        "message_id": event.tag("messageId"),
        "sent_at": event.mail.timestamp,
    }
    if event.event_type == "Delivery":
        return Receipt(MessageStatus.DELIVERED, email_outcome=EmailOutcome.DELIVERED, **common)
    if event.event_type == "Open":
        opened = _when(event.open.timestamp if event.open else None)
        return Receipt(
            MessageStatus.READ, email_outcome=EmailOutcome.DELIVERED, engagement={"openedAt": opened}, **common
        )
    if event.event_type == "Click":
        # A click proves an open, even when the tracking pixel never loaded.
        clicked = _when(event.click.timestamp if event.click else None)
        engagement = {"clickedAt": clicked, "openedAt": clicked}
        return Receipt(MessageStatus.READ, email_outcome=EmailOutcome.DELIVERED, engagement=engagement, **common)
    if event.event_type == "Subscription" and event.subscription and event.subscription.unsubscribed:
        # Unsubscribing through the email's List-Unsubscribe header or link proves it arrived.
        engagement = {"unsubscribedAt": _when(event.subscription.timestamp)}
        return Receipt(MessageStatus.DELIVERED, email_outcome=EmailOutcome.DELIVERED, engagement=engagement, **common)
    if event.event_type == "Complaint" and event.complaint:
        # A complaint proves the email arrived; the address must not be mailed again.
        suppress = _addresses(event.complaint.complained_recipients)
        return Receipt(MessageStatus.DELIVERED, suppress=suppress, email_outcome=EmailOutcome.COMPLAINED, **common)
    if event.event_type == "Bounce" and event.bounce:
        recipients = event.bounce.bounced_recipients
        hard = event.bounce.bounce_type == "Permanent"
        return Receipt(
            MessageStatus.UNDELIVERED,
            email_outcome=EmailOutcome.BOUNCED if hard else EmailOutcome.DELIVERED,
            error_code=f"BOUNCE_{event.bounce.bounce_type.upper()}",
            error_message=next((r.diagnostic_code for r in recipients if r.diagnostic_code), "The email bounced"),
            suppress=_addresses(recipients) if hard else (),
            engagement={"bouncedAt": _when(event.bounce.timestamp)},
            **common,
        )
    if event.event_type == "Reject":
        reason = str((event.reject or {}).get("reason", "Rejected by SES"))
        return Receipt(MessageStatus.FAILED, error_code="SES_REJECTED", error_message=reason, **common)
    if event.event_type == "Rendering Failure":
        reason = str((event.failure or {}).get("errorMessage", "The email could not be rendered"))
        return Receipt(MessageStatus.FAILED, error_code="SES_RENDERING_FAILURE", error_message=reason, **common)
    return None


def sms_receipt(log: SmsDeliveryLog) -> Receipt:
    response = str(log.delivery.get("providerResponse", log.status))
    common: dict[str, Any] = {
        "source": "sns",
        "detail": response,
        "provider_message_id": str(log.notification["messageId"]),
    }
    if log.status == "SUCCESS":
        return Receipt(MessageStatus.DELIVERED, **common)
    return Receipt(MessageStatus.UNDELIVERED, error_code="SMS_UNDELIVERED", error_message=response, **common)


# The final End User Messaging events that mean the SMS reached the carrier or the phone (which
# of the two a country reports varies).
_EUM_DELIVERED = frozenset({"TEXT_DELIVERED", "TEXT_SUCCESSFUL"})


def eum_receipt(event: SmsEvent) -> Receipt | None:
    """What an End User Messaging event means for its message; None until the final one."""
    if not event.is_final:
        return None
    common: dict[str, Any] = {
        "source": "eum",
        "detail": event.message_status,
        "provider_message_id": event.message_id,
        "org_id": event.context.get("orgId"),
        "message_id": event.context.get("messageId"),
    }
    if event.message_request_timestamp:
        common["sent_at"] = to_iso(datetime.fromtimestamp(event.message_request_timestamp / 1000, UTC))
    if event.event_type in _EUM_DELIVERED:
        return Receipt(MessageStatus.DELIVERED, **common)
    reason = f"{event.event_type}: {event.message_status_description or event.message_status}"
    if event.event_type == "TEXT_PROTECT_BLOCKED":
        # Our own protect configuration stopped it before any carrier: failed and refunded, as
        # when SendTextMessage refuses it outright.
        return Receipt(MessageStatus.FAILED, error_code="SMS_PROTECT_BLOCKED", error_message=reason, **common)
    return Receipt(MessageStatus.UNDELIVERED, error_code="SMS_UNDELIVERED", error_message=reason, **common)


def notification_receipt(body: str) -> Receipt | None:
    """The receipt in one SNS notification: an SES event (it has `mail`) or an End User
    Messaging SMS event (it has `isFinal`)."""
    try:
        fields = json.loads(body)
    except ValueError:
        fields = None
    if isinstance(fields, dict) and "isFinal" in fields:
        sms = _readable(SmsEvent, body)
        return eum_receipt(sms) if sms else None
    email = _readable(SesEvent, body)
    return ses_receipt(email) if email else None


def _readable[Model: BaseModel](model: type[Model], body: str) -> Model | None:
    try:
        return model.model_validate_json(body)
    except ValidationError:
        # Not the body: a receipt names a recipient.
        logger.warning("unreadable receipt skipped", extra={"kind": model.__name__})
        metrics.add_metric(name="ReceiptsUnreadable", unit="Count", value=1)
        return None


class ReceiptService:
    def __init__(
        self,
        messages: MessageRepository,
        settlement: Settlement,
        suppressions: SuppressionList,
        provider_ids: ProviderMessageIndex,
        reputation: EmailReputation | None = None,
    ) -> None:
        self._messages = messages
        self._settlement = settlement
        self._suppressions = suppressions
        self._provider_ids = provider_ids
        self._reputation = reputation

    def apply_notifications(self, notifications: Iterable[str]) -> int:
        """Apply SES and End User Messaging events (the SNS notifications' messages); returns how
        many moved a message on."""
        receipts = (notification_receipt(body) for body in notifications)
        with self._messages.counted_together():
            return sum(self._apply(receipt) for receipt in receipts if receipt)

    def apply_sms_logs(self, events: Iterable[CloudWatchLogsLogEvent]) -> int:
        """Apply SNS delivery status log lines; raises if a recent one matches no message yet."""
        moved, waiting = 0, 0
        with self._messages.counted_together():
            for event in events:
                log = _readable(SmsDeliveryLog, str(event.message))
                if log is None:
                    continue
                receipt = sms_receipt(log)
                if key := self._provider_ids.find(receipt.provider_message_id):
                    moved += self._apply(receipt, key)
                elif datetime.now(UTC) - event.timestamp < MATCH_WINDOW:
                    waiting += 1
                else:
                    logger.info("SMS receipt matches no message", extra={"detail": receipt.detail})
        if waiting:
            raise ReceiptUnmatchedError(f"{waiting} SMS receipts match no sent message yet; retrying")
        return moved

    def _apply(self, receipt: Receipt, key: tuple[str, str] | None = None) -> bool:
        """Move the receipt's message on; False if it was already there (or is not ours).
        `key`: its (orgId, id), when the caller found it already."""
        if key is None and receipt.org_id and receipt.message_id:
            key = (receipt.org_id, receipt.message_id)
        elif key is None:
            key = self._provider_ids.find(receipt.provider_message_id)
        if key is None:
            return False
        org_id, message_id = key
        for address in receipt.suppress:
            self._suppressions.add(org_id, address, reason=receipt.detail.lower())
        if receipt.status is MessageStatus.FAILED:
            code, reason = receipt.error_code or "PROVIDER_FAILED", receipt.error_message or receipt.detail
            failed = self._settlement.fail(org_id, message_id, code=code, reason=reason, source=receipt.source)
            return failed is not None
        fields = {"providerMessageId": receipt.provider_message_id}
        if receipt.sent_at:
            fields["sentAt"] = receipt.sent_at
        if receipt.error_code:
            fields |= {"errorCode": receipt.error_code, "errorMessage": receipt.error_message or receipt.detail}
        moved = self._messages.transition(
            org_id,
            message_id,
            receipt.status,
            source=receipt.source,
            detail=receipt.detail,
            fields=fields,
            first=receipt.engagement,
        )
        if moved is None and receipt.engagement:
            # The status is past what the event would move it to (or the message is not ours):
            # its engagement still counts.
            self._messages.set_first(org_id, message_id, receipt.engagement)
        if moved:
            metrics.add_metric(name=f"Messages{receipt.status.value.title()}", unit="Count", value=1)
        if self._reputation and receipt.email_outcome:
            first = moved is not None and is_first_outcome(moved)
            self._reputation.record(org_id, receipt.email_outcome.counts(first))
        return moved is not None
