"""POST /api/messages/sms/{contacts,all,tags}: persist, enqueue, return the enqueue summary."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.send_requests import SmsAllRequest, SmsContactsRequest, SmsTagsRequest
from sendme.domain.audiences import AudienceSelector, NamedRecipients
from sendme.edge.http import build_resolver, entrypoint
from sendme.edge.send import SendResponse, send_and_respond
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.sending import sending_service

app = build_resolver()


@app.post("/api/messages/sms/contacts")
def to_numbers(request: Annotated[SmsContactsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, NamedRecipients(request.contacts, request.country))


@app.post("/api/messages/sms/all")
def to_all(request: Annotated[SmsAllRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, AudienceSelector())


@app.post("/api/messages/sms/tags")
def to_tags(request: Annotated[SmsTagsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, sending_service(), request, AudienceSelector(tags=request.tags))


lambda_handler = entrypoint(app, request_guard, cors_policy)
