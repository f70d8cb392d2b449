"""The send routes' answers (the enqueue summary, the dry-run quote, send-job acceptance) and the
controls a send runs under; their request bodies are sendme.contracts.send_requests."""

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from sendme.contracts.send_jobs import SendJobView
from sendme.domain.audiences import SkippedRecipient
from sendme.domain.base import CamelModel
from sendme.domain.messages import Channel, ContentType


def _unset(value: object) -> bool:
    return value is None


class EnqueuedMessage(CamelModel):
    id: str
    recipient: str


class EnqueueResult(CamelModel):
    """The contract's MessageEnqueueResultDto, plus why any recipient was skipped."""

    queue_id: str
    channel: Channel
    messages: list[EnqueuedMessage]
    skipped: list[SkippedRecipient] = Field(default_factory=list)
    # Email only (left out of an SMS answer): what the messages are sent as, and whether it was
    # detected because the request gave none.
    content_type: ContentType | None = Field(default=None, exclude_if=_unset)
    content_type_detected: bool | None = Field(default=None, exclude_if=_unset)
    # A scheduled send only: when its messages are due (they wait SCHEDULED until then).
    scheduled_at: str | None = Field(default=None, exclude_if=_unset)


class CountryCost(CamelModel):
    """One destination country of an SMS dry run: its recipients and what they cost."""

    country: str | None
    recipients: int
    cost_per_message: int
    total_cost: int


class RenderedSample(CamelModel):
    """A templated send's dry run: the message its first recipient would get."""

    recipient: str
    subject: str | None = Field(default=None, exclude_if=_unset)
    message: str


class DryRunResult(CamelModel):
    """What a send would do (`?dryRun=true`): nothing is persisted, reserved or enqueued."""

    dry_run: bool = True
    channel: Channel
    recipient_count: int
    recipients: list[str]
    skipped: list[SkippedRecipient]
    segments: int
    encoding: str | None
    ucs2_characters: list[str]
    # What each message costs, when all cost the same; null when destinations are priced apart.
    cost_per_message: int | None
    # SMS: the cost by destination country (the price table's rows that apply); empty for email.
    by_country: list[CountryCost] = Field(default_factory=list)
    total_cost: int
    balance: int
    balance_after: int
    sufficient_credits: bool
    # True when the audience is large enough that the real send would run as a send job.
    as_job: bool = False
    # False when the audience was larger than a dry run reads: the counts and the cost then cover
    # only the contacts it read, and the send job prices the rest.
    complete: bool = True
    # A templated send's: its first recipient's rendered message (left out otherwise).
    sample: RenderedSample | None = Field(default=None, exclude_if=_unset)


class SendJobAccepted(EnqueueResult):
    """202: the audience is too large to enqueue within the request; a send job will."""

    job: SendJobView


@dataclass(frozen=True)
class SendControls:
    dry_run: bool = False
    idempotency_key: str | None = None
    # The Lambda context, so an in-progress idempotency record expires with the invocation.
    lambda_context: Any = None
