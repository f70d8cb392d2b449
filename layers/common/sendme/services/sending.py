"""Sending: audience -> normalise/dedupe -> price -> reserve credits -> persist -> enqueue.

Credits are reserved with one conditional update before anything is written (in one
transaction with its ledger entry), so a send the balance cannot cover changes nothing. Every
persisted message is stored under a lease, then handed to the delivery queue
(sendme.services.dispatch): one SQS could not take waits for the sweeper to re-drive it, and the
send still answers success; none is left waiting forever.
An /all or /tags audience larger than `audience_sync_limit` is handed to a send job
(sendme.services.send_jobs) that the fan-out worker runs with the same rules.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sendme.contracts.sending import DryRunResult, EnqueuedMessage, EnqueueResult, SendControls, SendJobAccepted
from sendme.domain.audiences import Audience, AudienceSelector, Recipient, Selection
from sendme.domain.clock import now_iso
from sendme.domain.errors import RequestInvalidError, TermsNotAcceptedError
from sendme.domain.ids import new_id
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.messages import Channel, DeliveryTask, Message, MessageStatus, MessageType, StatusEvent
from sendme.domain.segments import SegmentInfo, count_segments
from sendme.domain.sends import EmailRequest, SendLimits, SmsRequest, SmsType
from sendme.observability import logger, metrics
from sendme.outbound.idempotency import IdempotentCalls
from sendme.outbound.queues import DeliveryQueue
from sendme.services.audiences import ContactAudiences
from sendme.services.dispatch import Dispatcher
from sendme.services.send_jobs import SendJobs
from sendme.services.settlement import Settlement
from sendme.storage.accounts import AccountRepository
from sendme.storage.ledger import CreditLedger
from sendme.storage.messages import MessageRepository

SOURCE = "api"


# How many recipients a dry run lists; the counts and the cost always cover all of them.
DRY_RUN_LISTED = 1000


SendRequest = SmsRequest | EmailRequest


@dataclass(frozen=True)
class Draft:
    """How each message of one send is built, and what each costs."""

    channel: Channel
    cost: int
    segments: SegmentInfo | None
    # (recipient, message id, queue id, now) -> the message to persist
    build: Callable[[Recipient, str, str, str], Message]


class SendingService:
    def __init__(
        self,
        messages: MessageRepository,
        accounts: AccountRepository,
        ledger: CreditLedger,
        queue: DeliveryQueue,
        limits: SendLimits,
        audiences: ContactAudiences,
        jobs: SendJobs,
        settlement: Settlement,
        idempotency: IdempotentCalls | None = None,
    ) -> None:
        self._messages = messages
        self._accounts = accounts
        self._ledger = ledger
        self._dispatcher = Dispatcher(queue, settlement, source=SOURCE)
        self._limits = limits
        self._audiences = audiences
        self._jobs = jobs
        self._settlement = settlement
        self._idempotency = idempotency

    def send(
        self,
        org_id: str,
        terms_accepted: bool,
        request: SendRequest,
        selection: Selection,
        controls: SendControls | None = None,
    ) -> EnqueueResult | DryRunResult:
        """Send `request` to `selection` (named recipients, or an /all or /tags selector)."""
        controls = controls or SendControls()
        if not terms_accepted:
            raise TermsNotAcceptedError("accept the current terms of service before sending messages")
        draft = self.draft(org_id, request)
        if controls.dry_run:
            return self._dry_run(org_id, draft, selection)
        if controls.idempotency_key is None or self._idempotency is None:
            return self._send(org_id, request, draft, selection)
        fingerprint = {"kind": type(request).__name__, "body": request.to_wire()}
        wire = self._idempotency.run(
            org_id,
            controls.idempotency_key,
            fingerprint,
            lambda: self._send(org_id, request, draft, selection).to_wire(),
            controls.lambda_context,
        )
        return SendJobAccepted.model_validate(wire) if "job" in wire else EnqueueResult.model_validate(wire)

    def draft(self, org_id: str, request: SendRequest) -> Draft:
        return (
            self._sms_draft(org_id, request) if isinstance(request, SmsRequest) else self._email_draft(org_id, request)
        )

    def _sms_draft(self, org_id: str, request: SmsRequest) -> Draft:
        if request.type is SmsType.FLASH:
            # Amazon SNS cannot set the class-0 (flash) flag; sending a normal SMS instead would
            # pretend to honour the type.
            raise RequestInvalidError(
                "type FLASH (class-0 SMS) is not supported by the SMS provider, Amazon SNS", field="type"
            )
        organization = self._accounts.get_organization(org_id)
        sender_id = organization.sender_id if organization else None
        info = count_segments(request.message)
        cost = info.segments * self._limits.sms_credits_per_segment
        return Draft(
            Channel.SMS,
            cost,
            info,
            lambda recipient, message_id, queue_id, now: Message(
                **_common(org_id, request, recipient, message_id, queue_id, now),
                channel=Channel.SMS,
                message_type=MessageType(request.type.value),
                content=request.message,
                provider="SNS",
                sender_id=sender_id,
                segments=info.segments,
                encoding=info.encoding.value,
                cost=cost,
            ),
        )

    def _email_draft(self, org_id: str, request: EmailRequest) -> Draft:
        cost = self._limits.email_credits_per_message
        return Draft(
            Channel.EMAIL,
            cost,
            None,
            lambda recipient, message_id, queue_id, now: Message(
                **_common(org_id, request, recipient, message_id, queue_id, now),
                channel=Channel.EMAIL,
                message_type=MessageType.EMAIL,
                content=request.message,
                subject=request.subject,
                content_type=request.content_type,
                provider="SES",
                cost=cost,
            ),
        )

    def _resolve(self, org_id: str, channel: Channel, selection: Selection, limit: int | None) -> Audience:
        if isinstance(selection, Audience):
            return self._audiences.screen(org_id, channel, selection)
        return self._audiences.resolve(org_id, channel, selection, limit)

    def _send(self, org_id: str, request: SendRequest, draft: Draft, selection: Selection) -> EnqueueResult:
        audience = self._resolve(org_id, draft.channel, selection, self._limits.audience_sync_limit)
        if audience.truncated and isinstance(selection, AudienceSelector):
            return self._jobs.create(org_id, draft.channel, request, selection)
        if not audience.recipients:
            return EnqueueResult(queue_id="", channel=draft.channel, messages=[], skipped=audience.skipped)
        queue_id, now = f"{draft.channel.value}-{new_id()}", now_iso()
        messages = [draft.build(recipient, new_id(), queue_id, now) for recipient in audience.recipients]
        total_cost = sum(message.cost for message in messages)
        self._ledger.record(movement(org_id, LedgerKind.RESERVE, total_cost, CauseType.SEND, queue_id))
        try:
            self._messages.add_all(messages)
        except Exception:
            self._abandon(org_id, queue_id, messages)
            raise
        self.enqueue(org_id, messages)
        metrics.add_metric(name="RecipientsSkipped", unit="Count", value=len(audience.skipped))
        logger.info("send enqueued", extra={"queue_id": queue_id, "accepted": len(messages), "channel": draft.channel})
        return EnqueueResult(
            queue_id=queue_id,
            channel=draft.channel,
            messages=[EnqueuedMessage(id=m.id, recipient=m.recipient_details) for m in messages],
            skipped=audience.skipped,
        )

    def enqueue(self, org_id: str, messages: Sequence[Message]) -> None:
        """Put persisted messages on the delivery queue; any SQS refuses is failed and refunded,
        any it could not take is re-driven by the sweeper. Never raises for SQS's sake."""
        accepted = self._dispatcher.dispatch([DeliveryTask(org_id=m.org_id, message_id=m.id) for m in messages])
        metrics.add_metric(name="MessagesAccepted", unit="Count", value=accepted)

    def _abandon(self, org_id: str, queue_id: str, messages: Sequence[Message]) -> None:
        """A write that failed part-way: refund the messages never stored (one entry for the
        send), then fail and refund each stored one (nothing may wait forever). Each refund is
        paid once: a stored message's only with its own FAILED write, wherever that happens."""
        stored = self._messages.get_many((org_id, message.id) for message in messages)
        unstored = sum(message.cost for message in messages if (org_id, message.id) not in stored)
        if unstored:
            self._ledger.record(movement(org_id, LedgerKind.REFUND, unstored, CauseType.SEND, queue_id, "STORE_FAILED"))
        for message in stored.values():
            self._settlement.fail(
                org_id,
                message.id,
                code="STORE_FAILED",
                reason="the messages table refused part of the send",
                source=SOURCE,
                only_from=[MessageStatus.QUEUED],
            )

    def _dry_run(self, org_id: str, draft: Draft, selection: Selection) -> DryRunResult:
        audience = self._resolve(org_id, draft.channel, selection, None)
        organization = self._accounts.get_organization(org_id)
        balance = organization.credits if organization else 0
        total = draft.cost * len(audience.recipients)
        return DryRunResult(
            channel=draft.channel,
            recipient_count=len(audience.recipients),
            recipients=[recipient.address for recipient in audience.recipients[:DRY_RUN_LISTED]],
            skipped=audience.skipped[:DRY_RUN_LISTED],
            segments=draft.segments.segments if draft.segments else 1,
            encoding=draft.segments.encoding.value if draft.segments else None,
            ucs2_characters=list(draft.segments.ucs2_characters) if draft.segments else [],
            cost_per_message=draft.cost,
            total_cost=total,
            balance=balance,
            balance_after=balance - total,
            sufficient_credits=balance >= total,
            as_job=isinstance(selection, AudienceSelector)
            and len(audience.recipients) + len(audience.skipped) > self._limits.audience_sync_limit,
        )


def _common(
    org_id: str, request: SendRequest, recipient: Recipient, message_id: str, queue_id: str, now: str
) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "id": message_id,
        "recipient_details": recipient.address,
        "country_code": recipient.country_code,
        "contact_id": recipient.contact_id,
        "campaign_id": request.campaign_id,
        "queue_id": queue_id,
        "created_at": now,
        "updated_at": now,
        "history": [StatusEvent(status=MessageStatus.QUEUED, at=now, source=SOURCE)],
    }
