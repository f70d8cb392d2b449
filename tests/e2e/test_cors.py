"""CORS on the running stack: what a browser does before and after the spec's `fetch` examples
from a page on another origin (the devstack gateway, and `sam local start-api`)."""

import pytest
import requests

from .conftest import SAM_GATEWAY_RESPONSES, Api

PAGE = "http://localhost:8080"


def test_e2e_preflight_of_a_send_is_allowed_with_no_key(local_stack):
    # When a page asks, before the spec's POST with api-key and Content-Type (a preflight carries no key)
    answer = requests.options(
        local_stack["api_url"] + "/api/messages/sms/contacts",
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "api-key,content-type,idempotency-key",
        },
        timeout=30,
    )
    # Then the answer allows that origin, method and those headers (not a 405, not the authorizer's 401)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] in ("*", PAGE)
    assert "POST" in answer.headers["Access-Control-Allow-Methods"].split(",")
    allowed = {name.lower() for name in answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"api-key", "content-type", "idempotency-key"} <= allowed


def test_e2e_preflight_of_a_message_detail_is_allowed(local_stack):
    answer = requests.options(
        local_stack["api_url"] + "/api/messages/0190a6a0-0000-7000-8000-000000000000",
        headers={"Origin": PAGE, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "api-key"},
        timeout=30,
    )
    assert answer.status_code == 200
    assert "GET" in answer.headers["Access-Control-Allow-Methods"].split(",")


def test_e2e_answer_to_a_page_lets_it_read_the_rate_limit_headers(api: Api):
    answer = api.get("/api/messages", headers={"Origin": PAGE})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] in ("*", PAGE)
    exposed = set(answer.headers["Access-Control-Expose-Headers"].split(","))
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"} <= exposed


@pytest.mark.devstack_only(SAM_GATEWAY_RESPONSES)
def test_e2e_gateway_401_to_a_page_is_readable(local_stack):
    answer = requests.get(local_stack["api_url"] + "/api/messages", headers={"Origin": PAGE}, timeout=30)
    assert answer.status_code == 401
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
