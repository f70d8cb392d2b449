"""REQUEST authorizer: `api-key` or `Authorization: Bearer` -> the key's organisation.

An unknown or missing key gets a Deny policy whose context carries the 401's texts in the
caller's language (API Gateway's "Unauthorized" exception could only carry a fixed body)."""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.domain.errors import CredentialsInvalidError
from sendme.edge.auth import authorizer_context, presented_api_key, refusal_context
from sendme.observability import logger
from sendme.wiring.accounts import account_service


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    try:
        principal = account_service().authenticate(presented_api_key(request.headers))
    except CredentialsInvalidError:
        refusal = _policy(request, "anonymous", refusal_context(request.headers))
        refusal.deny_all_routes()
        return refusal.asdict()
    policy = _policy(request, principal.org_id, authorizer_context(principal))
    policy.allow_all_routes()
    return policy.asdict()


def _policy(
    request: APIGatewayAuthorizerRequestEvent, principal_id: str, context: dict[str, str]
) -> APIGatewayAuthorizerResponse:
    arn = request.parsed_arn
    return APIGatewayAuthorizerResponse(
        principal_id=principal_id,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context=context,
    )
