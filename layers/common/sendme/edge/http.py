"""The HTTP edge shared by every API function: the resolver and the one error -> response map."""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from sendme.contracts.errors import ErrorBody
from sendme.contracts.routes import allowed_methods, query_names
from sendme.domain.accounts import Principal
from sendme.domain.base import CamelModel
from sendme.domain.errors import (
    ApiKeyNotFoundError,
    CampaignNotFoundError,
    ContactConflictError,
    ContactNotFoundError,
    CredentialsInvalidError,
    CreditsInsufficientError,
    DispatchRefusedError,
    EmailSuspendedError,
    FeatureNotAvailableError,
    IdempotencyKeyInProgressError,
    IdempotencyKeyReusedError,
    ImportFileInvalidError,
    MediaTypeUnsupportedError,
    MessageNotCancelableError,
    MessageNotFoundError,
    MessagesNotStoredError,
    NumberTakenError,
    OrganizationNotFoundError,
    OrganizationSuspendedError,
    RateLimitExceededError,
    RecipientsInvalidError,
    RequestInvalidError,
    SendMeError,
    SuppressionNotFoundError,
    TemplateNotFoundError,
    TermsNotAcceptedError,
    WebhookDeliveryNotFoundError,
    WebhookDeliveryNotRetryableError,
    WebhookNotFoundError,
)
from sendme.edge.auth import presented_api_key
from sendme.edge.body import read_bodies_as_json
from sendme.edge.cors import CorsPolicy
from sendme.edge.language import Language, language_of, reason, translated
from sendme.observability import capture_lambda_handler, logger, metrics
from sendme.services.limits import Admission, RequestGuard

