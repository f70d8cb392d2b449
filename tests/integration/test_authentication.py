"""Every API function checks the request's key itself: api-key or Bearer, the spec's 401 body
otherwise, answered before anything about the route, and one invocation per request."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.gateway import LocalApiGateway
from devstack.lambdas import LocalLambdas
from devstack.provision import Stack

SPEC_401 = {"error": "Unauthorized", "message": "Invalid or missing API key"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/messages"),
        ("GET", "/api/messages/x"),
        ("POST", "/api/messages/sms/contacts"),
        ("POST", "/api/messages/email/tags"),
        ("GET", "/api/contacts"),
    ],
)
def test_authentication_rejects_a_missing_key_with_the_spec_body(api: Client, demo, method, path):
    response = api.open(path, method=method, json={})
    assert (response.status_code, response.json) == (401, SPEC_401)


def test_authentication_rejects_an_unknown_key(api: Client, demo):
    response = api.get("/api/messages", headers={"api-key": "sm_not-a-key"})
    assert (response.status_code, response.json) == (401, SPEC_401)


@pytest.mark.parametrize("header", ["api-key", "Authorization"])
def test_authentication_accepts_either_header(api: Client, demo, header):
    value = demo.api_key if header == "api-key" else f"Bearer {demo.api_key}"
    assert api.get("/api/messages", headers={header: value}).status_code == 200


def test_authentication_refuses_in_the_callers_language(api: Client, demo):
    response = api.get("/api/messages", headers={"api-key": "sm_not-a-key", "Accept-Language": "es"})
    assert (response.status_code, response.json) == (
        401,
        {"error": "No autorizado", "message": "API key inválida o faltante"},
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/api/messages", None),  # a method the path does not serve (405 with a key)
        ("GET", "/api/messages?nope=1", None),  # a parameter the route does not take (400)
        ("POST", "/api/messages/sms/contacts", {"message": ""}),  # an invalid body (400)
    ],
)
def test_authentication_comes_before_anything_about_the_route(api: Client, demo, method, path, body):
    # Given a request that would be refused for its route, parameters or body
    # When it comes without a key / Then it learns only that its key is missing
    response = api.open(path, method=method, json=body)
    assert (response.status_code, response.json) == (401, SPEC_401)


def test_authentication_an_api_request_is_one_lambda_invocation(stack: Stack, lambdas: LocalLambdas, demo):
    # Given the gateway counting the functions it invokes
    invoked: list[str] = []

    def invoke(function: str, event: dict[str, Any]) -> Any:
        invoked.append(function)
        return lambdas.invoke(function, event)

    api = Client(LocalApiGateway(stack.template, invoke))
    # When a list page and a refused request are served
    assert api.get("/api/messages", headers={"api-key": demo.api_key}).status_code == 200
    assert api.get("/api/messages").status_code == 401
    # Then each was one invocation of the function that serves the route
    assert invoked == ["ListMessagesFunction", "ListMessagesFunction"]


def test_authentication_unknown_route_is_a_json_404(api: Client, demo):
    response = api.get("/api/nothing-here", headers={"api-key": demo.api_key})
    assert response.status_code == 404
    assert response.json["error"] == "Not found"
