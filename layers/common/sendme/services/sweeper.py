"""The sweeper: acts on messages whose lease expired, so none waits forever.

What it guarantees, and why it never causes a second send:

- QUEUED past its lease: no worker claimed it in time. Its queue entry may never have come (the
  send or the fan-out worker could not reach SQS, or died between the write and the queue), SQS
  may have lost or dropped it (retention), or it may simply still wait in a long queue. No
  provider has it, so the sweeper puts it on the queue again (re-drive) under a new lease,
  counting the re-drive on the message. A duplicate queue entry is harmless: the worker's claim
  is conditional, so the message is sent once whichever entry comes first. After
  `max_redrives` re-drives it ends FAILED with `QUEUE_REDRIVES_EXHAUSTED`, refunded.
- SENDING past its lease: the worker that claimed it is gone (the lease outlasts the worker's
  timeout), and it may have died before or after the provider accepted the message; SNS and
  SES offer no way to ask. Sending again could deliver it twice, so the sweeper never does:
  it ends the message FAILED with `DELIVERY_OUTCOME_UNKNOWN` and refunds it. The recipient may
  still have received it; the API says plainly that nobody knows, and a client may resend.

- SCHEDULED past its lease: it is due (its lease is the time it was scheduled for). The sweeper
  fires it: SCHEDULED -> QUEUED under the re-drive lease, then onto the queue. The move is
  conditional on the message being still SCHEDULED under that lease, so of two sweeps (or a
  sweep and a cancel) exactly one moves it, and it is queued by the one that did. A sweep that
  dies between the move and the queue leaves it QUEUED under its lease: re-driven later.
  Due scheduled send jobs are posted to the fan-out worker first (sendme.services.schedules).

Each re-drive and each settlement is conditional on the lease it read being still in place, so
a message that moved on (claimed, sent, or under a new lease) in the meantime is left alone.
A sweep stops early when its Lambda runs short of time; the next one goes on.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sendme.domain.clock import now_iso
from sendme.domain.leases import LEASE_UNTIL, ExpiredLease, lease_fields
from sendme.domain.messages import DeliveryTask, MessageStatus
from sendme.observability import logger, metrics
from sendme.outbound.queues import SQS_BATCH_LIMIT
from sendme.services.dispatch import Dispatcher
from sendme.services.schedules import DueJobs
from sendme.services.settlement import Settlement
from sendme.storage.indexes import LeaseIndex
from sendme.storage.messages import MessageRepository

SOURCE = "sweeper"


OUTCOME_UNKNOWN = "DELIVERY_OUTCOME_UNKNOWN"


REDRIVES_EXHAUSTED = "QUEUE_REDRIVES_EXHAUSTED"


_SETTLEMENTS = {
    MessageStatus.SENDING: (OUTCOME_UNKNOWN, "The delivery attempt stopped before its outcome was recorded"),
    MessageStatus.QUEUED: (REDRIVES_EXHAUSTED, "No delivery worker took the message after every re-drive"),
}


@dataclass(frozen=True)
class SweepResult:
    settled: int
    skipped: int
    redriven: int = 0
    # Leases whose re-drive or settlement raised (a throttled write): left for the next sweep.
    failed: int = 0
    # Scheduled messages moved to QUEUED, and scheduled send jobs posted to the fan-out worker.
    fired: int = 0
    jobs_fired: int = 0


@dataclass(frozen=True)
class RedrivePolicy:
    # The lease of a re-driven message: as long as SQS may take to offer it (settings).
    lease_seconds: int
    max_redrives: int
    # A sweep takes no further lease with less than this left of its Lambda's time.
    reserve_millis: int = 10_000


class Sweeper:
    def __init__(
        self,
        leases: LeaseIndex,
        messages: MessageRepository,
        settlement: Settlement,
        dispatcher: Dispatcher,
        policy: RedrivePolicy,
        due_jobs: DueJobs | None = None,
    ) -> None:
        self._due_jobs = due_jobs
        self._leases = leases
        self._messages = messages
        self._settlement = settlement
        self._dispatcher = dispatcher
        self._policy = policy

    def sweep(self, remaining_millis: Callable[[], int] | None = None) -> SweepResult:
        settled = skipped = redriven = failed = fired = 0

        def time_left() -> bool:
            return remaining_millis is None or remaining_millis() >= self._policy.reserve_millis

        jobs_fired = self._due_jobs.fire(time_left) if self._due_jobs else 0
        pending: list[DeliveryTask] = []
        for lease in self._leases.expired(before=now_iso()):
            if not time_left():
                break
            try:
                if lease.status is MessageStatus.SCHEDULED:
                    if self._fire(lease):
                        pending.append(DeliveryTask(org_id=lease.org_id, message_id=lease.message_id))
                        fired += 1
                    else:
                        skipped += 1
                elif lease.status is MessageStatus.QUEUED and self._redrive(lease):
                    pending.append(DeliveryTask(org_id=lease.org_id, message_id=lease.message_id))
                    redriven += 1
                elif self._settle(lease):
                    settled += 1
                else:
                    skipped += 1
            except Exception:
                # One message's write failing (throttled past the SDK's retries) must not stop the
                # sweep for every lease after it: its lease is still expired, the next sweep retries.
                logger.exception("sweep of one lease failed", extra={"message_id": lease.message_id})
                failed += 1
            # Queued batch by batch: a sweep cut short leaves few renewed leases without an entry.
            if len(pending) == SQS_BATCH_LIMIT:
                self._dispatcher.dispatch(pending)
                pending = []
        if pending:
            self._dispatcher.dispatch(pending)
        metrics.add_metric(name="MessagesRedriven", unit="Count", value=redriven)
        metrics.add_metric(name="SweepFailures", unit="Count", value=failed)
        metrics.add_metric(name="ScheduledMessagesFired", unit="Count", value=fired)
        return SweepResult(settled, skipped, redriven, failed, fired, jobs_fired)

    def _fire(self, lease: ExpiredLease) -> bool:
        fired = self._messages.transition(
            lease.org_id,
            lease.message_id,
            MessageStatus.QUEUED,
            source=SOURCE,
            detail="SCHEDULE_DUE",
            only_from=[MessageStatus.SCHEDULED],
            expect={LEASE_UNTIL: lease.lease_until},
            fields=lease_fields(lease.message_id, self._policy.lease_seconds),
        )
        return fired is not None

    def _redrive(self, lease: ExpiredLease) -> bool:
        return self._messages.redrive(
            lease.org_id,
            lease.message_id,
            held=lease.lease_until,
            seconds=self._policy.lease_seconds,
            max_redrives=self._policy.max_redrives,
        )

    def _settle(self, lease: ExpiredLease) -> bool:
        code, reason = _SETTLEMENTS.get(lease.status, ("", ""))
        if not code:
            return False
        failed = self._settlement.fail(
            lease.org_id,
            lease.message_id,
            code=code,
            reason=reason,
            source=SOURCE,
            only_from=[lease.status],
            expect={LEASE_UNTIL: lease.lease_until},
        )
        return failed is not None
