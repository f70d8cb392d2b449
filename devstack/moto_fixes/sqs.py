"""Makes moto's SQS ReceiveMessage and DeleteMessage cost one cheap pass over the queue.

moto (5.2) checks each message it returns against the queue's retention period by computing
every attribute of the queue, ApproximateNumberOfMessages included, three times: each a pass
over the whole queue. Each pass reads the clock twice per message it looks at, and a delete
makes two passes that list every message's receipt handles. A receive of 10 from a queue of
10,000 took seconds, so draining a deep queue took time quadratic in its depth. Here the
retention check reads the one attribute it needs, a pass reads the clock once, and a delete
stops at its message; what they decide is moto's own. Local stack and tests only.
"""

from typing import Any

from moto.core.utils import unix_time, unix_time_millis
from moto.sqs.exceptions import ReceiptHandleIsInvalid
from moto.sqs.models import Queue, SQSBackend


def _is_message_valid_based_on_retention_period(self: SQSBackend, queue_name: str, message: Any) -> bool:
    retention_period = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return bool(retention_period + message.sent_timestamp / 1000 > unix_time())


def _visible_messages(self: Queue) -> list[Any]:
    now = unix_time_millis()
    return [message for message in self._messages if message.visible_at < now and message.delayed_until <= now]


def _delete_message(self: Queue, receipt_handle: str) -> None:
    if receipt_handle in self.deleted_messages:
        return  # deleting it again is fine, as in SQS
    found = next((message for message in self._messages if message.had_receipt_handle(receipt_handle)), None)
    if found is None:
        raise ReceiptHandleIsInvalid()
    self.pending_messages.discard(found)
    self.deleted_messages.update(found.all_receipt_handles)  # type: ignore[arg-type]
    self._messages = [message for message in self._messages if message is not found]


def install() -> None:
    SQSBackend.is_message_valid_based_on_retention_period = _is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    Queue.messages = property(_visible_messages)  # type: ignore[method-assign,assignment]
    Queue.delete_message = _delete_message  # type: ignore[method-assign]
