"""A send job: an /all or /tags send too large to enqueue within one API request."""

from enum import StrEnum
from typing import Any

from sendme.domain.audiences import AudienceSelector
from sendme.domain.base import CamelModel
from sendme.domain.messages import Channel


class SendJobStatus(StrEnum):
    # A scheduled audience send, waiting for its time; it then runs as a PENDING one would.
    SCHEDULED = "SCHEDULED"
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


# A job in one of these will never reserve, persist or enqueue anything more.
FINISHED = frozenset({SendJobStatus.DONE, SendJobStatus.FAILED, SendJobStatus.CANCELED})


# A job in one of these has reserved nothing but what it prepaid: it may still be called off whole.
UNRESERVED = frozenset({SendJobStatus.SCHEDULED, SendJobStatus.PENDING})


class SendJob(CamelModel):
    org_id: str
    id: str
    channel: Channel
    request: dict[str, Any]
    selector: AudienceSelector
    status: SendJobStatus = SendJobStatus.PENDING
    reserved_cost: int = 0
    # A scheduled job's time, and the credits reserved when it was requested (on the audience
    # then known, under the send's cause: its queue id); the fan-out charges or returns the rest.
    scheduled_at: str | None = None
    prepaid: int = 0
    recipient_count: int = 0
    # The recipients paid for, frozen when the credits were reserved: every run reads this list,
    # never the live audience, so contacts added or removed since change nothing.
    recipient_list: str | None = None
    # Chunks of the list already persisted and enqueued: a retried run resumes after them.
    chunks_done: int = 0
    accepted: int = 0
    skipped: int = 0
    error_code: str | None = None
    created_at: str
    updated_at: str

    @property
    def queue_id(self) -> str:
        return f"{self.channel.value}-{self.id}"


class SendJobTask(CamelModel):
    """The body of one send-job queue message."""

    org_id: str
    job_id: str
