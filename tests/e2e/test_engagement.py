"""An email's metadata and engagement on the local stack: sent with metadata, opened by a click
SES reports (POST /local/email-events), both read back over HTTP."""

import time
from typing import Any

import pytest
import requests

from devstack.email_events import ROUTE

from .conftest import PROVIDER_ACCEPTED, Api

METADATA = {"orderId": "A-1042", "customer": "Ana"}


def engaged(api: Api, message_id: str, field: str, seconds: float = 15) -> dict[str, Any]:
    """The message, once the receipts function recorded `field` (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        message: dict[str, Any] = api.get(f"/api/messages/{message_id}").json()
        if message.get(field) or time.monotonic() > deadline:
            return message
        time.sleep(0.2)


@pytest.mark.devstack_only("the email events route is the local stack's stand-in for SES's engagement events")
def test_e2e_email_metadata_and_click_are_read_back(local_stack, api: Api):
    # Given an email sent with metadata and handed to SES
    body = {"subject": "Pedido", "message": "Su pedido va en camino", "contacts": ["ana@example.com"]}
    sent = api.post("/api/messages/email/contacts", {**body, "metadata": METADATA})
    assert sent.status_code == 201, sent.json()
    (message,) = sent.json()["messages"]
    assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED
    # When its recipient clicks a link in it, as SES reports
    event = {"messageId": message["id"], "event": "Click"}
    assert requests.post(local_stack["api_url"] + ROUTE, json=event, timeout=10).status_code == 202
    # Then the message is READ, clicked and opened, with its metadata, in the message and the list
    read = engaged(api, message["id"], "clickedAt")
    assert (read["status"], read["metadata"], read["openedAt"]) == ("READ", METADATA, read["clickedAt"])
    listed = api.get("/api/messages?limit=100").json()["data"]
    assert next(m for m in listed if m["id"] == message["id"])["clickedAt"] == read["clickedAt"]
