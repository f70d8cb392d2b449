"""How a route's JSON body is read: `application/json` only, UTF-8, parsed without a 500 for any input."""

import base64
import binascii
import json
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware

from sendme.domain.errors import MediaTypeUnsupportedError, RequestInvalidError

JSON_MEDIA_TYPE = "application/json"


def json_body(content_type: str | None, body: str | None, *, base64_encoded: bool) -> Any:
    """The parsed body, None when there is none; a 415 or 400 domain error for anything else.

    A body without a Content-Type is read as JSON, as Powertools does."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in ("", JSON_MEDIA_TYPE):
        raise MediaTypeUnsupportedError(
            f"The request body must be {JSON_MEDIA_TYPE}, not {media_type}", accepted=[JSON_MEDIA_TYPE]
        )
    if not body:
        return None
    try:
        text = base64.b64decode(body, validate=True).decode() if base64_encoded else body
    except (binascii.Error, UnicodeDecodeError):
        raise RequestInvalidError("The request body is not valid UTF-8", field="body") from None
    try:
        return json.loads(text)
    # ValueError: a JSON error, or an integer too long to convert; RecursionError: nested deeper
    # than the interpreter's stack, which no request of this API needs.
    except (ValueError, RecursionError):
        raise RequestInvalidError("The request body is not valid JSON", field="body") from None


class JsonBodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading the body with `json_body`. Its own reader also takes
    forms and multipart, and raises an unexpected error (so a 500) for a body that is not UTF-8,
    a multipart type without a boundary, a type it does not know or JSON nested too deep."""

    def _get_body(self, app: Any) -> Any:
        event = app.current_event
        return json_body(event.headers.get("content-type"), event.body, base64_encoded=bool(event.is_base64_encoded))


def read_bodies_as_json(app: APIGatewayRestResolver) -> None:
    # Powertools builds its validation middleware in the resolver's constructor and offers no
    # parameter to replace it; the attribute is where it looks for it on every route.
    app._request_validation_middleware = JsonBodyValidation()  # type: ignore[no-untyped-call]  # unannotated __init__
