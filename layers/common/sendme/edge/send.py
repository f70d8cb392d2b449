"""The one HTTP adapter every send route shares: caller + controls -> send -> response."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from sendme.contracts.sending import DryRunResult, EnqueueResult, SendJobAccepted
from sendme.domain.audiences import Selection
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.edge.controls import send_controls
from sendme.edge.http import caller, enqueue_response
from sendme.services.sending import SendingService

SendResponse = Response[SendJobAccepted | EnqueueResult | DryRunResult]


def send_and_respond(
    app: APIGatewayRestResolver, service: SendingService, request: SmsRequest | EmailRequest, selection: Selection
) -> SendResponse:
    principal = caller(app)
    result = service.send(
        principal.org_id, principal.terms_accepted, request, selection, send_controls(app), principal.country
    )
    return enqueue_response(result)
