"""POST /api/messages/email/{contacts,all,tags}: persist, enqueue, return the enqueue summary."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.send_requests import EmailAllRequest, EmailContactsRequest, EmailTagsRequest
from sendme.domain.audiences import AudienceSelector, NamedRecipients
from sendme.edge.http import build_resolver, entrypoint
from sendme.edge.send import SendResponse, send_and_respond
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.sending import sending_service

app = build_resolver()


@app.post("/api/messages/email/contacts")
def to_addresses(request: Annotated[EmailContactsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, NamedRecipients(request.contacts))


# The overview's example posts here: an alias of /email/contacts, kept for clients that copied it.
@app.post("/api/messages/send/email", deprecated=True)
def to_addresses_by_old_path(request: Annotated[EmailContactsRequest, Body()]) -> SendResponse:
    return to_addresses(request)


@app.post("/api/messages/email/all")
def to_all(request: Annotated[EmailAllRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, AudienceSelector())


@app.post("/api/messages/email/tags")
def to_tags(request: Annotated[EmailTagsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, AudienceSelector(tags=request.tags))


lambda_handler = entrypoint(app, request_guard, cors_policy)
