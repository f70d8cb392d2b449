"""Drains an SQS queue into a function as Lambda's SQS event source mapping does.

Batches of up to BatchSize records; with ReportBatchItemFailures only the reported records
stay on the queue (their visibility timeout expires and SQS offers them again, moving them to
the dead-letter queue after maxReceiveCount); a crashed invocation leaves the whole batch.
"""

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .provision import ACCOUNT_ID
from .topics import sns_subscriber

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

logger = logging.getLogger(__name__)


def sqs_event(messages: "list[MessageTypeDef]", queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class QueuePoller(threading.Thread):
    def __init__(
        self,
        client: "SQSClient",
        queue_url: str,
        batch_size: int,
        invoke: Callable[[dict[str, Any]], Any],
        *,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(name=f"poller-{queue_url.rsplit('/', 1)[-1]}", daemon=True)
        self._client = client
        self._queue_url = queue_url
        self._batch_size = batch_size
        self._invoke = invoke
        # None keeps the queue's own visibility timeout, as Lambda does; the local stack may
        # shorten it so retries show up in seconds rather than minutes.
        self._retry_after = retry_after_seconds
        self._stopping = threading.Event()
        name = queue_url.rsplit("/", 1)[-1]
        self._queue_arn = f"arn:aws:sqs:{client.meta.region_name}:{ACCOUNT_ID}:{name}"

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception as error:
                # Lambda's pollers outlive a queue that is briefly unreachable (or deleted and
                # recreated); so does this one, retrying after a pause.
                logger.warning("polling %s failed (%s); retrying", self.name, error)
                self._stopping.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive and process one batch; returns how many records it held."""
        messages = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._invoke(sqs_event(messages, self._queue_arn, self._client.meta.region_name))
            failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        except Exception:
            failed = {message["MessageId"] for message in messages}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._client.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if self._retry_after is not None:
            for message in messages:
                if message["MessageId"] in failed:
                    self._client.change_message_visibility(
                        QueueUrl=self._queue_url,
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self._retry_after,
                    )
        return len(messages)


def topic_poller(
    sqs: "SQSClient", queue_url: str, invoke: Callable[[dict[str, Any]], Any], *, retry_after_seconds: int | None = None
) -> QueuePoller:
    """A function's topic subscription as the local stack runs it: its bridge queue drained into
    the function 10 records at a time, each batch as the SNS event Lambda would give it."""
    return QueuePoller(sqs, queue_url, 10, sns_subscriber(invoke), retry_after_seconds=retry_after_seconds)
