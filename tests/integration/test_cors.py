"""CORS: a page on another origin can call the API (template.yaml's Cors and GatewayResponses,
the functions' own headers), through the local gateway as through API Gateway."""

import pytest
from werkzeug.test import Client, TestResponse

from devstack.template import Template
from sendme.contracts.operations import allowed_methods
from sendme.contracts.routes import IDEMPOTENCY_HEADER
from sendme.edge.cors import CorsPolicy

from .helpers import auth

ORIGIN = "https://app.example.org"
EXPOSED = {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"}


def preflight(api: Client, path: str, method: str = "POST") -> TestResponse:
    return api.open(
        path,
        method="OPTIONS",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "api-key,content-type",
        },
    )


def exposed(response: TestResponse) -> set[str]:
    return set(response.headers.get("Access-Control-Expose-Headers", "").split(","))


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.load()


def test_cors_preflight_is_answered_by_the_gateway_without_a_function(template: Template):
    api = template.api()
    assert api["Cors"]["AllowOrigin"] == {"Fn::Sub": "'${CorsAllowOrigin}'"}
    # No authorizer: API Gateway's mock OPTIONS needs no key, and no function checks one
    assert "Auth" not in api
    allowed_headers = {name.lower() for name in api["Cors"]["AllowHeaders"].strip("'").split(",")}
    assert {"api-key", "authorization", "content-type", IDEMPOTENCY_HEADER.lower()} <= allowed_headers


def test_cors_preflight_allows_every_method_a_route_serves(template: Template):
    methods = set(template.api()["Cors"]["AllowMethods"].strip("'").split(","))
    for route in template.routes():
        assert set(allowed_methods(route.path)) <= methods, route.path


def test_cors_every_gateway_response_carries_the_functions_cors_headers(template: Template):
    # Given the headers the functions add (with the origin the template's parameter names)
    expected: dict[str, object] = {
        name: f"'{value}'" for name, value in CorsPolicy("${CorsAllowOrigin}").headers().items()
    }
    expected["Access-Control-Allow-Origin"] = {"Fn::Sub": "'${CorsAllowOrigin}'"}
    # Then API Gateway's own answers (401, 404, throttled, 5xx) carry the same
    for kind, response in template.api()["GatewayResponses"].items():
        assert response["ResponseParameters"]["Headers"] == expected, kind


def test_cors_origin_is_one_parameter_for_the_gateway_and_the_functions(template: Template):
    assert template.body["Parameters"]["CorsAllowOrigin"]["Default"] == "*"
    assert template.body["Globals"]["Function"]["Environment"]["Variables"]["CORS_ALLOW_ORIGIN"] == {
        "Ref": "CorsAllowOrigin"
    }


@pytest.mark.parametrize("path", sorted({route.path.replace("{id}", "x1") for route in Template.load().routes()}))
def test_cors_preflight_of_every_route_is_200_with_no_api_key(api: Client, path: str):
    # When a browser asks before a cross-origin call, with no key (it never sends one)
    answer = preflight(api, path)
    # Then the gateway allows it, not the route's 405 or the authorizer's 401
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in answer.headers["Access-Control-Allow-Methods"].split(",")
    assert "api-key" in answer.headers["Access-Control-Allow-Headers"].split(",")


def test_cors_headers_are_on_a_served_answer_and_expose_the_rate_limit_fields(api: Client, demo):
    answer = api.get("/api/messages", headers={**auth(demo.api_key), "Origin": ORIGIN})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert exposed(answer) >= EXPOSED


def test_cors_headers_are_on_a_functions_error_answer(api: Client, demo):
    answer = api.put("/api/messages", headers={**auth(demo.api_key), "Origin": ORIGIN})
    assert answer.status_code == 405
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Allow" in exposed(answer)


def test_cors_headers_are_on_the_gateways_own_401_and_404(api: Client, demo):
    refused = api.get("/api/messages", headers={"api-key": "sm_wrong", "Origin": ORIGIN})
    missing = api.get("/api/nothing-here", headers={"Origin": ORIGIN})
    assert [refused.status_code, missing.status_code] == [401, 404]
    assert refused.headers["Access-Control-Allow-Origin"] == missing.headers["Access-Control-Allow-Origin"] == "*"
    assert exposed(refused) >= EXPOSED
