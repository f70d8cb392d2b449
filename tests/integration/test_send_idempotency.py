"""Idempotency-Key on the six send endpoints: a retry returns the first answer and charges once."""

import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization, queued, stored_messages

ENDPOINTS = [
    pytest.param("/api/messages/sms/contacts", SPEC_SMS_BODY, id="sms-contacts"),
    pytest.param("/api/messages/sms/all", {"message": "Hi all"}, id="sms-all"),
    pytest.param("/api/messages/sms/tags", {"message": "Hi", "tags": ["customers"]}, id="sms-tags"),
    pytest.param(
        "/api/messages/email/contacts",
        {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com", "luis@example.com"]},
        id="email-contacts",
    ),
    pytest.param("/api/messages/email/all", {"subject": "Hi", "message": "Hello"}, id="email-all"),
    pytest.param("/api/messages/email/tags", {"subject": "Hi", "message": "Hello", "tags": ["vip"]}, id="email-tags"),
]


def keyed(api_key: str, idempotency_key: str) -> dict[str, str]:
    return {**auth(api_key), "Idempotency-Key": idempotency_key}


@pytest.mark.parametrize(("path", "body"), ENDPOINTS)
def test_send_retried_with_the_same_key_returns_the_first_answer_and_charges_once(
    api: Client, demo, stack: Stack, path, body
):
    # Given a send that went through with an Idempotency-Key
    first = api.post(path, json=body, headers=keyed(demo.api_key, "retry-1"))
    after_first = (len(stored_messages(stack)), queued(stack), credits_of(demo.org_id))
    # When the client retries it with the same key and body
    second = api.post(path, json=body, headers=keyed(demo.api_key, "retry-1"))
    # Then the answer is the same (queueId and message ids) and nothing more is stored, queued or charged
    assert first.status_code == 201
    assert second.status_code == 201
    assert second.json == first.json
    assert (len(stored_messages(stack)), queued(stack), credits_of(demo.org_id)) == after_first
    assert credits_of(demo.org_id) == 100 - len(first.json["messages"])


@pytest.mark.parametrize(("path", "body"), ENDPOINTS)
def test_send_same_key_with_another_body_is_422_and_changes_nothing(api: Client, demo, stack: Stack, path, body):
    api.post(path, json=body, headers=keyed(demo.api_key, "reused"))
    before = (len(stored_messages(stack)), queued(stack), credits_of(demo.org_id))
    response = api.post(path, json={**body, "message": "something else"}, headers=keyed(demo.api_key, "reused"))
    assert response.status_code == 422
    assert response.json["error"] == "Idempotency key reused"
    assert (len(stored_messages(stack)), queued(stack), credits_of(demo.org_id)) == before


def test_send_same_key_on_another_endpoint_is_422(api: Client, demo):
    api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=keyed(demo.api_key, "k"))
    response = api.post(
        "/api/messages/sms/tags", json={"message": "Hi", "tags": ["vip"]}, headers=keyed(demo.api_key, "k")
    )
    assert response.status_code == 422


def test_send_same_key_in_two_organisations_are_two_sends(api: Client, demo, stack: Stack):
    # Given another organisation that happens to pick the same key
    other_id, other_key = organization(credits=100)
    # When both send with it
    mine = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=keyed(demo.api_key, "order-42"))
    theirs = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=keyed(other_key, "order-42"))
    # Then each gets its own send and is charged for it
    assert mine.json["queueId"] != theirs.json["queueId"]
    assert len(stored_messages(stack)) == 4
    assert (credits_of(demo.org_id), credits_of(other_id)) == (98, 98)


def test_send_without_a_key_sends_again_on_every_request(api: Client, demo, stack: Stack):
    first = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    second = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert first.json["queueId"] != second.json["queueId"]
    assert len(stored_messages(stack)) == 4


def test_send_refused_for_credits_can_be_retried_with_the_same_key_once_topped_up(api: Client, stack: Stack):
    # Given a send refused with 402 under a key
    org_id, key = organization(credits=1)
    refused = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=keyed(key, "topup"))
    # When the organisation buys credits and retries with the same key
    account_service().add_credits(org_id, 10)
    retried = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=keyed(key, "topup"))
    # Then the failure was not remembered: the retry sends
    assert (refused.status_code, retried.status_code) == (402, 201)
    assert credits_of(org_id) == 11 - 2


@pytest.mark.parametrize("bad_key", ["x" * 256, "tab\there"])
def test_send_with_a_malformed_key_is_400_naming_the_header(api: Client, demo, stack: Stack, bad_key):
    response = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=keyed(demo.api_key, bad_key))
    assert response.status_code == 400
    assert response.json["field"] == "Idempotency-Key"
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)
