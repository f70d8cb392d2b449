"""GET /api/messages and /api/messages/{id}: the caller's organisation only, newest first."""

from werkzeug.test import Client

from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth


def test_list_is_newest_first_with_page_meta(api: Client, demo):
    first = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    second = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    response = api.get("/api/messages?limit=3", headers=auth(demo.api_key))
    assert response.status_code == 200
    ids = [item["id"] for item in response.json["data"]]
    newest = sorted([m["id"] for m in first["messages"] + second["messages"]], reverse=True)
    assert ids == newest[:3]
    meta = dict(response.json["meta"])
    assert meta.pop("nextCursor")
    assert meta == {
        "totalRecords": 4,
        "totalPages": 2,
        "currentPage": 1,
        "limit": 3,
        "hasNextPage": True,
        "hasPreviousPage": False,
        "totalRecordsCapped": False,
    }
    page_two = api.get("/api/messages?limit=3&page=2", headers=auth(demo.api_key)).json
    assert [item["id"] for item in page_two["data"]] == newest[3:]


def test_list_item_has_the_contract_shape(api: Client, demo):
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    item = api.get("/api/messages", headers=auth(demo.api_key)).json["data"][0]
    contract_keys = {
        "id", "content", "contentType", "status", "sentAt", "errorMessage", "recipientDetails", "countryCode",
        "messageType", "provider", "campaign", "contact", "organizationId", "createdAt", "updatedAt", "deletedAt",
    }  # fmt: skip
    assert contract_keys <= set(item)
    assert (item["organizationId"], item["countryCode"], item["messageType"]) == (demo.org_id, "57", "SMS")


def test_list_and_get_never_show_another_organisations_messages(api: Client, demo):
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    other = account_service().create_organization("Other", credits=10, accept_terms=True)
    other_key = account_service().issue_api_key(other.id)
    assert api.get("/api/messages", headers=auth(other_key)).json["data"] == []
    response = api.get(f"/api/messages/{sent['messages'][0]['id']}", headers=auth(other_key))
    assert response.status_code == 404


def test_get_message_returns_its_timeline(api: Client, demo, drain):
    sent = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json
    drain()
    message_id = sent["messages"][0]["id"]
    response = api.get(f"/api/messages/{message_id}", headers=auth(demo.api_key))
    assert response.status_code == 200
    assert [(e["status"], e["source"]) for e in response.json["history"]] == [
        ("QUEUED", "api"),
        ("SENDING", "worker"),
        ("SENT", "worker"),
    ]


def test_list_bad_limit_is_400_naming_the_parameter(api: Client, demo):
    response = api.get("/api/messages?limit=101", headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == "limit"
    assert "limit" in response.json["details"]
