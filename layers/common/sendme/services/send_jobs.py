"""Send jobs: an /all or /tags send too large to enqueue within one API request.

The API records the job (PENDING) and posts it to the send-job queue, then answers 202 at
once; the fan-out worker (sendme.services.fanout) reserves the credits, persists and enqueues.

Layout in the accounts table: pk "ORG#<orgId>", sk "SENDJOB#<jobId>".
"""

from typing import TYPE_CHECKING

from sendme.contracts.sending import SendJobAccepted, SendJobView
from sendme.domain.audiences import AudienceSelector
from sendme.domain.clock import now_iso
from sendme.domain.ids import new_id
from sendme.domain.messages import Channel
from sendme.domain.send_jobs import SendJob, SendJobTask
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
        now = now_iso()
        job = SendJob(
            org_id=org_id,
            id=new_id(),
            channel=channel,
            request=request.to_wire(),
            selector=selector,
            created_at=now,
            updated_at=now,
        )
        self._jobs.add(job)
        self._queue.submit(SendJobTask(org_id=org_id, job_id=job.id))
        return SendJobAccepted(
            queue_id=job.queue_id, channel=channel, messages=[], job=SendJobView(id=job.id, status=job.status)
        )
