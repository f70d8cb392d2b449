"""Tenant isolation matrix: organisation B's key against organisation A's data, on every endpoint.

B must get a 404 or an empty result, never anything of A's, and must change nothing of A's.
"""

from typing import Any

import pytest
from werkzeug.test import Client

from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth


@pytest.fixture
def tenants(api: Client, demo) -> dict[str, Any]:
    """Organisation A (the demo) with a message and its contacts; organisation B with a key."""
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    a_contacts = api.get("/api/contacts", headers=auth(demo.api_key)).json["data"]
    other = account_service().create_organization("B", credits=100, accept_terms=True)
    return {
        "a_key": demo.api_key,
        "b_key": account_service().issue_api_key(other.id),
        "message_id": sent["messages"][0]["id"],
        "contact": a_contacts[0],
        "a_ids": {sent["messages"][0]["id"], *(c["id"] for c in a_contacts)},
        "a_secrets": {c["phone"] for c in a_contacts} | {c["email"] for c in a_contacts},
    }


def leaks(response: Any, tenants: dict[str, Any], asked: str = "") -> set[str]:
    """A's ids, phones and emails found in the response (echoing the id B itself asked for is none)."""
    text = response.get_data(as_text=True)
    return {value for value in tenants["a_ids"] | tenants["a_secrets"] if value in text and value not in asked}


READS = [
    ("GET", "/api/messages", 200),
    ("GET", "/api/messages?limit=100&page=1", 200),
    ("GET", "/api/messages/{message_id}", 404),
    ("GET", "/api/contacts", 200),
    ("GET", "/api/contacts?tag=vip", 200),
    ("GET", "/api/contacts?tag=customers&status=ACTIVE", 200),
    ("GET", "/api/contacts/{contact_id}", 404),
    ("PATCH", "/api/contacts/{contact_id}", 404),
    ("DELETE", "/api/contacts/{contact_id}", 404),
]


@pytest.mark.parametrize(("method", "path", "status"), READS, ids=[f"{m} {p}" for m, p, _ in READS])
def test_isolation_b_never_sees_or_changes_a_data(api: Client, tenants, method, path, status):
    url = path.format(message_id=tenants["message_id"], contact_id=tenants["contact"]["id"])
    response = api.open(url, method=method, json={"name": "Hijacked"}, headers=auth(tenants["b_key"]))
    assert response.status_code == status
    assert leaks(response, tenants, asked=url) == set()
    if response.status_code == 200:
        assert response.json["data"] == []
    # A's contact is untouched
    a_view = api.get(f"/api/contacts/{tenants['contact']['id']}", headers=auth(tenants["a_key"])).json
    assert a_view == tenants["contact"]


@pytest.mark.parametrize(
    "path", ["/api/messages/sms/all", "/api/messages/sms/tags", "/api/messages/email/all", "/api/messages/email/tags"]
)
def test_isolation_b_audience_sends_never_reach_a_contacts(api: Client, tenants, path):
    body: dict[str, Any] = {"message": "hi"} | ({"subject": "hi"} if "/email/" in path else {})
    body |= {"tags": ["vip", "customers"]} if path.endswith("/tags") else {}
    response = api.post(path, json=body, headers=auth(tenants["b_key"]))
    # B has no contacts: nothing to send, and nothing of A's in the answer
    assert response.status_code == 200
    assert (response.json["queueId"], response.json["messages"]) == ("", [])
    assert leaks(response, tenants) == set()


def test_isolation_b_may_create_a_contact_with_a_phone_a_already_has(api: Client, tenants):
    body = {"name": "B's own", "phone": tenants["contact"]["phone"]}
    response = api.post("/api/contacts", json=body, headers=auth(tenants["b_key"]))
    assert response.status_code == 201
    assert response.json["id"] not in tenants["a_ids"]


def test_isolation_b_import_of_a_phone_creates_b_contact_and_leaves_a_alone(api: Client, tenants):
    body = f"name,phone\nB's,{tenants['contact']['phone']}\n"
    report = api.post("/api/contacts/import", data=body, headers={**auth(tenants["b_key"]), "Content-Type": "text/csv"})
    assert (report.json["created"], report.json["updated"]) == (1, 0)
    a_view = api.get(f"/api/contacts/{tenants['contact']['id']}", headers=auth(tenants["a_key"])).json
    assert a_view == tenants["contact"]


def test_isolation_a_cursor_used_by_b_pages_b_data_only(api: Client, tenants):
    cursor = api.get("/api/contacts?limit=1", headers=auth(tenants["a_key"])).json["meta"]["nextCursor"]
    response = api.get(f"/api/contacts?cursor={cursor}", headers=auth(tenants["b_key"]))
    assert response.status_code == 200
    assert response.json["data"] == []
