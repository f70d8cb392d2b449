"""GET /api/suppressions (paginated) and DELETE /api/suppressions/{recipient}, for the caller's org."""

from http import HTTPStatus
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import Response

from sendme.contracts.suppressions import SuppressionPage, SuppressionQuery
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.contacts import suppression_service

app = build_resolver()


@app.get("/api/suppressions")
def list_suppressions() -> Response[SuppressionPage]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = SuppressionQuery.model_validate(app.current_event.query_string_parameters or {})
    return json_response(suppression_service().list(caller(app).org_id, query))


@app.delete("/api/suppressions/<recipient>")
def delete_suppression(recipient: str) -> Response[None]:
    # "+573001234567" arrives percent-encoded ("%2B57..."); an email's "@" may too.
    suppression_service().remove(caller(app), unquote(recipient))
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


lambda_handler = entrypoint(app, request_guard, cors_policy)
