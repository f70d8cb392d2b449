"""Inbound SMS on the local stack: an SMS published to the inbound topic, and what STOP does."""

import time
from typing import Any

import pytest
import requests

from devstack.inbound import ROUTE

from .tenants import admin_json, new_tenant

NUMBER = "+12065550177"  # the tenant's two-way number
CUSTOMER = "+573001234567"


def received(tenant: Any, seconds: float = 15) -> list[dict[str, Any]]:
    """The tenant's inbound messages, once the topic's subscriber has stored them."""
    deadline = time.monotonic() + seconds
    while True:
        data: list[dict[str, Any]] = tenant.api.get("/api/messages?direction=INBOUND").json()["data"]
        if data or time.monotonic() > deadline:
            return data
        time.sleep(0.2)


@pytest.mark.devstack_only("the inbound route is the local stack's stand-in for End User Messaging")
def test_e2e_inbound_stop_is_received_and_the_next_send_skips_the_number(local_stack):
    # Given an organisation with a two-way number, set as an operator sets it
    tenant = new_tenant(local_stack, "--accept-terms", "--country", "CO")
    assert admin_json(local_stack, "set-number", tenant.org_id, NUMBER)["twoWayNumber"] == NUMBER
    # When a customer texts STOP to it
    sms = {"from": CUSTOMER, "to": NUMBER, "body": "STOP"}
    assert requests.post(local_stack["api_url"] + ROUTE, json=sms, timeout=10).status_code == 202
    # Then the organisation lists it as a RECEIVED inbound message from the customer
    (message,) = received(tenant)
    assert (message["status"], message["from"], message["recipientDetails"]) == ("RECEIVED", CUSTOMER, NUMBER)
    # And its next send skips the number as opted-out
    response = tenant.api.post("/api/messages/sms/contacts", {"message": "Oferta", "contacts": [CUSTOMER]})
    assert (response.status_code, response.json()["skipped"]) == (
        400,
        [{"recipient": CUSTOMER, "reason": "opted-out"}],
    )
