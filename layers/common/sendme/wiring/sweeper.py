"""The sweeper: expired leases -> re-driven or settled, and scheduled sends fired when due."""

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.queues import SendJobQueue
from sendme.services import sweeper as sweeping
from sendme.services.dispatch import Dispatcher
from sendme.services.schedules import DueJobs
from sendme.services.sweeper import RedrivePolicy, Sweeper
from sendme.storage.indexes import LeaseIndex
from sendme.wiring import cached
from sendme.wiring.messages import delivery_queue, messages, send_jobs, settlement


@cached
def sweeper() -> Sweeper:
    settings = get_settings()
    return Sweeper(
        LeaseIndex(aws.dynamodb().Table(settings.messages_table)),
        messages(),
        settlement(),
        Dispatcher(delivery_queue(), settlement(), source=sweeping.SOURCE),
        RedrivePolicy(lease_seconds=settings.delivery_requeue_seconds, max_redrives=settings.max_redrives),
        DueJobs(send_jobs(), SendJobQueue(aws.sqs(), settings.send_job_queue_url)),
    )
