"""POST /api/messages/email/{contacts,all,tags}: persist, enqueue, return the enqueue summary."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.api import build_resolver, caller, enqueue_response, entrypoint
from sendme.errors import FeatureNotAvailableError
from sendme.models import EmailContactsRequest, EmailRequest, EmailTagsRequest, EnqueueResult
from sendme.sending import email_audience
from sendme.wiring import sending_service

app = build_resolver()


@app.post("/api/messages/email/contacts")
def to_addresses(request: Annotated[EmailContactsRequest, Body()]) -> Response[EnqueueResult]:
    return enqueue_response(sending_service().send_email(caller(app), request, email_audience(request.contacts)))


@app.post("/api/messages/email/all")
def to_all(request: Annotated[EmailRequest, Body()]) -> Response[EnqueueResult]:
    raise FeatureNotAvailableError("sending to an audience (all contacts or tags) is not available yet")


@app.post("/api/messages/email/tags")
def to_tags(request: Annotated[EmailTagsRequest, Body()]) -> Response[EnqueueResult]:
    raise FeatureNotAvailableError("sending to an audience (all contacts or tags) is not available yet")


lambda_handler = entrypoint(app)
