"""Sending: audience -> normalise/dedupe -> price -> reserve credits -> persist -> enqueue.

Credits are reserved with one conditional update before anything is written, so a send the
balance cannot cover changes nothing. Every persisted message is either on the delivery queue
or, if SQS refused it, already FAILED with its credits refunded: none is left waiting forever.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .clock import now_iso
from .emails import normalize_email
from .errors import RequestInvalidError, TermsNotAcceptedError
from .ids import new_id
from .models import (
    Channel,
    DeliveryTask,
    EmailRequest,
    EnqueuedMessage,
    EnqueueResult,
    Message,
    MessageStatus,
    MessageType,
    Principal,
    SkippedRecipient,
    SkipReason,
    SmsRequest,
    SmsType,
    StatusEvent,
)
from .observability import logger, metrics
from .phones import normalize_phone
from .queues import DeliveryQueue
from .repositories import AccountRepository, MessageRepository
from .segments import count_segments
from .settings import Settings

SOURCE = "api"


@dataclass(frozen=True)
class Recipient:
    address: str
    country_code: str | None = None
    contact_id: str | None = None


@dataclass
class Audience:
    recipients: list[Recipient] = field(default_factory=list)
    skipped: list[SkippedRecipient] = field(default_factory=list)


def _resolve(raw_recipients: Iterable[str], normalize: Callable[[str], Recipient | None]) -> Audience:
    audience, seen = Audience(), set()
    for raw in raw_recipients:
        recipient = normalize(raw)
        if recipient is None:
            audience.skipped.append(SkippedRecipient(recipient=raw, reason=SkipReason.INVALID))
        elif recipient.address in seen:
            audience.skipped.append(SkippedRecipient(recipient=recipient.address, reason=SkipReason.DUPLICATE))
        else:
            seen.add(recipient.address)
            audience.recipients.append(recipient)
    return audience


def phone_audience(numbers: Iterable[str], country: str | None) -> Audience:
    def normalize(raw: str) -> Recipient | None:
        phone = normalize_phone(raw, country)
        return Recipient(address=phone.e164, country_code=phone.calling_code) if phone else None

    return _resolve(numbers, normalize)


def email_audience(addresses: Iterable[str]) -> Audience:
    def normalize(raw: str) -> Recipient | None:
        address = normalize_email(raw)
        return Recipient(address=address) if address else None

    return _resolve(addresses, normalize)


class SendingService:
    def __init__(
        self,
        messages: MessageRepository,
        accounts: AccountRepository,
        queue: DeliveryQueue,
        settings: Settings,
    ) -> None:
        self._messages = messages
        self._accounts = accounts
        self._queue = queue
        self._settings = settings

    def send_sms(self, principal: Principal, request: SmsRequest, audience: Audience) -> EnqueueResult:
        if request.type is SmsType.FLASH:
            # Amazon SNS cannot set the class-0 (flash) flag; sending a normal SMS instead would
            # pretend to honour the type.
            raise RequestInvalidError(
                "type FLASH (class-0 SMS) is not supported by the SMS provider, Amazon SNS", field="type"
            )
        organization_sender = self._sender_id(principal)
        info = count_segments(request.message)
        cost = info.segments * self._settings.sms_credits_per_segment
        return self._dispatch(
            principal,
            Channel.SMS,
            audience,
            lambda recipient, queue_id, now: Message(
                **self._common(principal, request, recipient, queue_id, now),
                channel=Channel.SMS,
                message_type=MessageType(request.type.value),
                content=request.message,
                provider="SNS",
                sender_id=organization_sender,
                segments=info.segments,
                encoding=info.encoding.value,
                cost=cost,
            ),
        )

    def send_email(self, principal: Principal, request: EmailRequest, audience: Audience) -> EnqueueResult:
        return self._dispatch(
            principal,
            Channel.EMAIL,
            audience,
            lambda recipient, queue_id, now: Message(
                **self._common(principal, request, recipient, queue_id, now),
                channel=Channel.EMAIL,
                message_type=MessageType.EMAIL,
                content=request.message,
                subject=request.subject,
                content_type=request.content_type,
                provider="SES",
                cost=self._settings.email_credits_per_message,
            ),
        )

    def _sender_id(self, principal: Principal) -> str | None:
        organization = self._accounts.get_organization(principal.org_id)
        return organization.sender_id if organization else None

    @staticmethod
    def _common(
        principal: Principal, request: SmsRequest | EmailRequest, recipient: Recipient, queue_id: str, now: str
    ) -> dict[str, object]:
        return {
            "org_id": principal.org_id,
            "id": new_id(),
            "recipient_details": recipient.address,
            "country_code": recipient.country_code,
            "contact_id": recipient.contact_id,
            "campaign_id": request.campaign_id,
            "queue_id": queue_id,
            "created_at": now,
            "updated_at": now,
            "history": [StatusEvent(status=MessageStatus.QUEUED, at=now, source=SOURCE)],
        }

    def _dispatch(
        self,
        principal: Principal,
        channel: Channel,
        audience: Audience,
        draft: Callable[[Recipient, str, str], Message],
    ) -> EnqueueResult:
        if not principal.terms_accepted:
            raise TermsNotAcceptedError("accept the current terms of service before sending messages")
        if not audience.recipients:
            return EnqueueResult(queue_id="", channel=channel, messages=[], skipped=audience.skipped)
        queue_id, now = f"{channel.value}-{new_id()}", now_iso()
        messages = [draft(recipient, queue_id, now) for recipient in audience.recipients]
        total_cost = sum(message.cost for message in messages)
        self._accounts.reserve_credits(principal.org_id, total_cost)
        try:
            self._messages.add_all(messages)
        except Exception:
            self._accounts.add_credits(principal.org_id, total_cost)
            raise
        refused = self._queue.enqueue([DeliveryTask(org_id=m.org_id, message_id=m.id) for m in messages])
        self._fail_unqueued(principal.org_id, messages, {task.message_id for task in refused})
        metrics.add_metric(name="MessagesAccepted", unit="Count", value=len(messages))
        metrics.add_metric(name="RecipientsSkipped", unit="Count", value=len(audience.skipped))
        logger.info("send enqueued", extra={"queue_id": queue_id, "accepted": len(messages), "channel": channel})
        return EnqueueResult(
            queue_id=queue_id,
            channel=channel,
            messages=[EnqueuedMessage(id=m.id, recipient=m.recipient_details) for m in messages],
            skipped=audience.skipped,
        )

    def _fail_unqueued(self, org_id: str, messages: Sequence[Message], refused_ids: set[str]) -> None:
        for message in messages:
            if message.id not in refused_ids:
                continue
            failed = self._messages.transition(
                org_id,
                message.id,
                MessageStatus.FAILED,
                source=SOURCE,
                fields={"errorCode": "ENQUEUE_FAILED", "errorMessage": "the delivery queue refused the message"},
            )
            if failed:
                self._accounts.add_credits(org_id, message.cost)
