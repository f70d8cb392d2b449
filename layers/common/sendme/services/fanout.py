"""The fan-out worker's logic: run one send job over its whole audience.

Order: read the audience (the same dedupe, skip and suppression rules as a direct send) and
freeze it, in chunks, as the job's recipient list -> reserve its whole cost with the job's
PENDING -> RESERVED transition (one transaction, so a retried run never charges twice; it also
names the list paid for) -> persist and enqueue chunk by chunk, recording each chunk done. Every
later run reads the frozen list, never the live audience: contacts added or removed meanwhile
neither shift nor join a job.

Message ids derive from the job and the recipient, so a run retried after a crash rebuilds the
same ids: it skips the chunks recorded as done. Every attempt at a chunk (the first, the one a
crashed run was inside, or a duplicate run of the task, even one racing the first) creates each
message only if its id is not stored yet (conditional transactions), so a message another run
stored, and delivery may have sent, is never reset to QUEUED. It enqueues the messages it
created and those of the others still QUEUED (the delivery worker's QUEUED -> SENDING claim
makes a second queue entry harmless).

A scheduled job (SCHEDULED, posted by the sweeper when due) runs as a PENDING one does: its
audience is read now, and its reservation takes only what the credits prepaid when it was
requested do not cover (what they cover beyond its cost is returned when it is done). A balance
short of the difference fails it, refunding the prepayment in the same write. A canceled job
is left alone.

A job the send-job queue gives up on (its dead-letter queue) is abandoned: the same ids tell
which of its messages were never stored (refunded) and which still wait QUEUED (failed and
refunded, so a queue entry already posted for one sends nothing); the job ends FAILED.

Every credit a job gives back (what it reserved but no longer needs, what an abandoned job never
spent) moves in the same transaction as the job's RESERVED -> DONE or FAILED write, so a run
retried after a crash finds the job settled and refunds nothing twice.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendme.domain.audiences import Recipient, pages
from sendme.domain.errors import CreditsInsufficientError, SendMeError
from sendme.domain.ids import derived_id, millis_of
from sendme.domain.messages import Message, MessageStatus
from sendme.domain.send_jobs import FINISHED, UNRESERVED, SendJob, SendJobStatus, SendJobTask
from sendme.domain.sends import stored_request
from sendme.observability import logger
from sendme.services.sending import Draft, SendingService
from sendme.services.settlement import Settlement
from sendme.storage.indexes import StoredStatuses
from sendme.storage.messages import MessageRepository
from sendme.storage.send_jobs import SendJobRepository

if TYPE_CHECKING:
    pass


CHUNK_SIZE = 500


SOURCE = "fanout"


JOB_ABANDONED = "SEND_JOB_FAILED"


class SendJobChangedError(SendMeError):
    """Another run reserved the job meanwhile: the task is retried, and resumes it."""


class FanOutService:
    def __init__(
        self,
        jobs: SendJobRepository,
        sending: SendingService,
        messages: MessageRepository,
        stored: StoredStatuses,
        settlement: Settlement,
    ) -> None:
        self._jobs = jobs
        self._sending = sending
        self._messages = messages
        self._stored = stored
        self._settlement = settlement

    def run(self, task: SendJobTask) -> None:
        job = self._jobs.get(task.org_id, task.job_id)
        if job is None or job.status in FINISHED:
            return  # a redelivered task for a finished (or canceled) job
        draft = self._sending.draft(job.org_id, stored_request(job.channel, job.request))
        if job.status in UNRESERVED:
            reserved = self._reserve(job, draft)
            if reserved is None:
                return
            job = reserved
        for number, messages in self._chunks(job, draft):
            self._persist_and_enqueue(job, messages)
            self._jobs.finish_chunk(job, number)
        unused = max(0, job.reserved_cost - self._cost(job, draft))
        if not self._jobs.settle(job, SendJobStatus.DONE, unused, accepted=job.recipient_count):
            return  # another run settled it first, and gave back what was unused
        logger.info("send job done", extra={"job_id": job.id, "accepted": job.recipient_count})

    def _reserve(self, job: SendJob, draft: Draft) -> SendJob | None:
        """Freeze the audience and pay for it: the job as RESERVED, or None (the job FAILED) when
        the balance is short."""
        audience = self._sending.audience(job.org_id, draft, job.selector)
        recipients, cost = audience.recipients, draft.total_cost(audience.recipients)
        recipient_list = self._jobs.freeze(job, pages(iter(recipients), CHUNK_SIZE))
        try:
            reserved = self._jobs.reserve(
                job, cost, len(recipients), skipped=len(audience.skipped), recipient_list=recipient_list
            )
        except CreditsInsufficientError:
            logger.info("send job short of credits", extra={"job_id": job.id, "cost": cost, "prepaid": job.prepaid})
            # Conditional on its status: a cancel that came first has refunded the prepayment.
            self._jobs.release(job, SendJobStatus.FAILED, "INSUFFICIENT_CREDITS")
            return None
        if not reserved:
            raise SendJobChangedError(f"send job {job.id} was reserved by another run; retrying to resume it")
        # What the job holds: its cost, or its prepayment when the audience shrank (returned when done).
        held = max(cost, job.prepaid)
        changes = {"reserved_cost": held, "recipient_count": len(recipients), "recipient_list": recipient_list}
        return job.model_copy(update={**changes, "status": SendJobStatus.RESERVED})

    def abandon(self, task: SendJobTask) -> None:
        """End a job the send-job queue gave up on: FAILED, with every credit it did not spend back."""
        job = self._jobs.get(task.org_id, task.job_id)
        if job is None or job.status in FINISHED:
            return
        if job.status is SendJobStatus.RESERVED:
            draft = self._sending.draft(job.org_id, stored_request(job.channel, job.request))
            refund = job.reserved_cost - self._cost(job, draft)
            for _, messages in self._chunks(job, draft):
                stored = self._stored.of(job.org_id, (m.id for m in messages))
                refund += sum(m.cost for m in messages if m.id not in stored)
                for message in messages:
                    if stored.get(message.id) == MessageStatus.QUEUED.value:
                        self._settlement.fail(
                            job.org_id,
                            message.id,
                            code=JOB_ABANDONED,
                            reason="The send job stopped before this message was handed to delivery",
                            source=SOURCE,
                            only_from=[MessageStatus.QUEUED],
                        )
            # The job's FAILED write carries the refund: a retry after a crash refunds nothing twice.
            if not self._jobs.settle(job, SendJobStatus.FAILED, max(0, refund), errorCode=JOB_ABANDONED):
                return
        elif not self._jobs.release(job, SendJobStatus.FAILED, JOB_ABANDONED):
            return  # canceled or reserved meanwhile
        logger.warning("send job abandoned", extra={"job_id": job.id})

    def _cost(self, job: SendJob, draft: Draft) -> int:
        """What the job's whole frozen list costs at today's prices (each message is charged what
        it is built with; a price change since the reservation leaves the difference unused)."""
        whole = job.model_copy(update={"chunks_done": 0})
        return sum(draft.total_cost(recipients) for _, recipients in self._jobs.recipients(whole))

    def _chunks(self, job: SendJob, draft: Draft) -> Iterator[tuple[int, list[Message]]]:
        """The job's messages chunk by chunk, from the first chunk of its list not recorded as done."""
        created_ms = millis_of(job.id)

        def message_to(recipient: Recipient) -> Message:
            message_id = derived_id(created_ms, job.id, recipient.address)
            return draft.build(recipient, message_id, job.queue_id, job.created_at)

        for number, recipients in self._jobs.recipients(job):
            yield number, [message_to(recipient) for recipient in recipients]

    def _persist_and_enqueue(self, job: SendJob, messages: list[Message]) -> None:
        added = {m.id for m in self._messages.add_new(messages)}
        # The rest were stored by another run (and may be sent): left as they are, enqueued while QUEUED.
        stored = self._stored.of(job.org_id, (m.id for m in messages if m.id not in added))
        self._sending.enqueue(
            job.org_id, [m for m in messages if m.id in added or stored.get(m.id) == MessageStatus.QUEUED.value]
        )
