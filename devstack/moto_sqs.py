"""Makes moto's SQS ReceiveMessage cost one cheap pass over the queue, as a receive should.

moto (5.2) checks each message it returns against the queue's retention period by computing
every attribute of the queue, ApproximateNumberOfMessages included, three times: each a pass
over the whole queue. And each pass reads the clock twice per message it looks at. A receive
of 10 from a queue of 10,000 took seconds, so draining a deep queue took time quadratic in its
depth. Here the retention check reads the one attribute it needs, and a pass over the queue
reads the clock once; what they decide is moto's own. Local stack and tests only.
"""

from typing import Any

from moto.core.utils import unix_time, unix_time_millis
from moto.sqs.models import Queue, SQSBackend


def _is_message_valid_based_on_retention_period(self: SQSBackend, queue_name: str, message: Any) -> bool:
    retention_period = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return bool(retention_period + message.sent_timestamp / 1000 > unix_time())


def _visible_messages(self: Queue) -> list[Any]:
    now = unix_time_millis()
    return [message for message in self._messages if message.visible_at < now and message.delayed_until <= now]


def install() -> None:
    SQSBackend.is_message_valid_based_on_retention_period = _is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    Queue.messages = property(_visible_messages)  # type: ignore[method-assign,assignment]
