"""GET /api/messages (paginated, filtered), GET /api/messages/{id}, and the caller's account and
activity (GET /api/account, GET /api/activity): the read side of the API."""

from aws_lambda_powertools.event_handler import Response

from sendme.contracts.account import AccountView, Activity, ActivityQuery
from sendme.contracts.messages import MessageDetail, MessagePage, MessageQuery
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import account_service, request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.listing import activity_report, listing_service

app = build_resolver()


@app.get("/api/messages")
def list_messages() -> Response[MessagePage]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = MessageQuery.from_parameters(app.current_event.query_string_parameters)
    principal = caller(app)
    return json_response(listing_service().list_messages(principal.org_id, query, principal.country))


@app.get("/api/messages/<message_id>")
def get_message(message_id: str) -> Response[MessageDetail]:
    return json_response(listing_service().get_message(caller(app).org_id, message_id))


@app.get("/api/account")
def get_account() -> Response[AccountView]:
    return json_response(account_service().account(caller(app).org_id))


@app.get("/api/activity")
def get_activity() -> Response[Activity]:
    query = ActivityQuery.model_validate(app.current_event.query_string_parameters or {})
    return json_response(activity_report().last_days(caller(app).org_id, query.days))


lambda_handler = entrypoint(app, request_guard, cors_policy)
