"""Send jobs: an /all or /tags send too large to enqueue within one API request.

The API records the job (PENDING) and posts it to the send-job queue, then answers 202 at
once; the fan-out worker (sendme.services.fanout) reserves the credits, persists and enqueues.

Layout in the accounts table: pk "ORG#<orgId>", sk "SENDJOB#<jobId>".
"""

from typing import TYPE_CHECKING

from sendme.contracts.send_jobs import SendJobView
from sendme.contracts.sending import SendJobAccepted
from sendme.domain.audiences import AudienceSelector
from sendme.domain.clock import now_iso
from sendme.domain.ids import new_id
from sendme.domain.messages import Channel
from sendme.domain.send_jobs import SendJob, SendJobStatus, SendJobTask
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.outbound.queues import SendJobQueue
from sendme.storage.send_jobs import SendJobRepository

if TYPE_CHECKING:
    pass


class SendJobs:
    """Records a send job and hands it to the fan-out worker."""

    def __init__(self, jobs: SendJobRepository, queue: SendJobQueue) -> None:
        self._jobs = jobs
        self._queue = queue

    def create(
        self, org_id: str, channel: Channel, request: SmsRequest | EmailRequest, selector: AudienceSelector
    ) -> SendJobAccepted:
        job = _new_job(org_id, channel, request, selector)
        self._jobs.add(job)
        self._queue.submit(SendJobTask(org_id=org_id, job_id=job.id))
        return _accepted(job)

    def schedule(
        self,
        org_id: str,
        channel: Channel,
        request: SmsRequest | EmailRequest,
        selector: AudienceSelector,
        *,
        due: str,
        prepaid: int,
    ) -> SendJobAccepted:
        """Record a SCHEDULED job, reserving `prepaid` credits now; the sweeper posts it to the
        fan-out worker when it is due, which reads the audience then."""
        job = _new_job(org_id, channel, request, selector).model_copy(
            update={"status": SendJobStatus.SCHEDULED, "scheduled_at": due, "prepaid": prepaid}
        )
        self._jobs.schedule(job)
        return _accepted(job)


def _new_job(org_id: str, channel: Channel, request: SmsRequest | EmailRequest, selector: AudienceSelector) -> SendJob:
    now = now_iso()
    return SendJob(
        org_id=org_id,
        id=new_id(),
        channel=channel,
        request=request.to_wire(),
        selector=selector,
        created_at=now,
        updated_at=now,
    )


def _accepted(job: SendJob) -> SendJobAccepted:
    return SendJobAccepted(
        queue_id=job.queue_id,
        channel=job.channel,
        messages=[],
        scheduled_at=job.scheduled_at,
        job=SendJobView(id=job.id, status=job.status),
    )
