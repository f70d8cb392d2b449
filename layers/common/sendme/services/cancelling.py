"""Cancelling: a SCHEDULED or QUEUED message that no worker claimed becomes CANCELED, refunded.

The CANCELED write and the refund (with its ledger entry) are one transaction, conditional on the
message being SCHEDULED or QUEUED. Every write to a message adds to its version, and the
delivery worker's claim is conditional on the version it read: of a cancel and a claim racing
for one message exactly one is stored, so a message is never both sent and refunded. The refund's
ledger entry is keyed by the message (as a failed message's is), so a message is refunded once
whichever of cancel, failure or a second cancel comes first. Cancelling a CANCELED message
answers as the first cancel did; one SENDING or later is a 409 naming its status.

A scheduled send job is canceled whole while it has reserved nothing more than its prepayment
(SCHEDULED, or posted but not yet reserved): CANCELED with the prepayment refunded in one
conditional write. A job still writing its messages is a 409; once DONE, its messages are
canceled as any send's.
"""

from collections import Counter

from sendme.contracts.cancelling import MessageCanceled, QueueCanceled
from sendme.contracts.send_jobs import SendJobView
from sendme.domain.errors import MessageNotCancelableError, MessageNotFoundError
from sendme.domain.ids import is_uuid
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.messages import Channel, Message, MessageStatus
from sendme.domain.send_jobs import UNRESERVED, SendJob, SendJobStatus
from sendme.observability import logger, metrics
from sendme.storage.messages import MessageRepository
from sendme.storage.send_jobs import SendJobRepository

SOURCE = "api"


CANCELED = "CANCELED"


CANCELABLE = (MessageStatus.SCHEDULED, MessageStatus.QUEUED)


# The most messages one queue cancel writes: a large send is canceled over several calls, each
# well within the function's time (one transaction per message).
CANCEL_WRITES = 500


class Cancellation:
    def __init__(self, messages: MessageRepository, jobs: SendJobRepository) -> None:
        self._messages = messages
        self._jobs = jobs

    def cancel_message(self, org_id: str, message_id: str) -> MessageCanceled:
        message = self._messages.get(org_id, message_id) if is_uuid(message_id) else None
        if message is None:
            raise MessageNotFoundError(f"no message {message_id}")
        refunded, _ = self._cancel(message)
        return MessageCanceled(id=message.id, status=MessageStatus.CANCELED, refunded=refunded)

    def cancel_queue(self, org_id: str, queue_id: str) -> QueueCanceled:
        channel, _, job_id = queue_id.partition("-")
        if channel not in set(Channel) or not is_uuid(job_id):
            raise MessageNotFoundError(f"no queue {queue_id}")
        job = self._cancel_job(self._jobs.get(org_id, job_id))
        refunded = job.prepaid if job and job.status is SendJobStatus.CANCELED else 0
        canceled = writes = 0
        not_canceled: Counter[MessageStatus] = Counter()
        found, complete = False, True
        for message in self._messages.in_queue(org_id, queue_id):
            found = True
            if writes >= CANCEL_WRITES and message.status in CANCELABLE:
                complete = False
                break
            try:
                credits, wrote = self._cancel(message)
            except MessageNotCancelableError as error:
                not_canceled[MessageStatus(error.status)] += 1
                continue
            canceled, refunded, writes = canceled + 1, refunded + credits, writes + wrote
        if job is None and not found:
            raise MessageNotFoundError(f"no queue {queue_id}")
        view = SendJobView(id=job.id, status=job.status) if job else None
        return QueueCanceled(
            queue_id=queue_id,
            canceled=canceled,
            refunded=refunded,
            not_canceled=dict(not_canceled),
            complete=complete,
            job=view,
        )

    def _cancel_job(self, job: SendJob | None) -> SendJob | None:
        """The job as the cancel leaves it: CANCELED (prepayment refunded) if it reserved nothing
        more yet; a 409 while it is writing its messages."""
        if job is not None and job.status in UNRESERVED and self._jobs.release(job, SendJobStatus.CANCELED, CANCELED):
            logger.info("send job canceled", extra={"job_id": job.id, "refunded": job.prepaid})
            return job.model_copy(update={"status": SendJobStatus.CANCELED})
        if job is not None and job.status in UNRESERVED:
            job = self._jobs.get(job.org_id, job.id)  # reserved, failed or canceled meanwhile
        if job is not None and job.status in (*UNRESERVED, SendJobStatus.RESERVED):
            raise MessageNotCancelableError(
                f"send job {job.id} is {job.status}: it is writing its messages; cancel again once it is DONE",
                status=job.status,
            )
        return job

    def _cancel(self, message: Message) -> tuple[int, int]:
        """Cancel `message` and refund it: (the credits its cancellation gave back, the writes it
        took). Raises MessageNotCancelableError when it is SENDING or later."""
        if message.status is MessageStatus.CANCELED:
            return message.cost, 0
        if message.status not in CANCELABLE:
            raise MessageNotCancelableError(
                f"message {message.id} is {message.status}: only a SCHEDULED or QUEUED message can be canceled",
                status=message.status,
            )
        refund = movement(message.org_id, LedgerKind.REFUND, message.cost, CauseType.MESSAGE, message.id, CANCELED)
        canceled = self._messages.transition(
            message.org_id,
            message.id,
            MessageStatus.CANCELED,
            source=SOURCE,
            only_from=CANCELABLE,
            # A free message moves no credits: a plain conditional update.
            paying=refund if message.cost else None,
        )
        if canceled is None:
            # Claimed, failed or canceled since it was read: answer for what it is now.
            current = self._messages.get(message.org_id, message.id)
            if current is None:
                raise MessageNotFoundError(f"no message {message.id}")
            return self._cancel(current)
        metrics.add_metric(name="MessagesCanceled", unit="Count", value=1)
        return message.cost, 1
