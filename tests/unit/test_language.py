"""Error texts follow Accept-Language: English by default, Spanish for es, the same keys."""

import json

import pytest

from sendme.contracts.messages import MessageQuery
from sendme.edge.http import build_resolver
from sendme.edge.language import Language, language_of


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, Language.ENGLISH),
        ("es", Language.SPANISH),
        ("es-CO,es;q=0.9,en;q=0.8", Language.SPANISH),
        ("en-US,en;q=0.9,es;q=0.8", Language.ENGLISH),
        ("fr-FR,es;q=0.5", Language.SPANISH),
        ("es;q=0.2,en;q=0.9", Language.ENGLISH),
        ("de", Language.ENGLISH),
        ("es;q=abc", Language.ENGLISH),
    ],
)
def test_language_of_takes_the_preferred_supported_language(header, expected):
    assert language_of(header) is expected


def _list_with_limit(language: str | None) -> dict:
    app = build_resolver()

    @app.get("/api/messages")
    def listing() -> dict:
        MessageQuery.from_parameters(app.current_event.query_string_parameters)
        return {}

    headers = {"Accept-Language": language} if language else {}
    event = {
        "resource": "/api/messages",
        "path": "/api/messages",
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {},
        "queryStringParameters": {"limit": "500"},
        "requestContext": {"requestId": "r1", "stage": "dev"},
        "body": None,
    }
    response = app.resolve(event, None)  # type: ignore[arg-type]  # no context needed
    assert response["statusCode"] == 400
    body: dict = json.loads(response["body"])
    return body


def test_invalid_limit_is_the_spec_spanish_body_for_es():
    body = _list_with_limit("es")
    assert (body["error"], body["details"], body["field"]) == (
        "Parámetros inválidos",
        "El parámetro 'limit' debe estar entre 1 y 100",
        "limit",
    )


def test_invalid_limit_is_english_by_default_with_the_same_keys():
    body = _list_with_limit(None)
    assert (body["error"], body["details"], body["field"]) == (
        "Invalid parameters",
        "The parameter 'limit' must be between 1 and 100",
        "limit",
    )
    assert set(body) == set(_list_with_limit("es"))
