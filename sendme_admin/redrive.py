"""`sendme-admin redrive QUEUE`: move a dead-letter queue's messages back to the queue they came from.

Both dead-letter queues are drained by a function that ends what they hold FAILED (the delivery
one) or abandoned (the send-job one). During a provider or DynamoDB outage an operator may stop
that function's event source, wait for the outage to end, and redrive the queue instead: each
message gets its delivery (or its job run) tried again.

This is a receive / send / delete loop run from the operator's machine: moto, which the tests
and the local stack run on, has no StartMessageMoveTask. A message sent on but not deleted
(the loop stopped in between) is queued twice, which is harmless: a delivery claim is
conditional, and a send job resumes where it stopped.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

# Long enough for one batch to be sent on and deleted before anyone else may receive it.
_HOLD_SECONDS = 60


class RedriveError(Exception):
    """The queue cannot be redriven as asked: said in one line."""


def queue_url(sqs: "SQSClient", queue: str) -> str:
    """QUEUE as given: a queue URL, or a queue name (as the stack's outputs print them)."""
    if queue.startswith(("https://", "http://")):
        return queue
    try:
        return sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist as error:
        raise RedriveError(f"no queue named {queue}") from error


def source_of(sqs: "SQSClient", dead_letter_url: str) -> str:
    """The queue whose redrive policy names this dead-letter queue. The delivery and the priority
    queue share one, and feed the same worker: their entries go back to the first by name (the
    delivery queue, `<stack>-DeliveryQueue-...`), where the worker delivers them all the same."""
    sources = sorted(sqs.list_dead_letter_source_queues(QueueUrl=dead_letter_url).get("queueUrls", []))
    if not sources:
        raise RedriveError(f"{dead_letter_url} is the dead-letter queue of 0 queues")
    return sources[0]


def redrive(sqs: "SQSClient", dead_letter_url: str, target_url: str, progress: Callable[[int], object]) -> int:
    """Move every message from the dead-letter queue to `target_url`; returns how many moved."""
    moved = 0
    while messages := sqs.receive_message(
        QueueUrl=dead_letter_url,
        MaxNumberOfMessages=10,
        VisibilityTimeout=_HOLD_SECONDS,
        MessageAttributeNames=["All"],
    ).get("Messages", []):
        response = sqs.send_message_batch(
            QueueUrl=target_url,
            Entries=[
                {"Id": str(n), "MessageBody": m["Body"], "MessageAttributes": m.get("MessageAttributes", {})}
                for n, m in enumerate(messages)
            ],
        )
        sent = [messages[int(entry["Id"])] for entry in response.get("Successful", [])]
        if sent:
            sqs.delete_message_batch(
                QueueUrl=dead_letter_url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(sent)],
            )
        moved += len(sent)
        progress(len(sent))
        if failed := response.get("Failed", []):
            raise RedriveError(f"moved {moved}; SQS refused the next: {failed[0].get('Message', failed[0]['Code'])}")
    return moved
