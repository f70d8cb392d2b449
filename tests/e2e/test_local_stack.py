"""A user's first minutes with the local stack, over real HTTP."""

import pytest
import requests

from .conftest import PROVIDER_ACCEPTED, SAM_GATEWAY_RESPONSES, SPEC_401, Api, assert_refused_unauthenticated

SPEC_SMS_BODY = {
    "message": "Hello, this is a test message from SendMe",
    "contacts": ["3001234567", "3009876543"],
    "type": "SMS",
    "country": "CO",
}


def test_e2e_spec_sms_goes_from_queued_to_sent(api: Api):
    # Given the printed demo key / When the spec's example is posted
    response = api.post("/api/messages/sms/contacts", SPEC_SMS_BODY)
    # Then it is enqueued with normalised recipients...
    assert response.status_code == 201
    assert [m["recipient"] for m in response.json()["messages"]] == ["+573001234567", "+573009876543"]
    # ...and the worker, draining the queue, takes each message to SENT (then, with the local
    # stack's simulated receipts, DELIVERED)
    for message in response.json()["messages"]:
        assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED
    listed = {item["id"]: item["status"] for item in api.get("/api/messages?limit=100").json()["data"]}
    assert all(listed[m["id"]] in PROVIDER_ACCEPTED for m in response.json()["messages"])


def test_e2e_bearer_token_works_like_api_key(api: Api, local_stack):
    response = requests.get(
        f"{local_stack['api_url']}/api/messages",
        headers={"Authorization": f"Bearer {local_stack['api_key']}"},
        timeout=10,
    )
    assert response.status_code == 200


def test_e2e_unknown_key_is_refused_with_the_spec_401(local_stack):
    response = requests.get(f"{local_stack['api_url']}/api/messages", headers={"api-key": "sm_unknown"}, timeout=10)
    assert_refused_unauthenticated(response)


def test_e2e_missing_key_is_the_spec_401(local_stack):
    response = requests.get(f"{local_stack['api_url']}/api/messages", timeout=10)
    assert response.status_code == 401
    assert response.json() == SPEC_401


def test_e2e_bad_body_is_400_and_adds_no_message(api: Api):
    before = api.get("/api/messages").json()["meta"]["totalRecords"]
    response = api.post("/api/messages/sms/contacts", {"message": "", "contacts": ["3001234567"]})
    assert response.status_code == 400
    assert response.json()["field"] == "message"
    assert api.get("/api/messages").json()["meta"]["totalRecords"] == before


def test_e2e_email_is_sent_through_ses(api: Api):
    body = {
        "subject": "Welcome to SendMe",
        "message": "<h1>Welcome!</h1>",
        "contentType": "HTML",
        "contacts": ["ana@example.com"],
    }
    response = api.post("/api/messages/email/contacts", body)
    assert response.status_code == 201
    (message,) = response.json()["messages"]
    # SENT, then DELIVERED once the local stack's simulated SES event arrives
    assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


@pytest.mark.devstack_only(SAM_GATEWAY_RESPONSES)
def test_e2e_unknown_route_is_json_not_a_stack_trace(api: Api):
    response = api.get("/api/unknown")
    assert response.status_code == 404
    assert response.json()["error"] == "Not found"
