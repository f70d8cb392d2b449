"""The SQS queues the API posts to: delivery tasks and send jobs."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from sendme.domain.messages import DeliveryTask

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    # An annotation only: the delivery queue's users (the worker, the sweeper) never load the
    # rules of send jobs, and with them the recipient libraries.
    from sendme.domain.send_jobs import SendJobTask


SQS_BATCH_LIMIT = 10


@dataclass(frozen=True)
class EnqueueReport:
    """What did not reach the queue, and why."""

    # SQS refused them as malformed (a sender fault): they would be refused again.
    refused: list[DeliveryTask] = field(default_factory=list)
    # Not known to be queued: SQS kept failing them or could not be reached.
    unconfirmed: list[DeliveryTask] = field(default_factory=list)
    # What SQS raised, if it did (the tasks from that batch on are all unconfirmed).
    error: str | None = None


class DeliveryQueue:
    """The delivery queue, and beside it the priority queue urgent tasks (OTP) take: the worker
    reads both, the priority one with capacity of its own (template.yaml), so an OTP code never
    waits behind its organisation's campaigns. Without a priority queue, all go on the one."""

    def __init__(
        self,
        client: "SQSClient",
        queue_url: str,
        *,
        priority_queue_url: str = "",
        attempts: int = 4,
        backoff_seconds: float = 0.05,
    ):
        self._client = client
        self._queue_url = queue_url
        self._priority_queue_url = priority_queue_url or queue_url
        self._attempts = attempts
        self._backoff_seconds = backoff_seconds

    def enqueue(self, tasks: Sequence[DeliveryTask]) -> EnqueueReport:
        """Send every task, 10 per SendMessageBatch, urgent ones first; never raises for SQS's sake.

        Once a call raises (SQS unreachable, throttled past the client's retries), the remaining
        batches are not tried: SQS is down, and each call would only wait out its timeouts.
        """
        urgent = [task for task in tasks if task.urgent]
        other = [task for task in tasks if not task.urgent]
        batches = [(self._priority_queue_url, batch) for batch in _batches(urgent)]
        batches += [(self._queue_url, batch) for batch in _batches(other)]
        refused: list[DeliveryTask] = []
        unconfirmed: list[DeliveryTask] = []
        for position, (url, batch) in enumerate(batches):
            try:
                hopeless, pending = self._send_batch(url, batch)
            except (ClientError, BotoCoreError) as error:
                rest = [task for _, later in batches[position:] for task in later]
                return EnqueueReport(refused, unconfirmed + rest, f"{type(error).__name__}: {error}")
            refused += hopeless
            unconfirmed += pending
        return EnqueueReport(refused, unconfirmed)

    def _send_batch(self, url: str, batch: Sequence[DeliveryTask]) -> tuple[list[DeliveryTask], list[DeliveryTask]]:
        """(sender faults, entries still failing after the retries)"""
        pending = {str(position): task for position, task in enumerate(batch)}
        hopeless: list[DeliveryTask] = []
        for attempt in range(self._attempts):
            response = self._client.send_message_batch(
                QueueUrl=url,
                # The organisation as message group makes the standard queue an SQS fair queue: one
                # tenant's 100,000-message campaign does not hold back another tenant's messages.
                Entries=[
                    {"Id": entry_id, "MessageBody": task.model_dump_json(by_alias=True), "MessageGroupId": task.org_id}
                    for entry_id, task in pending.items()
                ],
            )
            failed = response.get("Failed", [])
            # A sender fault (a malformed entry) fails the same way again: retry only the others.
            hopeless.extend(pending[f["Id"]] for f in failed if f.get("SenderFault"))
            pending = {f["Id"]: pending[f["Id"]] for f in failed if not f.get("SenderFault")}
            if not pending:
                break
            time.sleep(self._backoff_seconds * 2**attempt)
        return hopeless, list(pending.values())


def _batches(tasks: list[DeliveryTask]) -> list[list[DeliveryTask]]:
    return [tasks[start : start + SQS_BATCH_LIMIT] for start in range(0, len(tasks), SQS_BATCH_LIMIT)]


class SendJobQueue:
    def __init__(self, client: "SQSClient", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def submit(self, task: "SendJobTask") -> None:
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=task.model_dump_json(by_alias=True))
