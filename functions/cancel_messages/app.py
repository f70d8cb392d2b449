"""POST /api/messages/{id}/cancel and POST /api/messages/queues/{queueId}/cancel, for the caller's org."""

from aws_lambda_powertools.event_handler import Response

from sendme.contracts.cancelling import MessageCanceled, QueueCanceled
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.cancelling import cancellation

app = build_resolver()


@app.post("/api/messages/<message_id>/cancel")
def cancel_message(message_id: str) -> Response[MessageCanceled]:
    return json_response(cancellation().cancel_message(caller(app).org_id, message_id))


@app.post("/api/messages/queues/<queue_id>/cancel")
def cancel_queue(queue_id: str) -> Response[QueueCanceled]:
    return json_response(cancellation().cancel_queue(caller(app).org_id, queue_id))


lambda_handler = entrypoint(app, request_guard, cors_policy)