# The one table from domain error to HTTP status and the "error" title of the JSON body.
ERROR_RESPONSES: dict[type[SendMeError], tuple[HTTPStatus, str]] = {
    RequestInvalidError: (HTTPStatus.BAD_REQUEST, "Invalid parameters"),
    MediaTypeUnsupportedError: (HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    CredentialsInvalidError: (HTTPStatus.UNAUTHORIZED, "Unauthorized"),
    CreditsInsufficientError: (HTTPStatus.PAYMENT_REQUIRED, "Insufficient credits"),
    TermsNotAcceptedError: (HTTPStatus.FORBIDDEN, "Terms not accepted"),
    OrganizationNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    MessageNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    ContactNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    ApiKeyNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    WebhookNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    WebhookDeliveryNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    WebhookDeliveryNotRetryableError: (HTTPStatus.CONFLICT, "Conflict"),
    TemplateNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    CampaignNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    SuppressionNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    NumberTakenError: (HTTPStatus.CONFLICT, "Conflict"),
    ContactConflictError: (HTTPStatus.CONFLICT, "Conflict"),
    MessageNotCancelableError: (HTTPStatus.CONFLICT, "Conflict"),
    ImportFileInvalidError: (HTTPStatus.BAD_REQUEST, "Invalid parameters"),
    RecipientsInvalidError: (HTTPStatus.BAD_REQUEST, "Invalid parameters"),
    IdempotencyKeyReusedError: (HTTPStatus.UNPROCESSABLE_ENTITY, "Idempotency key reused"),
    DispatchRefusedError: (HTTPStatus.UNPROCESSABLE_ENTITY, "Not dispatched"),
    IdempotencyKeyInProgressError: (HTTPStatus.CONFLICT, "Idempotency key in progress"),
    FeatureNotAvailableError: (HTTPStatus.NOT_IMPLEMENTED, "Not implemented"),
    # DynamoDB throttled the write even after retries: nothing was charged, retrying is safe.
    MessagesNotStoredError: (HTTPStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    OrganizationSuspendedError: (HTTPStatus.FORBIDDEN, "Forbidden"),
    EmailSuspendedError: (HTTPStatus.FORBIDDEN, "Forbidden"),
    RateLimitExceededError: (HTTPStatus.TOO_MANY_REQUESTS, "Too many requests"),
}


# How a resolver writes an error's body from its title, message and extra keys: ours
# (`our_error_body`), or a peer dialect's (sendme.contracts.sendo). The status is the table's.
type ErrorShape = Callable[[str, str, dict[str, Any]], dict[str, Any]]


def our_error_body(title: str, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    return ErrorBody(error=title, message=message, **extra).model_dump(exclude_none=True)


def error_response(
    status: HTTPStatus,
    title: str,
    message: str,
    language: Language = Language.ENGLISH,
    shape: ErrorShape = our_error_body,
    /,
    **extra: Any,
) -> Response[dict[str, Any]]:
    """The error body, its title and message in the caller's language (same keys in every one).
    Positional-only, so an error may add any key, even `status` (a 409 naming a message's)."""
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=shape(translated(title, language), translated(message, language), extra),
    )


def _status_of(error: SendMeError) -> tuple[HTTPStatus, str]:
    for cls in type(error).__mro__:
        if cls in ERROR_RESPONSES:
            return ERROR_RESPONSES[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR, "Internal error"


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    # Powertools prefixes "body"/"query"; pydantic adds list positions as integers.
    parts = [part for part in location if part not in ("body", "query")]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _invalid(errors: list[dict[str, Any]] | Any, language: Language, shape: ErrorShape) -> Response[dict[str, Any]]:
    if unknown := [_field_path(error["loc"]) for error in errors if error.get("type") == "extra_forbidden"]:
        return _unknown_parameters(unknown, language, shape)
    first = errors[0]
    kind = first.get("type")
    field = "body" if kind == "json_invalid" else _field_path(first["loc"])
    if kind in ("json_invalid", "missing", "between"):
        detail = reason(kind, language, field=field, **first.get("ctx", {}))
    else:
        detail = reason("invalid", language, field=field, reason=first.get("msg", "unexpected value"))
    return error_response(
        HTTPStatus.BAD_REQUEST, "Invalid parameters", detail, language, shape, details=detail, field=field
    )


def _unknown_parameters(names: list[str], language: Language, shape: ErrorShape) -> Response[dict[str, Any]]:
    """400 naming every parameter or body field the route does not have: a client that misspells
    one, or sends one this API lacks (`scheduledAt`), learns it instead of being ignored."""
    detail = f"Received unknown parameter{'s' if len(names) > 1 else ''}: {', '.join(names)}"
    return error_response(
        HTTPStatus.BAD_REQUEST,
        "Invalid parameters",
        detail,
        language,
        shape,
        details=detail,
        field=names[0],
        unknown=names,
    )


class Resolver(APIGatewayRestResolver):
    """A resolver of the API, whose every error, the 401 and 405 included, `error_shape` writes."""

    def __init__(self, error_shape: ErrorShape) -> None:
        super().__init__(enable_validation=True)
        self.error_shape = error_shape


def build_resolver(error_shape: ErrorShape = our_error_body) -> Resolver:
    app = Resolver(error_shape)
    read_bodies_as_json(app)

    def language() -> Language:
        return language_of(app.current_event.headers.get("accept-language"))

    @app.exception_handler(SendMeError)
    def domain_error(error: SendMeError) -> Response[dict[str, Any]]:
        status, title = _status_of(error)
        message = translated(error.message, language())
        return error_response(status, title, message, language(), error_shape, details=message, **error.details)

    @app.exception_handler(RequestValidationError)
    def request_invalid(error: RequestValidationError) -> Response[dict[str, Any]]:
        return _invalid(list(error.errors()), language(), error_shape)

    @app.exception_handler(ValidationError)
    def query_invalid(error: ValidationError) -> Response[dict[str, Any]]:
        return _invalid(error.errors(), language(), error_shape)

    @app.not_found
    def no_route(_: Exception) -> Response[dict[str, Any]]:
        return error_response(HTTPStatus.NOT_FOUND, "Not found", "No such route", language(), error_shape)

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[dict[str, Any]]:
        # Never echo an unexpected error to the client: log it with the request id instead.
        logger.exception("unhandled error")
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "Internal error", "Something went wrong", language(), error_shape
        )

    app.use([_only_what_the_route_takes])
    return app


def _only_what_the_route_takes(app: Resolver, next_middleware: NextMiddleware) -> Response[Any]:
    """405 for a method the path does not serve, 400 for a query parameter the route does not take.

    template.yaml sends every other method of a path (ANY) to the function that serves it, where
    Powertools may match another route by the path alone (GET /api/contacts/import as GET
    /api/contacts/{id}), or none: Powertools runs its not-found answer through the middlewares too.
    `resource` is the route API Gateway matched, so the answer is the same on AWS and locally."""
    event = app.current_event
    language = language_of(event.headers.get("accept-language"))
    allowed = allowed_methods(event.resource)
    if allowed and event.http_method not in allowed:
        message = f"{event.http_method} is not allowed here; allowed: {', '.join(allowed)}"
        response = error_response(
            HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed", message, language, app.error_shape
        )
        response.headers["Allow"] = ", ".join(allowed)
        return response
    taken = query_names(event.http_method, event.resource)
    if taken is not None and (unknown := sorted(set(event.query_string_parameters or {}) - taken)):
        return _unknown_parameters(unknown, language, app.error_shape)
    return next_middleware(app)


def caller(app: APIGatewayRestResolver) -> Principal:
    """The organisation the request's API key belongs to (the entrypoint checked it)."""
    admission: Admission | None = app.context.get("admission")
    if admission is None:
        raise CredentialsInvalidError("Invalid or missing API key")
    return admission.principal


def entrypoint(
    app: Resolver,
    guard: Callable[[], RequestGuard],
    cors: Callable[[], CorsPolicy] | None = None,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda handler for a resolver: correlation id, tracing and metrics around resolve().

    Every request is admitted first by `guard`: its API key read and checked (a 401 otherwise),
    then a suspended organisation or one over its rate limit is refused (by `_refuse_unadmitted`,
    after the body is validated), and every admitted answer carries the IETF RateLimit header
    fields. With `cors`, every answer, the 401 and the other errors included, carries its CORS
    headers."""
    app.use([_refuse_unadmitted])

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            admission = guard().admit(presented_api_key(event.get("headers")))
        except CredentialsInvalidError as error:
            response = _unauthorized(event, error, app.error_shape)
        else:
            app.context["admission"] = admission  # read by caller() and _refuse_unadmitted; resolve() clears it
            # The organisation on this request's log lines: the access log, without an authorizer, has none.
            with logger.append_context_keys(orgId=admission.principal.org_id):
                response = app.resolve(event, context)
            if admission.allowance:
                allowance = admission.allowance.headers()
                response.setdefault("multiValueHeaders", {}).update({k: [v] for k, v in allowance.items()})
        if cors:
            cors_headers = cors().headers()
            response.setdefault("multiValueHeaders", {}).update({k: [v] for k, v in cors_headers.items()})
        return response

    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler
    return handler


def _unauthorized(event: dict[str, Any], error: CredentialsInvalidError, shape: ErrorShape) -> dict[str, Any]:
    """The spec's 401 (its `error` and `message` only) as a REST proxy response, answered before
    routing and validation, as an authorizer would: a caller without a valid key learns nothing
    of the route, its parameters or its body."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    refusal = error_response(
        HTTPStatus.UNAUTHORIZED, "Unauthorized", error.message, language_of(headers.get("accept-language")), shape
    )
    return {
        "statusCode": refusal.status_code,
        "multiValueHeaders": {"Content-Type": [refusal.content_type]},
        "body": json.dumps(refusal.body, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _refuse_unadmitted(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    admission: Admission | None = app.context.get("admission")
    if admission and admission.refusal:
        raise admission.refusal
    return next_middleware(app)


def json_response[Model: CamelModel](model: Model, status: HTTPStatus = HTTPStatus.OK) -> Response[Model]:
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=model)
