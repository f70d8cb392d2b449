"""REQUEST authorizer: `api-key` or `Authorization: Bearer` -> the key's organisation."""

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.domain.errors import CredentialsInvalidError
from sendme.edge.auth import authorizer_context, presented_api_key
from sendme.observability import logger
from sendme.wiring.accounts import account_service


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    try:
        principal = account_service().authenticate(presented_api_key(request.headers))
    except CredentialsInvalidError:
        # This exact message is API Gateway's signal for 401 (the UNAUTHORIZED gateway response).
        raise Exception("Unauthorized") from None  # noqa: TRY002
    arn = request.parsed_arn
    policy = APIGatewayAuthorizerResponse(
        principal_id=principal.org_id,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context=authorizer_context(principal),
    )
    policy.allow_all_routes()
    return policy.asdict()
