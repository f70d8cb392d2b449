"""Sending: audience -> normalise/dedupe -> price -> reserve credits -> persist -> enqueue.

A /contacts send reads national numbers in the request's `country`, else in the organisation's
home country; when none of its recipients can be sent to, it is a 400 saying why for each.

Credits are reserved with one conditional update before anything is written (in one
transaction with its ledger entry), so a send the balance cannot cover changes nothing. Every
persisted message is stored under a lease, then handed to the delivery queue
(sendme.services.dispatch): one SQS could not take waits for the sweeper to re-drive it, and the
send still answers success; none is left waiting forever.
An /all or /tags audience larger than `audience_sync_limit` is handed to a send job
(sendme.services.send_jobs) that the fan-out worker runs with the same rules.
A send naming a template renders each recipient's message, and prices it, for that recipient
(sendme.services.rendering).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sendme.contracts.sending import (
    CountryCost,
    DryRunResult,
    EnqueuedMessage,
    EnqueueResult,
    RenderedSample,
    SendControls,
    SendJobAccepted,
)
from sendme.domain.accounts import Organization, require_email_sending
from sendme.domain.addresses import country_of
from sendme.domain.audiences import (
    Audience,
    AudienceSelector,
    NamedRecipients,
    Recipient,
    Selection,
    within_destinations,
)
from sendme.domain.clock import now_iso, utc_now
from sendme.domain.content import content_type_of
from sendme.domain.errors import (
    CreditsInsufficientError,
    RecipientsInvalidError,
    RequestInvalidError,
    TermsNotAcceptedError,
)
from sendme.domain.ids import millis_of, new_id
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.messages import (
    Channel,
    ContentType,
    DeliveryTask,
    Message,
    MessageStatus,
    MessageType,
    StatusEvent,
)
from sendme.domain.schedules import due_time, scheduled
from sendme.domain.segments import SegmentInfo, count_segments
from sendme.domain.sends import EmailRequest, SendLimits, SmsRequest, SmsType
from sendme.observability import logger, metrics
from sendme.outbound.idempotency import IdempotentCalls
from sendme.outbound.queues import DeliveryQueue
from sendme.services.audiences import ContactAudiences
from sendme.services.dispatch import Dispatcher
from sendme.services.rendering import MessageText, TemplatedSends, message_text
from sendme.services.send_jobs import SendJobs
from sendme.services.settlement import Settlement
from sendme.storage.accounts import AccountRepository
from sendme.storage.ledger import CreditLedger
from sendme.storage.messages import MessageRepository

SOURCE = "api"


# How many recipients a dry run lists; the counts and the cost cover all it read.
DRY_RUN_LISTED = 1000


# How many contacts a dry run of an /all or /tags send reads at most.
DRY_RUN_READ = 10_000


SendRequest = SmsRequest | EmailRequest


@dataclass(frozen=True)
class Draft:
    """How each message of one send is built, and what each costs."""

    channel: Channel
    # What a message to a recipient costs: an SMS's price depends on its destination country.
    cost_of: Callable[[Recipient], int]
    segments: SegmentInfo | None
    # (recipient, message id, queue id, now) -> the message to persist
    build: Callable[[Recipient, str, str, str], Message]
    # The organisation's balance when the draft was made (the job and dry-run checks read it).
    balance: int = 0
    # SMS: the countries the organisation may send to; None for email (it has no destinations).
    destinations: frozenset[str] | None = None
    # Email: the content type the messages go out as, and whether it was detected.
    content_type: ContentType | None = None
    content_type_detected: bool | None = None
    # What each recipient gets, and the audience with what a templated send renders for each.
    text: MessageText | None = None
    personalise: Callable[[Audience], Audience] = lambda audience: audience

    def total_cost(self, recipients: Iterable[Recipient]) -> int:
        return sum(self.cost_of(recipient) for recipient in recipients)


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
        templated: TemplatedSends,
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
        self._templated = templated
        self._idempotency = idempotency

    def send(
        self,
        org_id: str,
        terms_accepted: bool,
        request: SendRequest,
        selection: Selection,
        controls: SendControls | None = None,
        home_country: str | None = None,
        *,
        message_beside_template: bool = False,
    ) -> EnqueueResult | DryRunResult:
        """Send `request` to `selection` (named recipients, or an /all or /tags selector);
        `message_beside_template` as TemplatedSends.resolve takes it."""
        controls = controls or SendControls()
        if not terms_accepted:
            raise TermsNotAcceptedError("accept the current terms of service before sending messages")
        if isinstance(selection, NamedRecipients) and selection.country is None:
            selection = replace(selection, country=home_country)
        # The idempotency fingerprint stays the request as sent; the send itself reads the template's text.
        resolved = self._templated.resolve(org_id, request, message_beside_template=message_beside_template)
        organization = self._organization(org_id)
        if isinstance(request, EmailRequest):
            require_email_sending(organization)
        draft = self._draft(organization, resolved)
        due = due_time(request.scheduled_at, utc_now()) if request.scheduled_at else None
        if controls.dry_run:
            return self._dry_run(org_id, draft, selection)
        if controls.idempotency_key is None or self._idempotency is None:
            return self._send(org_id, resolved, draft, selection, due)
        fingerprint = {"kind": type(request).__name__, "body": request.to_wire()}
        wire = self._idempotency.run(
            org_id,
            controls.idempotency_key,
            fingerprint,
            lambda: self._send(org_id, resolved, draft, selection, due).to_wire(),
            controls.lambda_context,
        )
        return SendJobAccepted.model_validate(wire) if "job" in wire else EnqueueResult.model_validate(wire)

    def draft(self, org_id: str, request: SendRequest) -> Draft:
        return self._draft(self._organization(org_id), request)

    def _organization(self, org_id: str) -> Organization:
        return self._accounts.get_organization(org_id) or Organization(id=org_id, name="", created_at="")

    def _draft(self, organization: Organization, request: SendRequest) -> Draft:
        draft = (
            self._sms_draft(organization, request)
            if isinstance(request, SmsRequest)
            else self._email_draft(organization, request)
        )
        text = draft.text
        if text is None or text.template is None:
            return draft
        return replace(
            draft, personalise=lambda audience: self._templated.personalise(organization.id, request, text, audience)
        )

    def _sms_draft(self, organization: Organization, request: SmsRequest) -> Draft:
        if request.type is SmsType.FLASH:
            # Amazon SNS cannot set the class-0 (flash) flag; sending a normal SMS instead would
            # pretend to honour the type.
            raise RequestInvalidError(
                "type FLASH (class-0 SMS) is not supported by the SMS provider, Amazon SNS", field="type"
            )
        sender_id = organization.sender_id
        text = message_text(request)
        # A templated send's messages differ by recipient: each is counted as rendered.
        info = count_segments(text.body) if text.template is None else None
        prices, kind = self._limits.sms_prices, request.type.price_kind

        def priced(recipient: Recipient) -> tuple[str, SegmentInfo, int]:
            content = text.of(recipient).body
            segments = info or count_segments(content)
            return content, segments, segments.segments * prices.per_segment(country_of(recipient.address), kind)

        def build(recipient: Recipient, message_id: str, queue_id: str, now: str) -> Message:
            content, segments, cost = priced(recipient)
            return Message(
                **_common(organization, request, recipient, message_id, queue_id, now),
                channel=Channel.SMS,
                message_type=MessageType(request.type.value),
                content=content,
                provider="SNS",
                sender_id=sender_id,
                # From the two-way number where the organisation has one, so replies reach it.
                from_=organization.two_way_number or sender_id,
                segments=segments.segments,
                encoding=segments.encoding.value,
                cost=cost,
            )

        return Draft(
            Channel.SMS,
            lambda recipient: priced(recipient)[2],
            info,
            build,
            balance=organization.credits,
            destinations=organization.destinations(self._limits.default_country),
            text=text,
        )

    def _email_draft(self, organization: Organization, request: EmailRequest) -> Draft:
        cost = self._limits.email_credits_per_message
        # Without a contentType, HTML markup must not reach the recipient as literal tags.
        content_type = request.content_type or content_type_of(request.message or "")
        text = message_text(request, html=content_type is ContentType.HTML)

        def build(recipient: Recipient, message_id: str, queue_id: str, now: str) -> Message:
            rendered = text.of(recipient)
            return Message(
                **_common(organization, request, recipient, message_id, queue_id, now),
                channel=Channel.EMAIL,
                message_type=MessageType.EMAIL,
                content=rendered.body,
                subject=rendered.subject,
                content_type=content_type,
                provider="SES",
                from_=self._limits.email_from,
                cost=cost,
            )

        return Draft(
            Channel.EMAIL,
            lambda _: cost,
            None,
            build,
            balance=organization.credits,
            content_type=content_type,
            content_type_detected=request.content_type is None,
            text=text,
        )

    def audience(self, org_id: str, draft: Draft, selection: Selection, limit: int | None = None) -> Audience:
        """Who the send goes to: named, or read up to `limit` contacts; an SMS audience only
        within the organisation's destinations (the fan-out worker reads its jobs' through this)."""
        if isinstance(selection, NamedRecipients):
            audience = self._audiences.named(org_id, draft.channel, selection)
        else:
            audience = self._audiences.resolve(org_id, draft.channel, selection, limit)
        if draft.destinations is not None:
            audience = within_destinations(audience, draft.destinations)
        return draft.personalise(audience)

    def _send(
        self, org_id: str, request: SendRequest, draft: Draft, selection: Selection, due: str | None
    ) -> EnqueueResult:
        audience = self.audience(org_id, draft, selection, self._limits.audience_sync_limit)
        if due and isinstance(selection, AudienceSelector):
            # Its audience is read again when it is due (decision 27): what the audience known now
            # costs is reserved now, and the fan-out charges or returns the difference then.
            prepaid = draft.total_cost(audience.recipients)
            return self._jobs.schedule(org_id, draft.channel, request, selection, due=due, prepaid=prepaid)
        if audience.truncated and isinstance(selection, AudienceSelector):
            _require_credits(draft, audience.recipients)
            return self._jobs.create(org_id, draft.channel, request, selection)
        if not audience.recipients and isinstance(selection, NamedRecipients):
            raise RecipientsInvalidError(
                "none of the contacts can be sent to; skipped gives the reason for each",
                skipped=[skipped.to_wire() for skipped in audience.skipped],
            )
        if not audience.recipients:
            return EnqueueResult(queue_id="", channel=draft.channel, messages=[], skipped=audience.skipped)
        queue_id, now = f"{draft.channel.value}-{new_id()}", now_iso()
        # Every message id carries its queue id's millisecond, as a send job's do: the list's
        # queueId filter is then a key condition on that one millisecond (decision 15).
        created_ms = millis_of(queue_id.partition("-")[2])
        messages = [draft.build(recipient, new_id(created_ms), queue_id, now) for recipient in audience.recipients]
        if due:
            messages = [scheduled(message, due, source=SOURCE) for message in messages]
        total_cost = sum(message.cost for message in messages)
        self._ledger.record(movement(org_id, LedgerKind.RESERVE, total_cost, CauseType.SEND, queue_id))
        try:
            self._messages.add_all(messages)
        except Exception:
            self._abandon(org_id, queue_id, messages)
            raise
        if due is None:  # a SCHEDULED message is put on the queue by the sweeper when it is due
            self.enqueue(org_id, messages)
        metrics.add_metric(name="RecipientsSkipped", unit="Count", value=len(audience.skipped))
        logger.info("send enqueued", extra={"queue_id": queue_id, "accepted": len(messages), "channel": draft.channel})
        return EnqueueResult(
            queue_id=queue_id,
            channel=draft.channel,
            messages=[EnqueuedMessage(id=m.id, recipient=m.recipient_details) for m in messages],
            skipped=audience.skipped,
            content_type=draft.content_type,
            content_type_detected=draft.content_type_detected,
            scheduled_at=due,
        )

    def enqueue(self, org_id: str, messages: Sequence[Message]) -> None:
        """Put persisted messages on the delivery queue; any SQS refuses is failed and refunded,
        any it could not take is re-driven by the sweeper. Never raises for SQS's sake."""
        accepted = self._dispatcher.dispatch([DeliveryTask.of(m) for m in messages])
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
                only_from=[MessageStatus.QUEUED, MessageStatus.SCHEDULED],
            )

    def _dry_run(self, org_id: str, draft: Draft, selection: Selection) -> DryRunResult:
        # Bounded like a send's own read: an audience past DRY_RUN_READ is quoted on its first
        # DRY_RUN_READ contacts (`complete` false) rather than read whole within one request.
        audience = self.audience(org_id, draft, selection, DRY_RUN_READ)
        total, balance = draft.total_cost(audience.recipients), draft.balance
        listed = len(audience.recipients) + len(audience.skipped)
        by_country = _by_country(draft, audience.recipients) if draft.channel is Channel.SMS else []
        costs = {draft.cost_of(recipient) for recipient in audience.recipients}
        sample = _sample(draft, audience.recipients)
        # A templated SMS's parts are the sample's (each message is priced as rendered).
        segments = draft.segments or (
            count_segments(sample.message) if sample and draft.channel is Channel.SMS else None
        )
        return DryRunResult(
            channel=draft.channel,
            recipient_count=len(audience.recipients),
            recipients=[recipient.address for recipient in audience.recipients[:DRY_RUN_LISTED]],
            skipped=audience.skipped[:DRY_RUN_LISTED],
            segments=segments.segments if segments else 1,
            encoding=segments.encoding.value if segments else None,
            ucs2_characters=list(segments.ucs2_characters) if segments else [],
            cost_per_message=costs.pop() if len(costs) == 1 else None,
            by_country=by_country,
            total_cost=total,
            balance=balance,
            balance_after=balance - total,
            sufficient_credits=balance >= total,
            complete=not audience.truncated,
            as_job=isinstance(selection, AudienceSelector)
            and (audience.truncated or listed > self._limits.audience_sync_limit),
            sample=sample,
        )


