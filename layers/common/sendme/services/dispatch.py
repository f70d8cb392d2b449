"""Handing stored messages to the delivery queue, for the send, the fan-out worker and the sweeper.

Every message handed here is already stored QUEUED under a lease (sendme.storage.messages), so
what does not reach the queue is not lost:

- An entry SQS refuses as malformed (a sender fault) would be refused on every try: its message
  ends FAILED (`ENQUEUE_FAILED`) and is refunded at once, rather than re-driven to the same
  refusal until the sweeper gives up.
- An entry SQS could not take (unreachable, throttled past the client's retries, still failing
  after ours) is left to its lease: the sweeper puts it on the queue again. The caller goes on
  as if it were queued; the error is logged and counted (`EnqueueDeferred`).
"""

from collections.abc import Sequence

from sendme.domain.messages import DeliveryTask
from sendme.observability import logger, metrics
from sendme.outbound.queues import DeliveryQueue
from sendme.services.settlement import Settlement

ENQUEUE_FAILED = "ENQUEUE_FAILED"


class Dispatcher:
    def __init__(self, queue: DeliveryQueue, settlement: Settlement, *, source: str) -> None:
        self._queue = queue
        self._settlement = settlement
        self._source = source

    def dispatch(self, tasks: Sequence[DeliveryTask]) -> int:
        """Queue the tasks' messages; returns how many are queued or left to be re-driven."""
        report = self._queue.enqueue(tasks)
        for task in report.refused:
            self._settlement.fail(
                task.org_id,
                task.message_id,
                code=ENQUEUE_FAILED,
                reason="the delivery queue refused the message",
                source=self._source,
            )
        if report.unconfirmed:
            metrics.add_metric(name="EnqueueDeferred", unit="Count", value=len(report.unconfirmed))
            logger.error(
                "delivery queue unavailable: the messages stay stored under their lease, for the sweeper",
                extra={"unconfirmed": len(report.unconfirmed), "error": report.error},
            )
        return len(tasks) - len(report.refused)
