"""/api/contacts: create, get, list (by tag and status), update, delete, and bulk import."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.contacts import ContactPage, ContactPatch, ContactQuery, ImportOptions, ImportReport
from sendme.domain.contacts import Contact, ContactInput
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.contacts import contact_importer, contact_service

app = build_resolver()


@app.post("/api/contacts")
def create(request: Annotated[ContactInput, Body()]) -> Response[Contact]:
    return json_response(contact_service().create(caller(app), request), HTTPStatus.CREATED)


@app.get("/api/contacts")
def list_contacts() -> Response[ContactPage]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = ContactQuery.model_validate(app.current_event.query_string_parameters or {})
    return json_response(contact_service().list(caller(app).org_id, query))


@app.get("/api/contacts/<contact_id>")
def get(contact_id: str) -> Response[Contact]:
    return json_response(contact_service().get(caller(app).org_id, contact_id))


@app.patch("/api/contacts/<contact_id>")
def update(contact_id: str, request: Annotated[ContactPatch, Body()]) -> Response[Contact]:
    return json_response(contact_service().update(caller(app), contact_id, request))


@app.delete("/api/contacts/<contact_id>")
def delete(contact_id: str) -> Response[None]:
    contact_service().delete(caller(app).org_id, contact_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


@app.post("/api/contacts/import")
def import_contacts() -> Response[ImportReport]:
    event = app.current_event
    report = contact_importer().import_body(
        caller(app),
        event.body,
        ImportOptions.model_validate(event.query_string_parameters or {}),
        base64_encoded=bool(event.is_base64_encoded),
        content_type=event.headers.get("content-type"),
        remaining_millis=app.lambda_context.get_remaining_time_in_millis,
    )
    return json_response(report)


lambda_handler = entrypoint(app, request_guard, cors_policy)
