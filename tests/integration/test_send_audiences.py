"""POST /api/messages/{sms,email}/{all,tags} against moto, and the skip rules every send shares."""

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.clock import now_iso
from sendme.domain.contacts import Contact, ContactStatus
from sendme.domain.ids import new_id
from sendme.storage.suppressions import SuppressionList
from sendme.wiring.contacts import contact_service

from .helpers import auth, credits_of, organization, queued, stored_messages

# The demo organisation (devstack/seed.py): Juan (customers, vip), María (customers),
# Carlos (staff), all ACTIVE, and Ana (customers) BLOCKED.
JUAN, MARIA, CARLOS, ANA = "+573001234567", "+573009876543", "+573015550101", "+573025550123"


def suppress(stack: Stack, org_id: str, address: str) -> None:
    SuppressionList(boto3.resource("dynamodb").Table(stack.ref("AccountsTable"))).add(org_id, address, "Bounce")


def test_send_sms_all_reaches_every_active_contact_and_skips_the_blocked_one(api: Client, demo, stack: Stack):
    # Given the demo organisation's four contacts, one BLOCKED
    # When it sends an SMS to all of them
    response = api.post("/api/messages/sms/all", json={"message": "Hi all"}, headers=auth(demo.api_key))
    # Then the three active contacts get one message each, and the blocked one is skipped as such
    assert response.status_code == 201
    assert sorted(m["recipient"] for m in response.json["messages"]) == sorted([JUAN, MARIA, CARLOS])
    assert response.json["skipped"] == [{"recipient": ANA, "reason": "blocked"}]
    assert queued(stack) == 3
    assert credits_of(demo.org_id) == 100 - 3


def test_send_sms_all_stores_the_contact_id_on_each_message(api: Client, demo, stack: Stack):
    response = api.post("/api/messages/sms/all", json={"message": "Hi all"}, headers=auth(demo.api_key))
    contact_ids = {c.phone: c.id for c in contact_service()._contacts.all(demo.org_id)}
    stored = {item["recipientDetails"]: item for item in stored_messages(stack)}
    assert response.status_code == 201
    assert {address: item["contactId"] for address, item in stored.items()} == {
        address: contact_ids[address] for address in (JUAN, MARIA, CARLOS)
    }


def test_send_sms_tags_matches_any_tag_once_per_contact(api: Client, demo, stack: Stack):
    # Given Juan has both tags asked for
    body = {"message": "Hi", "tags": ["vip", "customers"]}
    # When sending by tags
    response = api.post("/api/messages/sms/tags", json=body, headers=auth(demo.api_key))
    # Then each matching active contact gets exactly one message
    assert response.status_code == 201
    assert sorted(m["recipient"] for m in response.json["messages"]) == sorted([JUAN, MARIA])
    assert response.json["skipped"] == [{"recipient": ANA, "reason": "blocked"}]
    assert len(stored_messages(stack)) == 2


def test_send_sms_tags_without_a_match_is_200_and_empty(api: Client, demo, stack: Stack):
    response = api.post(
        "/api/messages/sms/tags", json={"message": "Hi", "tags": ["nobody"]}, headers=auth(demo.api_key)
    )
    assert response.status_code == 200
    assert (response.json["queueId"], response.json["messages"]) == ("", [])
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


def test_send_sms_all_skips_inactive_contacts_as_blocked(api: Client, demo):
    contact_service().add(demo.org_id, "Gone", phone="3105550199", country="CO", status=ContactStatus.INACTIVE)
    response = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key))
    assert {"recipient": "+573105550199", "reason": "blocked"} in response.json["skipped"]


def test_send_sms_all_dedupes_contacts_sharing_a_number(api: Client, demo, stack: Stack):
    # Given a second contact with Juan's number, stored without its uniqueness item (the contacts
    # API refuses such a duplicate with a 409; the send must not trust that every item obeyed it)
    twin = Contact(id=new_id(), name="Juan again", phone=JUAN, country_code="57", created_at=now_iso())
    boto3.resource("dynamodb").Table(stack.ref("AccountsTable")).put_item(
        Item={"pk": f"ORG#{demo.org_id}", "sk": f"CONTACT#{twin.id}", **twin.to_wire()}
    )
    # When sending to all
    response = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key))
    # Then Juan's number gets one message and the second contact is a duplicate
    assert [m["recipient"] for m in response.json["messages"]].count(JUAN) == 1
    assert {"recipient": JUAN, "reason": "duplicate"} in response.json["skipped"]
    assert len(stored_messages(stack)) == 3


def test_send_email_all_skips_blocked_and_suppressed_addresses(api: Client, demo, stack: Stack):
    # Given María's address hard-bounced before
    suppress(stack, demo.org_id, "maria@example.com")
    # When emailing every contact
    response = api.post(
        "/api/messages/email/all", json={"subject": "News", "message": "Hello"}, headers=auth(demo.api_key)
    )
    # Then the blocked and the suppressed get nothing, each with its reason
    assert response.status_code == 201
    assert sorted(m["recipient"] for m in response.json["messages"]) == ["carlos@example.com", "juan@example.com"]
    assert sorted((s["recipient"], s["reason"]) for s in response.json["skipped"]) == [
        ("ana@example.com", "blocked"),
        ("maria@example.com", "suppressed"),
    ]
    assert queued(stack) == 2


def test_send_email_tags_reaches_the_tagged_contacts(api: Client, demo):
    body = {"subject": "Staff news", "message": "<p>Hi</p>", "contentType": "HTML", "tags": ["staff"]}
    response = api.post("/api/messages/email/tags", json=body, headers=auth(demo.api_key))
    assert response.status_code == 201
    assert [m["recipient"] for m in response.json["messages"]] == ["carlos@example.com"]
    assert response.json["channel"] == "email"