def _sample(draft: Draft, recipients: Sequence[Recipient]) -> RenderedSample | None:
    """A templated send's dry run shows what its first recipient would get."""
    if draft.text is None or draft.text.template is None or not recipients:
        return None
    rendered = draft.text.of(recipients[0])
    return RenderedSample(recipient=recipients[0].address, subject=rendered.subject, message=rendered.body)


def _by_country(draft: Draft, recipients: Sequence[Recipient]) -> list[CountryCost]:
    """The dry run's per-country breakdown: one row per destination, most recipients first."""
    rows: dict[str | None, list[Recipient]] = defaultdict(list)
    for recipient in recipients:
        rows[country_of(recipient.address)].append(recipient)
    return [
        CountryCost(
            country=country,
            recipients=len(members),
            cost_per_message=draft.cost_of(members[0]),
            total_cost=draft.total_cost(members),
        )
        for country, members in sorted(rows.items(), key=lambda row: (-len(row[1]), row[0] or ""))
    ]


def _require_credits(draft: Draft, known: Sequence[Recipient]) -> None:
    """A send job answers 202 before its audience is read whole, so it is checked here against
    what it is known to cost at least: its first audience_sync_limit recipients. A balance of
    zero never starts one. The fan-out's reservation still charges the exact whole price."""
    estimate = draft.total_cost(known)
    if draft.balance <= 0 or draft.balance < estimate:
        raise CreditsInsufficientError(
            f"the send job would cost at least {estimate} credits; the balance is {draft.balance}"
        )


def _common(
    organization: Organization, request: SendRequest, recipient: Recipient, message_id: str, queue_id: str, now: str
) -> dict[str, Any]:
    return {
        "org_id": organization.id,
        "webhooks": organization.webhooks,
        "id": message_id,
        "recipient_details": recipient.address,
        "country_code": recipient.country_code,
        "contact_id": recipient.contact_id,
        "campaign_id": request.campaign_id,
        "template_id": request.template_id,
        "metadata": request.metadata,
        "queue_id": queue_id,
        "created_at": now,
        "updated_at": now,
        "history": [StatusEvent(status=MessageStatus.QUEUED, at=now, source=SOURCE)],
    }
