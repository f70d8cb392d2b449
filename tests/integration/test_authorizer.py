"""The authorizer on every route: api-key or Bearer, and the spec's 401 body otherwise."""

import pytest
from werkzeug.test import Client

SPEC_401 = {"error": "Unauthorized", "message": "Invalid or missing API key"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/messages"),
        ("GET", "/api/messages/x"),
        ("POST", "/api/messages/sms/contacts"),
        ("POST", "/api/messages/email/tags"),
    ],
)
def test_authorizer_rejects_a_missing_key_with_the_spec_body(api: Client, demo, method, path):
    response = api.open(path, method=method, json={})
    assert (response.status_code, response.json) == (401, SPEC_401)


def test_authorizer_rejects_an_unknown_key(api: Client, demo):
    response = api.get("/api/messages", headers={"api-key": "sm_not-a-key"})
    assert (response.status_code, response.json) == (401, SPEC_401)


@pytest.mark.parametrize("header", ["api-key", "Authorization"])
def test_authorizer_accepts_either_header(api: Client, demo, header):
    value = demo.api_key if header == "api-key" else f"Bearer {demo.api_key}"
    assert api.get("/api/messages", headers={header: value}).status_code == 200


def test_authorizer_unknown_route_is_a_json_404(api: Client, demo):
    response = api.get("/api/nothing-here", headers={"api-key": demo.api_key})
    assert response.status_code == 404
    assert response.json["error"] == "Not found"
