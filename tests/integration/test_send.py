"""POST /api/messages/{sms,email}/contacts against moto: persist, reserve, enqueue."""

import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, stored_messages


def test_send_sms_spec_example_returns_the_enqueue_summary(api: Client, demo, stack: Stack):
    # Given the demo organisation / When it posts the contract's example body
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    # Then 201 with E.164 recipients, one persisted message and one queue entry per recipient
    assert response.status_code == 201
    body = response.json
    assert body["channel"] == "sms"
    assert body["queueId"].startswith("sms-")
    assert [m["recipient"] for m in body["messages"]] == ["+573001234567", "+573009876543"]
    stored = {item["id"]: item for item in stored_messages(stack)}
    assert set(stored) == {m["id"] for m in body["messages"]}
    assert {item["status"] for item in stored.values()} == {"QUEUED"}
    assert queued(stack) == 2


def test_send_sms_reserves_credits_per_segment(api: Client, demo):
    # Given a two-segment message (161 GSM-7 characters) to two numbers
    body = {**SPEC_SMS_BODY, "message": "a" * 161}
    api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then 2 recipients x 2 segments x 1 credit are taken
    assert credits_of(demo.org_id) == 100 - 4


def test_send_sms_with_no_valid_recipient_is_400_with_the_reasons(api: Client, demo, stack: Stack):
    # Given only numbers that cannot be read / When they are sent to
    response = api.post(
        "/api/messages/sms/contacts", json={**SPEC_SMS_BODY, "contacts": ["12", "abc"]}, headers=auth(demo.api_key)
    )
    # Then the answer says why, not a silent 200; nothing is stored or charged
    assert response.status_code == 400
    assert (response.json["error"], response.json["field"]) == ("Invalid parameters", "contacts")
    assert response.json["skipped"] == [
        {"recipient": "12", "reason": "invalid"},
        {"recipient": "abc", "reason": "invalid"},
    ]
    assert stored_messages(stack) == []
    assert credits_of(demo.org_id) == 100


BAD_BODIES = [
    pytest.param({"contacts": ["3001234567"]}, "message", id="missing-message"),
    pytest.param({**SPEC_SMS_BODY, "message": ""}, "message", id="empty-message"),
    pytest.param({**SPEC_SMS_BODY, "message": "x" * 1601}, "message", id="huge-message"),
    pytest.param({**SPEC_SMS_BODY, "contacts": []}, "contacts", id="empty-contacts"),
    pytest.param({**SPEC_SMS_BODY, "contacts": "3001234567"}, "contacts", id="contacts-not-a-list"),
    pytest.param({**SPEC_SMS_BODY, "contacts": ["3001234567"] * 1001}, "contacts", id="too-many-recipients"),
    pytest.param({**SPEC_SMS_BODY, "type": "PIGEON"}, "type", id="unknown-type"),
    pytest.param({**SPEC_SMS_BODY, "type": "FLASH"}, "type", id="flash-unsupported-by-sns"),
    pytest.param({**SPEC_SMS_BODY, "country": "ZZ"}, "country", id="bad-country"),
    pytest.param({**SPEC_SMS_BODY, "message": 42}, "message", id="wrong-type"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_send_sms_bad_input_is_400_naming_the_field_and_changes_nothing(api: Client, demo, stack, body, field):
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == field
    assert response.json["error"] == "Invalid parameters"
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


@pytest.mark.parametrize("raw", [b"{nope", b"", b"[]", b"null"])
def test_send_sms_unparseable_body_is_400_and_changes_nothing(api: Client, demo, stack, raw):
    response = api.post("/api/messages/sms/contacts", data=raw, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == "body"
    assert (stored_messages(stack), queued(stack)) == ([], 0)


def test_send_sms_type_is_case_insensitive(api: Client, demo, stack: Stack):
    response = api.post("/api/messages/sms/contacts", json={**SPEC_SMS_BODY, "type": "otp"}, headers=auth(demo.api_key))
    assert response.status_code == 201
    assert {item["messageType"] for item in stored_messages(stack)} == {"OTP"}


def test_send_sms_short_of_credits_is_402_and_changes_nothing(api: Client, stack: Stack):
    organization = account_service().create_organization("Poor", credits=1, accept_terms=True)
    key = account_service().issue_api_key(organization.id)
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    assert response.status_code == 402
    assert response.json["error"] == "Insufficient credits"
    assert (stored_messages(stack), queued(stack), credits_of(organization.id)) == ([], 0, 1)


def test_send_sms_without_accepted_terms_is_403_and_changes_nothing(api: Client, stack: Stack):
    organization = account_service().create_organization("New", credits=100, accept_terms=False)
    key = account_service().issue_api_key(organization.id)
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    assert response.status_code == 403
    assert (stored_messages(stack), queued(stack), credits_of(organization.id)) == ([], 0, 100)
    # Listing stays allowed
    assert api.get("/api/messages", headers=auth(key)).status_code == 200


def test_send_email_html_normalises_addresses_and_enqueues(api: Client, demo, stack: Stack):
    body = {
        "subject": "Welcome to SendMe",
        "message": "<h1>Welcome!</h1><p>Thank you for joining us.</p>",
        "contentType": "html",
        "contacts": ["Ana@Example.COM", "bob@example.com", "not-an-email"],
    }
    response = api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key))
    assert response.status_code == 201
    assert [m["recipient"] for m in response.json["messages"]] == ["Ana@example.com", "bob@example.com"]
    assert [s["reason"] for s in response.json["skipped"]] == ["invalid"]
    assert {item["contentType"] for item in stored_messages(stack)} == {"HTML"}
    assert queued(stack) == 2


def test_send_email_addresses_differing_only_in_case_are_one_recipient(api: Client, demo, stack: Stack):
    # Given one mailbox written in two cases
    body = {"subject": "Hi", "message": "Hello", "contacts": ["Ana@Example.com", "ana@example.com"]}
    # When it is sent to
    response = api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key))
    # Then one message is sent and charged, the other is skipped as a duplicate
    assert [m["recipient"] for m in response.json["messages"]] == ["Ana@example.com"]
    assert response.json["skipped"] == [{"recipient": "ana@example.com", "reason": "duplicate"}]
    assert credits_of(demo.org_id) == 100 - 1
