"""The one HTTP adapter every send route shares: caller + controls -> send -> response."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from .api import caller, enqueue_response
from .audiences import Selection
from .controls import send_controls
from .models import DryRunResult, EmailRequest, EnqueueResult, SendJobAccepted, SmsRequest
from .wiring import sending_service

SendResponse = Response[SendJobAccepted | EnqueueResult | DryRunResult]


def send_and_respond(
    app: APIGatewayRestResolver, request: SmsRequest | EmailRequest, selection: Selection
) -> SendResponse:
    principal = caller(app)
    result = sending_service().send(principal.org_id, principal.terms_accepted, request, selection, send_controls(app))
    return enqueue_response(result)
