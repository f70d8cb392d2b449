"""The HTTP edge shared by every API function: the resolver and the one error -> response map."""

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
from sendme.contracts.operations import allowed_methods, operation_of
from sendme.contracts.sending import DryRunResult, EnqueueResult, SendJobAccepted
from sendme.domain.accounts import Principal
from sendme.domain.base import CamelModel
from sendme.domain.errors import (
    ApiKeyNotFoundError,
    ContactConflictError,
    ContactNotFoundError,
    CredentialsInvalidError,
    CreditsInsufficientError,
    FeatureNotAvailableError,
    IdempotencyKeyInProgressError,
    IdempotencyKeyReusedError,
    ImportFileInvalidError,
    MediaTypeUnsupportedError,
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
    TermsNotAcceptedError,
)
from sendme.edge.auth import principal_of
from sendme.edge.body import read_bodies_as_json
from sendme.edge.language import Language, language_of, reason, translated
from sendme.observability import logger, metrics, tracer
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
    SuppressionNotFoundError: (HTTPStatus.NOT_FOUND, "Not found"),
    NumberTakenError: (HTTPStatus.CONFLICT, "Conflict"),
    ContactConflictError: (HTTPStatus.CONFLICT, "Conflict"),
    ImportFileInvalidError: (HTTPStatus.BAD_REQUEST, "Invalid parameters"),
    RecipientsInvalidError: (HTTPStatus.BAD_REQUEST, "Invalid parameters"),
    IdempotencyKeyReusedError: (HTTPStatus.UNPROCESSABLE_ENTITY, "Idempotency key reused"),
    IdempotencyKeyInProgressError: (HTTPStatus.CONFLICT, "Idempotency key in progress"),
    FeatureNotAvailableError: (HTTPStatus.NOT_IMPLEMENTED, "Not implemented"),
    # DynamoDB throttled the write even after retries: nothing was charged, retrying is safe.
    MessagesNotStoredError: (HTTPStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    OrganizationSuspendedError: (HTTPStatus.FORBIDDEN, "Forbidden"),
    RateLimitExceededError: (HTTPStatus.TOO_MANY_REQUESTS, "Too many requests"),
}


def error_response(
    status: HTTPStatus, title: str, message: str, language: Language = Language.ENGLISH, **extra: Any
) -> Response[dict[str, Any]]:
    """The error body, its title and message in the caller's language (same keys in every one)."""
    body = ErrorBody(error=translated(title, language), message=translated(message, language), **extra)
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump(exclude_none=True),
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


def _invalid(errors: list[dict[str, Any]] | Any, language: Language) -> Response[dict[str, Any]]:
    if unknown := [_field_path(error["loc"]) for error in errors if error.get("type") == "extra_forbidden"]:
        return _unknown_parameters(unknown, language)
    first = errors[0]
    kind = first.get("type")
    field = "body" if kind == "json_invalid" else _field_path(first["loc"])
    if kind in ("json_invalid", "missing", "between"):
        detail = reason(kind, language, field=field, **first.get("ctx", {}))
    else:
        detail = reason("invalid", language, field=field, reason=first.get("msg", "unexpected value"))
    return error_response(HTTPStatus.BAD_REQUEST, "Invalid parameters", detail, language, details=detail, field=field)


def _unknown_parameters(names: list[str], language: Language) -> Response[dict[str, Any]]:
    """400 naming every parameter or body field the route does not have: a client that misspells
    one, or sends one this API lacks (`scheduledAt`), learns it instead of being ignored."""
    detail = f"Received unknown parameter{'s' if len(names) > 1 else ''}: {', '.join(names)}"
    return error_response(
        HTTPStatus.BAD_REQUEST, "Invalid parameters", detail, language, details=detail, field=names[0], unknown=names
    )


def build_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    read_bodies_as_json(app)

    def language() -> Language:
        return language_of(app.current_event.headers.get("accept-language"))

    @app.exception_handler(SendMeError)
    def domain_error(error: SendMeError) -> Response[dict[str, Any]]:
        status, title = _status_of(error)
        message = translated(error.message, language())
        return error_response(status, title, message, language(), details=message, **error.details)

    @app.exception_handler(RequestValidationError)
    def request_invalid(error: RequestValidationError) -> Response[dict[str, Any]]:
        return _invalid(list(error.errors()), language())

    @app.exception_handler(ValidationError)
    def query_invalid(error: ValidationError) -> Response[dict[str, Any]]:
        return _invalid(error.errors(), language())

    @app.not_found
    def no_route(_: Exception) -> Response[dict[str, Any]]:
        return error_response(HTTPStatus.NOT_FOUND, "Not found", "No such route", language())

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[dict[str, Any]]:
        # Never echo an unexpected error to the client: log it with the request id instead.
        logger.exception("unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "Internal error", "Something went wrong", language())

    app.use([_only_what_the_route_takes])
    return app


def _only_what_the_route_takes(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
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
        response = error_response(HTTPStatus.METHOD_NOT_ALLOWED, "Method not allowed", message, language)
        response.headers["Allow"] = ", ".join(allowed)
        return response
    operation = operation_of(event.http_method, event.resource)
    if operation and (unknown := sorted(set(event.query_string_parameters or {}) - operation.query_names())):
        return _unknown_parameters(unknown, language)
    return next_middleware(app)


def caller(app: APIGatewayRestResolver) -> Principal:
    """The organisation the authorizer resolved the request's API key to."""
    return principal_of(app.current_event.raw_event)


def enqueue_response(result: EnqueueResult | DryRunResult) -> Response[SendJobAccepted | EnqueueResult | DryRunResult]:
    """201 when something was enqueued, 200 when nothing valid remained (the contract's rule);
    202 when a send job will enqueue; 200 for a dry run."""
    if isinstance(result, DryRunResult):
        return json_response(result)
    if isinstance(result, SendJobAccepted):
        return json_response(result, HTTPStatus.ACCEPTED)
    return json_response(result, HTTPStatus.CREATED if result.messages else HTTPStatus.OK)


def entrypoint(
    app: APIGatewayRestResolver, guard: Callable[[], RequestGuard] | None = None
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda handler for a resolver: correlation id, tracing and metrics around resolve().

    With a `guard`, every request is admitted first: a suspended organisation or one over its
    rate limit is refused (by `_refuse_unadmitted`, after the body is validated), and every
    answer carries the IETF RateLimit header fields."""
    app.use([_refuse_unadmitted])

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @tracer().capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        admission = _admission(event, guard) if guard else None
        app.context["admission"] = admission  # read by _refuse_unadmitted; resolve() clears it
        response: dict[str, Any] = app.resolve(event, context)
        if admission and admission.allowance:
            headers = response.setdefault("multiValueHeaders", {})
            headers.update({name: [value] for name, value in admission.allowance.headers().items()})
        return response

    handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = lambda_handler
    return handler


def _admission(event: dict[str, Any], guard: Callable[[], RequestGuard]) -> Admission | None:
    try:
        principal = principal_of(event)
    except CredentialsInvalidError:
        return None  # the route's caller() answers 401
    return guard().admit(principal)


def _refuse_unadmitted(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    admission: Admission | None = app.context.get("admission")
    if admission and admission.refusal:
        raise admission.refusal
    return next_middleware(app)


def json_response[Model: CamelModel](model: Model, status: HTTPStatus = HTTPStatus.OK) -> Response[Model]:
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=model)
