"""Sendo's GET /v1/message/list over real HTTP: the spec's request (sendo-list-messages.txt) as
written, with our API key as its token, answers in the spec example's shape."""

import time
from typing import Any

import pytest
import requests

from devstack.inbound import ROUTE as INBOUND_ROUTE

from .conftest import PROVIDER_ACCEPTED
from .tenants import Tenant, admin_json, new_tenant

ROUTE = "/v1/message/list"
NUMBER = "+12065550188"  # the tenant's two-way number
CUSTOMER = "+573001234567"
SENDO_STATUSES = {"CREATED", "QUEUED", "SCHEDULED", "SENT", "DELIVERED", "OPENED", "FAILED", "RETRIES_EXHAUSTED"}
# The spec example's fields and their JSON types; the optional ones are left out when unset.
REQUIRED = {
    "id": str,
    "type": str,
    "createdAt": str,
    "updatedAt": str,
    "direction": str,
    "to": str,
    "body": str,
    "numSegments": int,
    "status": str,
}
OPTIONAL = {
    "sentAt": str,
    "scheduledAt": str,
    "from": str,
    "metadata": dict,
    "errorCode": str,
    "errorMessage": str,
    "campaignId": str,
}


def sendo_list(base_url: str, key: str, **parameters: str) -> requests.Response:
    """The spec's curl: GET with only `Authorization: Bearer <token>`."""
    return requests.get(base_url + ROUTE, headers={"Authorization": f"Bearer {key}"}, params=parameters, timeout=10)


def assert_sendo_shape(message: dict[str, Any]) -> None:
    assert set(REQUIRED) <= set(message) <= set(REQUIRED) | set(OPTIONAL), message
    for field, kind in {**REQUIRED, **OPTIONAL}.items():
        if field in message:
            assert isinstance(message[field], kind), (field, message)
    assert message["type"] == "SMS"
    assert message["direction"] in {"INBOUND", "OUTBOUND"}
    assert message["status"] in SENDO_STATUSES


def _key(tenant: Tenant) -> str:
    return str(tenant.api.session.headers["api-key"])


def _sent_sms(tenant: Tenant) -> str:
    """An SMS the tenant sent, in a campaign and with metadata, once the provider took it."""
    campaign = tenant.api.post("/api/campaigns", {"name": "Sendo migration"})
    assert campaign.status_code == 201, campaign.text
    body = {"message": "Hola", "contacts": ["3001234567"], "campaignId": campaign.json()["id"]}
    response = tenant.api.post("/api/messages/sms/contacts", {**body, "metadata": {"customId": "123456789"}})
    assert response.status_code == 201, response.text
    (message,) = response.json()["messages"]
    message_id: str = message["id"]
    assert tenant.api.wait_for(message_id, PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED
    return message_id


def test_e2e_sendo_spec_request_lists_an_outbound_sms_in_the_spec_shape(local_stack):
    # Given an organisation that sent an SMS
    tenant = new_tenant(local_stack, "--accept-terms", "--country", "CO")
    message_id = _sent_sms(tenant)
    # When its Sendo client sends the spec's request with our key as its token
    response = sendo_list(local_stack["api_url"], _key(tenant))
    # Then it is the spec example's shape: the messages, each with Sendo's fields and words
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["messages"]
    (message,) = response.json()["messages"]
    assert_sendo_shape(message)
    assert (message["id"], message["direction"], message["to"]) == (message_id, "OUTBOUND", CUSTOMER)
    assert (message["status"] in {"SENT", "DELIVERED"}, message["metadata"]) == (True, {"customId": "123456789"})


def test_e2e_sendo_without_a_key_is_401_with_an_error_field(local_stack):
    response = requests.get(local_stack["api_url"] + ROUTE, timeout=10)
    assert (response.status_code, response.json()) == (401, {"error": "Invalid or missing API key"})


def test_e2e_sendo_invalid_parameter_is_400_with_an_error_field(local_stack):
    tenant = new_tenant(local_stack, "--accept-terms")
    response = sendo_list(local_stack["api_url"], _key(tenant), limit="1000")
    assert response.status_code == 400
    assert list(response.json()) == ["error"]


@pytest.mark.devstack_only("the inbound route is the local stack's stand-in for End User Messaging")
def test_e2e_sendo_lists_inbound_and_outbound_sms_in_the_spec_shape(local_stack):
    # Given an organisation with a two-way number, that sent an SMS and then received one
    tenant = new_tenant(local_stack, "--accept-terms", "--country", "CO")
    assert admin_json(local_stack, "set-number", tenant.org_id, NUMBER)["twoWayNumber"] == NUMBER
    sent_id = _sent_sms(tenant)
    sms = {"from": CUSTOMER, "to": NUMBER, "body": "Incoming message"}
    assert requests.post(local_stack["api_url"] + INBOUND_ROUTE, json=sms, timeout=10).status_code == 202
    # When its Sendo client lists its messages, once the inbound one is stored
    key = _key(tenant)
    deadline = time.monotonic() + 15
    while len(messages := sendo_list(local_stack["api_url"], key).json()["messages"]) < 2:
        assert time.monotonic() < deadline, messages
        time.sleep(0.2)
    # Then both are there, newest first, each in the spec example's shape
    received, sent = messages
    for message in messages:
        assert_sendo_shape(message)
    assert (received["direction"], received["from"], received["to"], received["body"]) == (
        "INBOUND",
        CUSTOMER,
        NUMBER,
        "Incoming message",
    )
    assert received["status"] == "DELIVERED"
    assert (sent["id"], sent["direction"]) == (sent_id, "OUTBOUND")
    # And the direction filter tells them apart
    inbound = sendo_list(local_stack["api_url"], key, direction="INBOUND").json()["messages"]
    assert [message["id"] for message in inbound] == [received["id"]]
