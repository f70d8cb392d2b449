"""The SQS queues the API posts to: delivery tasks and send jobs."""

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sendme.domain.messages import DeliveryTask
from sendme.domain.send_jobs import SendJobTask

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


SQS_BATCH_LIMIT = 10


class DeliveryQueue:
    def __init__(self, client: "SQSClient", queue_url: str, *, attempts: int = 4, backoff_seconds: float = 0.05):
        self._client = client
        self._queue_url = queue_url
        self._attempts = attempts
        self._backoff_seconds = backoff_seconds

    def enqueue(self, tasks: Sequence[DeliveryTask]) -> list[DeliveryTask]:
        """Send every task; returns those SQS still refused after retrying (normally none)."""
        refused: list[DeliveryTask] = []
        for start in range(0, len(tasks), SQS_BATCH_LIMIT):
            refused.extend(self._send_batch(tasks[start : start + SQS_BATCH_LIMIT]))
        return refused

    def _send_batch(self, batch: Sequence[DeliveryTask]) -> list[DeliveryTask]:
        pending = {str(position): task for position, task in enumerate(batch)}
        hopeless: list[DeliveryTask] = []
        for attempt in range(self._attempts):
            response = self._client.send_message_batch(
                QueueUrl=self._queue_url,
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
        return hopeless + list(pending.values())


class SendJobQueue:
    def __init__(self, client: "SQSClient", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def submit(self, task: SendJobTask) -> None:
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=task.model_dump_json(by_alias=True))
