"""API keys and terms through the API: revocation, hashing, 403s."""

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.accounts import key_id_of
from sendme.domain.errors import ApiKeyNotFoundError
from sendme.wiring.accounts import account_service, authenticator
from sendme.wiring.contacts import contact_service

from .helpers import SPEC_SMS_BODY, auth, replica_serving, stored_messages

SPEC_401 = {"error": "Unauthorized", "message": "Invalid or missing API key"}
EMAIL_BODY = {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"]}
CONTACT = {"name": "Ana", "phone": "3001112233", "countryCode": "CO"}


@pytest.fixture
def unaccepted(stack: Stack) -> str:
    """The key of an organisation with credits that has not accepted the terms."""
    organization = account_service().create_organization("No terms yet", credits=100)
    return account_service().issue_api_key(organization.id)


def test_api_key_revoked_is_rejected_with_the_spec_401(api: Client, demo):
    # Given a working key / When it is revoked
    assert api.get("/api/messages", headers=auth(demo.api_key)).status_code == 200
    account_service().revoke_api_key(demo.org_id, demo.api_key)
    # Then the next request is refused (every request reads its key, consistently)
    response = api.get("/api/messages", headers=auth(demo.api_key))
    assert (response.status_code, response.json) == (401, SPEC_401)


def test_api_key_issued_a_moment_ago_works_before_a_replica_has_it(api: Client, stack: Stack, lagging_replica):
    # Given a key just issued, which an eventually consistent read does not find yet
    organization = account_service().create_organization("Just signed up", credits=10)
    key = account_service().issue_api_key(organization.id)
    account_service().accept_terms(organization.id)
    # When it is used at once
    response = api.get("/api/messages", headers=auth(key))
    # Then it is accepted: a key (and an organisation) not found is read again consistently
    assert response.status_code == 200


def test_api_key_revoked_is_refused_on_the_next_request_whatever_a_replica_still_holds(api: Client, stack: Stack, demo):
    # Given a replica that still serves every item as it was before the revocation
    stale = boto3.resource("dynamodb").Table(stack.ref("AccountsTable")).scan()["Items"]
    account_service().revoke_api_key(demo.org_id, key_id_of(demo.api_key))
    with replica_serving(stale):
        # When the revoked key is used at once
        response = api.get("/api/messages", headers=auth(demo.api_key))
    # Then it is refused: the key is read consistently, never from a replica
    assert response.status_code == 401


def test_api_key_revocation_by_key_id_leaves_the_other_keys_working(api: Client, demo):
    # Given a second key / When the first is revoked by its public id
    second = account_service().issue_api_key(demo.org_id)
    account_service().revoke_api_key(demo.org_id, key_id_of(demo.api_key))
    # Then only the first stops working
    statuses = {key: api.get("/api/messages", headers=auth(key)).status_code for key in (demo.api_key, second)}
    assert statuses == {demo.api_key: 401, second: 200}


def test_api_key_is_stored_only_as_its_sha256_hash(stack: Stack, demo):
    items = boto3.resource("dynamodb").Table(stack.ref("AccountsTable")).scan()["Items"]
    assert demo.api_key not in str(items)
    assert {key.key_id for key in account_service().api_keys(demo.org_id)} == {key_id_of(demo.api_key)}


def test_api_key_unknown_to_the_organisation_cannot_be_revoked(stack: Stack, demo):
    other = account_service().create_organization("Other")
    with pytest.raises(ApiKeyNotFoundError) as raised:
        account_service().revoke_api_key(other.id, demo.api_key)
    assert demo.api_key not in str(raised.value)


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/messages/sms/contacts", SPEC_SMS_BODY), ("/api/messages/email/contacts", EMAIL_BODY)],
)
def test_terms_not_accepted_sending_is_403_and_sends_nothing(api: Client, stack: Stack, unaccepted, path, body):
    response = api.post(path, json=body, headers=auth(unaccepted))
    assert response.status_code == 403
    assert response.json["error"] == "Terms not accepted"
    assert stored_messages(stack) == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/contacts", CONTACT),
        ("POST", "/api/contacts/import", "name,phone\nAna,+573001112233\n"),
    ],
)
def test_terms_not_accepted_contact_writes_are_403(api: Client, unaccepted, method, path, body):
    kwargs = {"json": body} if isinstance(body, dict) else {"data": body}
    response = api.open(path, method=method, headers=auth(unaccepted), **kwargs)
    assert (response.status_code, response.json["error"]) == (403, "Terms not accepted")
    assert api.get("/api/contacts", headers=auth(unaccepted)).json["data"] == []


@pytest.mark.parametrize("path", ["/api/messages", "/api/contacts"])
def test_terms_not_accepted_listing_stays_allowed(api: Client, unaccepted, path):
    assert api.get(path, headers=auth(unaccepted)).status_code == 200


def test_terms_not_accepted_deleting_a_contact_stays_allowed(api: Client, stack: Stack):
    # Given an organisation whose contact was loaded by an administrator, terms not accepted
    organization = account_service().create_organization("Org")
    key = account_service().issue_api_key(organization.id)
    contact = contact_service().add(organization.id, "Ana", phone="3001112233", country="CO")
    # When it deletes the contact / Then erasing personal data needs no terms
    assert api.delete(f"/api/contacts/{contact.id}", headers=auth(key)).status_code == 204


def test_terms_accepted_later_unblocks_sending(api: Client, stack: Stack, unaccepted):
    org_id = authenticator().authenticate(unaccepted).org_id
    account_service().accept_terms(org_id)
    assert api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(unaccepted)).status_code == 201
