"""Scheduled send jobs fire here, on the sweeper's minute (decision 27).

A scheduled /all or /tags send is a SCHEDULED send job with a marker in the due-jobs partition.
Each sweep posts every due job to the send-job queue, then removes its marker: a sweep that dies
in between leaves the marker, and the next one posts the job again. Two posts (or two sweeps at
once) are harmless: the fan-out worker's reservation is conditional on the job's status, so one
run reserves and the other resumes or finds it done. Once posted, the send-job queue and its
dead-letter queue own the job, so it ends DONE, FAILED or CANCELED, never waiting forever.
"""

from collections.abc import Callable

from sendme.domain.clock import now_iso
from sendme.domain.send_jobs import SendJobTask
from sendme.observability import logger
from sendme.outbound.queues import SendJobQueue
from sendme.storage.send_jobs import SendJobRepository


class DueJobs:
    def __init__(self, jobs: SendJobRepository, queue: SendJobQueue) -> None:
        self._jobs = jobs
        self._queue = queue

    def fire(self, time_left: Callable[[], bool] = lambda: True) -> int:
        """Post every job due by now to the fan-out worker (while `time_left()`); how many."""
        fired = 0
        for due_at, org_id, job_id in self._jobs.due(before=now_iso()):
            if not time_left():
                break
            self._queue.submit(SendJobTask(org_id=org_id, job_id=job_id))
            self._jobs.forget_due(due_at, org_id, job_id)
            logger.info("scheduled send job fired", extra={"job_id": job_id, "due_at": due_at})
            fired += 1
        return fired
