"""POST /api/messages/sms/{contacts,all,tags}: persist, enqueue, return the enqueue summary."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.api import build_resolver, caller, enqueue_response, entrypoint
from sendme.errors import FeatureNotAvailableError
from sendme.models import EnqueueResult, SmsContactsRequest, SmsRequest, SmsTagsRequest
from sendme.sending import phone_audience
from sendme.wiring import sending_service

app = build_resolver()


@app.post("/api/messages/sms/contacts")
def to_numbers(request: Annotated[SmsContactsRequest, Body()]) -> Response[EnqueueResult]:
    return enqueue_response(
        sending_service().send_sms(caller(app), request, phone_audience(request.contacts, request.country))
    )


@app.post("/api/messages/sms/all")
def to_all(request: Annotated[SmsRequest, Body()]) -> Response[EnqueueResult]:
    raise FeatureNotAvailableError("sending to an audience (all contacts or tags) is not available yet")


@app.post("/api/messages/sms/tags")
def to_tags(request: Annotated[SmsTagsRequest, Body()]) -> Response[EnqueueResult]:
    raise FeatureNotAvailableError("sending to an audience (all contacts or tags) is not available yet")


lambda_handler = entrypoint(app)