def test_send_email_contacts_skips_suppressed_addresses(api: Client, demo, stack: Stack):
    suppress(stack, demo.org_id, "bounced@example.com")
    body = {"subject": "Hi", "message": "Hello", "contacts": ["bounced@example.com", "fine@example.com"]}
    response = api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key))
    assert [m["recipient"] for m in response.json["messages"]] == ["fine@example.com"]
    assert response.json["skipped"] == [{"recipient": "bounced@example.com", "reason": "suppressed"}]
    assert [item["recipientDetails"] for item in stored_messages(stack)] == ["fine@example.com"]


def test_send_email_contacts_all_suppressed_is_400_and_charges_nothing(api: Client, demo, stack: Stack):
    suppress(stack, demo.org_id, "bounced@example.com")
    body = {"subject": "Hi", "message": "Hello", "contacts": ["bounced@example.com"]}
    response = api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["skipped"] == [{"recipient": "bounced@example.com", "reason": "suppressed"}]
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


def test_send_sms_all_short_of_credits_is_402_and_changes_nothing(api: Client, stack: Stack):
    org_id, key = organization(credits=1)
    for phone in ("3001234567", "3009876543"):
        contact_service().add(org_id, phone, phone=phone, country="CO")
    response = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(key))
    assert response.status_code == 402
    assert (stored_messages(stack), queued(stack), credits_of(org_id)) == ([], 0, 1)


def test_send_email_tags_without_accepted_terms_is_403(api: Client, stack: Stack):
    _, key = organization(credits=100, accept_terms=False)
    body = {"subject": "s", "message": "m", "tags": ["vip"]}
    response = api.post("/api/messages/email/tags", json=body, headers=auth(key))
    assert response.status_code == 403
    assert stored_messages(stack) == []


BAD_AUDIENCE_BODIES = [
    pytest.param("/api/messages/sms/all", {}, "message", id="sms-all-missing-message"),
    pytest.param("/api/messages/sms/all", {"message": ""}, "message", id="sms-all-empty-message"),
    pytest.param("/api/messages/sms/all", {"message": "x" * 1601}, "message", id="sms-all-huge-message"),
    pytest.param("/api/messages/sms/all", {"message": "hi", "type": "PIGEON"}, "type", id="sms-all-unknown-type"),
    pytest.param("/api/messages/sms/all", {"message": "hi", "type": "FLASH"}, "type", id="sms-all-flash"),
    pytest.param("/api/messages/sms/all", {"message": "hi", "country": "ZZ"}, "country", id="sms-all-bad-country"),
    pytest.param("/api/messages/sms/all", {"message": ["hi"]}, "message", id="sms-all-wrong-type"),
    pytest.param("/api/messages/sms/tags", {"message": "hi"}, "tags", id="sms-tags-missing-tags"),
    pytest.param("/api/messages/sms/tags", {"message": "hi", "tags": []}, "tags", id="sms-tags-empty-tags"),
    pytest.param("/api/messages/sms/tags", {"message": "hi", "tags": "vip"}, "tags", id="sms-tags-not-a-list"),
    pytest.param("/api/messages/sms/tags", {"message": "hi", "tags": [""]}, "tags[0]", id="sms-tags-empty-tag"),
    pytest.param("/api/messages/sms/tags", {"message": "hi", "tags": ["x" * 65]}, "tags[0]", id="sms-tags-huge-tag"),
    pytest.param("/api/messages/email/all", {"message": "m"}, "subject", id="email-all-missing-subject"),
    pytest.param("/api/messages/email/all", {"subject": "s"}, "message", id="email-all-missing-message"),
    pytest.param(
        "/api/messages/email/all",
        {"subject": "s", "message": "m", "contentType": "PDF"},
        "contentType",
        id="email-all-unknown-content-type",
    ),
    pytest.param(
        "/api/messages/email/all", {"subject": "s" * 999, "message": "m"}, "subject", id="email-all-huge-subject"
    ),
    pytest.param("/api/messages/email/tags", {"subject": "s", "message": "m"}, "tags", id="email-tags-missing-tags"),
    pytest.param(
        "/api/messages/email/tags", {"subject": "s", "message": "m", "tags": []}, "tags", id="email-tags-empty-tags"
    ),
    pytest.param("/api/messages/email/contacts", {"subject": "s", "message": "m"}, "contacts", id="email-no-contacts"),
    pytest.param(
        "/api/messages/email/contacts",
        {"subject": "s", "message": "m", "contacts": []},
        "contacts",
        id="email-empty-contacts",
    ),
    pytest.param(
        "/api/messages/email/contacts",
        {"subject": "s", "message": "m", "contacts": ["a@example.com"] * 1001},
        "contacts",
        id="email-too-many-recipients",
    ),
    pytest.param(
        "/api/messages/email/contacts",
        {"subject": "s", "message": "m" * 100_001, "contacts": ["a@example.com"]},
        "message",
        id="email-huge-message",
    ),
    pytest.param(
        "/api/messages/email/contacts",
        {"subject": 7, "message": "m", "contacts": ["a@example.com"]},
        "subject",
        id="email-subject-wrong-type",
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD_AUDIENCE_BODIES)
def test_send_bad_input_is_400_naming_the_field_and_changes_nothing(api: Client, demo, stack, path, body, field):
    response = api.post(path, json=body, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == field
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


@pytest.mark.parametrize(
    "path", ["/api/messages/sms/all", "/api/messages/sms/tags", "/api/messages/email/all", "/api/messages/email/tags"]
)
@pytest.mark.parametrize("raw", [b"{nope", b"", b"[]", b"null"])
def test_send_audience_unparseable_body_is_400_and_changes_nothing(api: Client, demo, stack, path, raw):
    response = api.post(path, data=raw, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == "body"
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)
