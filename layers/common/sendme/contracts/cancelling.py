"""The cancel routes' answers."""

from sendme.contracts.send_jobs import SendJobView
from sendme.domain.base import CamelModel
from sendme.domain.messages import MessageStatus


class MessageCanceled(CamelModel):
    """POST /api/messages/{id}/cancel: the message is CANCELED and its credits were given back."""

    id: str
    status: MessageStatus
    # The credits its cancellation gave back (the same on every call: it is refunded once).
    refunded: int


class QueueCanceled(CamelModel):
    """POST /api/messages/queues/{queueId}/cancel: what became of the send's messages."""

    queue_id: str
    # Messages of the queue that are CANCELED (by this call or an earlier one).
    canceled: int
    # The credits given back for them, and for a scheduled send job's prepayment.
    refunded: int
    # Messages past the point of cancelling (SENDING or later), counted by status.
    not_canceled: dict[MessageStatus, int]
    # False when the call stopped before the end of a large send: call again to go on.
    complete: bool = True
    # The send job of an /all or /tags send, as the cancel left it.
    job: SendJobView | None = None
