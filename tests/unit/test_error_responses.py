import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from sendme.domain.errors import (
    DispatchRefusedError,
    MediaTypeUnsupportedError,
    MessageNotCancelableError,
    RateLimitExceededError,
    RecipientsInvalidError,
    RequestInvalidError,
    SendMeError,
)
from sendme.edge.http import ERROR_RESPONSES, build_resolver


def resolve(app: APIGatewayRestResolver) -> dict:
    return app.resolve(_event("/boom"), None)  # type: ignore[arg-type]  # no context needed


def _event(path: str) -> dict:
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "requestContext": {"requestId": "r1", "stage": "dev"},
        "body": None,
    }


@pytest.mark.parametrize(("error_class", "expected"), list(ERROR_RESPONSES.items()))
def test_every_domain_error_maps_to_its_status_and_a_json_body(error_class, expected):
    app = build_resolver()

    # The errors that carry what a client needs to act on them take it as a keyword.
    keywords: dict[type[SendMeError], dict[str, Any]] = {
        RateLimitExceededError: {"retry_after": 1},
        RecipientsInvalidError: {"skipped": []},
        MediaTypeUnsupportedError: {"accepted": ["application/json"]},
        MessageNotCancelableError: {"status": "SENT"},
        DispatchRefusedError: {"reason": "suppressed"},
    }
    required = keywords.get(error_class, {})

    @app.get("/boom")
    def boom() -> dict:
        raise error_class("what went wrong", **required)

    response = resolve(app)
    body = json.loads(response["body"])
    assert response["statusCode"] == expected[0]
    assert (body["error"], body["message"]) == (expected[1], "what went wrong")


def test_unexpected_error_is_a_generic_500_that_leaks_nothing():
    app = build_resolver()

    @app.get("/boom")
    def boom() -> dict:
        raise RuntimeError("secret table name arn:aws:dynamodb:...")

    response = resolve(app)
    assert response["statusCode"] == 500
    assert "secret" not in response["body"]


def test_request_invalid_names_the_field():
    app = build_resolver()

    @app.get("/boom")
    def boom() -> dict:
        raise RequestInvalidError("bad", field="contacts")

    assert json.loads(resolve(app)["body"])["field"] == "contacts"


def test_error_table_covers_every_domain_error():
    def subclasses(cls: type) -> set[type]:
        found: set[type] = {cls}
        child: type
        for child in type.__subclasses__(cls):
            found |= subclasses(child)
        return found

    from sendme.domain.errors import ProviderError
    from sendme.services.fanout import SendJobChangedError
    from sendme.services.receipts import ReceiptUnmatchedError

    # Errors the workers and the receipts function raise never reach HTTP; every other one must have a status.
    internal = {SendMeError, ProviderError, ReceiptUnmatchedError, SendJobChangedError}
    assert subclasses(SendMeError) - internal <= set(ERROR_RESPONSES)
