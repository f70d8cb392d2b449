"""POST /api/messages/email/{contacts,all,tags}: persist, enqueue, return the enqueue summary."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.api import build_resolver, entrypoint
from sendme.audiences import email_audience
from sendme.models import (
    AudienceSelector,
    EmailContactsRequest,
    EmailRequest,
    EmailTagsRequest,
)
from sendme.send_api import SendResponse, send_and_respond

app = build_resolver()


@app.post("/api/messages/email/contacts")
def to_addresses(request: Annotated[EmailContactsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, request, email_audience(request.contacts))


@app.post("/api/messages/email/all")
def to_all(request: Annotated[EmailRequest, Body()]) -> SendResponse:
    return send_and_respond(app, request, AudienceSelector())


@app.post("/api/messages/email/tags")
def to_tags(request: Annotated[EmailTagsRequest, Body()]) -> SendResponse:
    return send_and_respond(app, request, AudienceSelector(tags=request.tags))


lambda_handler = entrypoint(app)
