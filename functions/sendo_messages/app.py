"""GET /v1/message/list: Sendo's list of messages, over ours, so a client written for Sendo works
here with our API key as its Bearer token. Its errors are in Sendo's shape (`{"error": ...}`)."""

from aws_lambda_powertools.event_handler import Response

from sendme.contracts.sendo import SendoMessages, SendoQuery, sendo_error_body
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.sendo import sendo_listing

app = build_resolver(sendo_error_body)


@app.get("/v1/message/list")
def list_messages() -> Response[SendoMessages]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = SendoQuery.model_validate(app.current_event.query_string_parameters or {})
    principal = caller(app)
    return json_response(sendo_listing().messages(principal.org_id, query, principal.country))


lambda_handler = entrypoint(app, request_guard, cors_policy)
