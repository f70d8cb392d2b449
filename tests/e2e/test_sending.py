"""The six send endpoints over real HTTP on the local stack, with the workers draining the queues.

The demo organisation has four contacts: Juan (customers, vip), María (customers), Carlos
(staff) and Ana (customers, BLOCKED). Started with AUDIENCE_SYNC_LIMIT=3, the stack turns an
/all send (four contacts) into a send job run by the fan-out worker; with the default limit it
is sent directly. The /all tests hold either way: what a caller relies on is the outcome.
"""

import time
import uuid
from typing import Any

import pytest

from .conftest import PROVIDER_ACCEPTED, Api

JUAN, MARIA, CARLOS, ANA = "+573001234567", "+573009876543", "+573015550101", "+573025550123"


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def total_messages(api: Api) -> int:
    count: int = api.get("/api/messages?limit=1").json()["meta"]["totalRecords"]
    return count


def messages_with_content(api: Api, content: str, expected: int, seconds: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + seconds
    while True:
        found = [m for m in api.get("/api/messages?limit=100").json()["data"] if m["content"] == content]
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def test_e2e_sms_tags_goes_to_the_tagged_active_contacts_and_is_sent(api: Api):
    # Given the customers tag (Juan, María, and Ana who is BLOCKED)
    response = api.post("/api/messages/sms/tags", {"message": unique("Hi customers"), "tags": ["customers"]})
    # Then Juan and María are enqueued, Ana is skipped as blocked...
    assert response.status_code == 201
    assert sorted(m["recipient"] for m in response.json()["messages"]) == sorted([JUAN, MARIA])
    assert response.json()["skipped"] == [{"recipient": ANA, "reason": "blocked"}]
    # ...and both go out
    for message in response.json()["messages"]:
        assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


def test_e2e_email_tags_is_sent_through_ses(api: Api):
    response = api.post("/api/messages/email/tags", {"subject": "Staff", "message": "<p>Hi</p>", "tags": ["staff"]})
    assert response.status_code == 201
    (message,) = response.json()["messages"]
    assert message["recipient"] == "carlos@example.com"
    assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


def test_e2e_sms_all_gets_one_sms_to_every_active_contact(api: Api):
    # Given an /all send (a send job when larger than the stack's sync limit)
    content = unique("Hi everyone")
    response = api.post("/api/messages/sms/all", {"message": content})
    # Then it is accepted...
    assert response.status_code in (201, 202)
    assert response.json()["queueId"].startswith("sms-")
    if response.status_code == 202:
        assert response.json()["job"]["status"] == "PENDING"
    # ...and the workers take one message per active contact to SENT
    messages = messages_with_content(api, content, expected=3)
    assert sorted(m["recipientDetails"] for m in messages) == sorted([JUAN, MARIA, CARLOS])
    for message in messages:
        assert message["contact"]["id"]
        assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


def test_e2e_email_all_reaches_every_active_contact(api: Api):
    content = unique("Newsletter")
    response = api.post("/api/messages/email/all", {"subject": "News", "message": content})
    assert response.status_code in (201, 202)
    messages = messages_with_content(api, content, expected=3)
    assert sorted(m["recipientDetails"] for m in messages) == [
        "carlos@example.com",
        "juan@example.com",
        "maria@example.com",
    ]


def test_e2e_idempotency_key_retry_returns_the_same_send(api: Api):
    body = {"message": unique("Once"), "contacts": ["3001234567"], "country": "CO"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = api.post("/api/messages/sms/contacts", body, headers=key)
    before = total_messages(api)
    second = api.post("/api/messages/sms/contacts", body, headers=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert total_messages(api) == before
    reused = api.post("/api/messages/sms/contacts", {**body, "message": "other"}, headers=key)
    assert reused.status_code == 422


def test_e2e_dry_run_previews_and_adds_no_message(api: Api):
    before = total_messages(api)
    response = api.post("/api/messages/sms/tags?dryRun=true", {"message": "Hola ✓", "tags": ["vip"]})
    assert response.status_code == 200
    preview = response.json()
    assert (preview["recipients"], preview["encoding"], preview["ucs2Characters"]) == ([JUAN], "UCS-2", ["✓"])
    assert preview["balanceAfter"] == preview["balance"] - preview["totalCost"]
    assert total_messages(api) == before


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/messages/sms/all", {"message": ""}, "message"),
        ("/api/messages/sms/tags", {"message": "hi", "tags": []}, "tags"),
        ("/api/messages/email/all", {"message": "no subject"}, "subject"),
        (
            "/api/messages/email/tags",
            {"subject": "s", "message": "m", "contentType": "PDF", "tags": ["vip"]},
            "contentType",
        ),
    ],
)
def test_e2e_bad_audience_body_is_400_and_adds_no_message(api: Api, path, body, field):
    before = total_messages(api)
    response = api.post(path, body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert total_messages(api) == before
