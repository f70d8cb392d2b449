"""The dead-letter queue: a message SQS gave up on ends FAILED with a reason, refunded.

Only a QUEUED message is failed here. One that is SENDING belongs to a worker (or, if that
worker died, to the sweeper once its lease expires); one already SENT or further on was
delivered by another copy of its queue message, and is left as it is.
"""

from sendme.domain.messages import DeliveryTask, MessageStatus
from sendme.services.settlement import Settlement

SOURCE = "dead-letter"


RETRIES_EXHAUSTED = "DELIVERY_RETRIES_EXHAUSTED"


class DeadLetterService:
    def __init__(self, settlement: Settlement) -> None:
        self._settlement = settlement

    def settle(self, task: DeliveryTask) -> bool:
        """Fail the message if it still waits in the queue; True if this call failed it."""
        failed = self._settlement.fail(
            task.org_id,
            task.message_id,
            code=RETRIES_EXHAUSTED,
            reason="The provider stayed unavailable through every delivery attempt",
            source=SOURCE,
            only_from=[MessageStatus.QUEUED],
        )
        return failed is not None
