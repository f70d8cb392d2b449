"""POST /api/messages/{id}/cancel and POST /api/messages/queues/{queueId}/cancel."""

from sendme.services.cancelling import Cancellation
from sendme.wiring import cached
from sendme.wiring.messages import messages, send_jobs


@cached
def cancellation() -> Cancellation:
    return Cancellation(messages(), send_jobs())
