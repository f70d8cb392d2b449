"""The one HTTP adapter every send route shares: caller + controls -> send -> response."""

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response

from sendme.contracts.sending import DryRunResult, EnqueueResult, SendJobAccepted
from sendme.domain.audiences import Selection
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.edge.controls import send_controls
from sendme.edge.http import caller, json_response
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


def enqueue_response(result: EnqueueResult | DryRunResult) -> Response[SendJobAccepted | EnqueueResult | DryRunResult]:
    """201 when something was enqueued, 200 when nothing valid remained (the contract's rule);
    202 when a send job will enqueue; 200 for a dry run."""
    if isinstance(result, DryRunResult):
        return json_response(result)
    if isinstance(result, SendJobAccepted):
        return json_response(result, HTTPStatus.ACCEPTED)
    return json_response(result, HTTPStatus.CREATED if result.messages else HTTPStatus.OK)
