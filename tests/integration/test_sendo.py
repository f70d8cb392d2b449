"""GET /v1/message/list: Sendo's list over ours, through the gateway and the handler, against moto."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.messages import Channel, ContentType, Direction, MessageStatus, MessageType
from sendme.storage.counters import MessageCounters
from sendme.storage.messages import MessageRepository
from sendme.wiring.accounts import account_service

from .helpers import organization
from .test_listing_filters import _message

ROUTE = "/v1/message/list"
TWO_WAY = "+12065550177"
CUSTOMER = "+573001234567"
START = datetime(2026, 1, 1, tzinfo=UTC)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def seeded(stack: Stack, demo) -> SimpleNamespace:
    """The demo organisation's SMS (one received), an email, and another organisation's SMS."""
    accounts = boto3.resource("dynamodb").Table(stack.ref("AccountsTable"))
    repository = MessageRepository(
        boto3.resource("dynamodb").Table(stack.ref("MessagesTable")), MessageCounters(accounts)
    )
    org = demo.org_id
    sent = [
        _message(org, START + timedelta(minutes=minute), content=f"SMS {minute}", recipient_details=CUSTOMER)
        for minute in range(5)
    ]
    delivered = _message(
        org,
        START + timedelta(minutes=10),
        content="Promo",
        recipient_details="+573009876543",
        status=MessageStatus.DELIVERED,
        sent_at="2026-01-01T00:10:01.000Z",
        campaign_id="campaign-1",
        metadata={"customId": "123456789"},
        segments=2,
        **{"from": "SendMe"},
    )
    inbound = _message(
        org,
        START + timedelta(minutes=20),
        content="Incoming message",
        recipient_details=TWO_WAY,
        direction=Direction.INBOUND,
        status=MessageStatus.RECEIVED,
        **{"from": CUSTOMER},
    )
    email = _message(
        org,
        START + timedelta(minutes=30),
        channel=Channel.EMAIL,
        message_type=MessageType.EMAIL,
        content="<h1>Hi</h1>",
        content_type=ContentType.HTML,
        recipient_details="ana@example.com",
        provider="SES",
        campaign_id="campaign-1",
    )
    other_org, other_key = organization(credits=10)
    repository.add_all([*sent, delivered, inbound, email])
    repository.add_all([_message(other_org, START, campaign_id="campaign-1")])
    return SimpleNamespace(
        key=demo.api_key, other_key=other_key, sent=sent, delivered=delivered, inbound=inbound, email=email
    )


def _list(api: Client, key: str, query: str = "") -> list[dict[str, Any]]:
    response = api.get(f"{ROUTE}{query}", headers=bearer(key))
    assert response.status_code == 200, response.json
    messages: list[dict[str, Any]] = response.json["messages"]
    return messages


def sendo_error(response: Any) -> str:
    """The details of an error answered in Sendo's shape: an `error` field and nothing else."""
    body = response.json
    assert isinstance(body, dict)
    assert list(body) == ["error"], body
    details: str = body["error"]
    return details


def _ids(messages: list[dict[str, Any]]) -> list[str]:
    return [message["id"] for message in messages]


def test_sendo_list_answers_our_sms_in_sendo_shape(api: Client, seeded):
    # When a Sendo client lists the campaign's messages
    (message,) = _list(api, seeded.key, "?campaign=campaign-1")
    # Then it is the delivered SMS with Sendo's names and words, and no null field
    assert message == {
        "id": seeded.delivered.id,
        "type": "SMS",
        "createdAt": seeded.delivered.created_at,
        "sentAt": "2026-01-01T00:10:01.000Z",
        "updatedAt": seeded.delivered.updated_at,
        "direction": "OUTBOUND",
        "from": "SendMe",
        "to": "+573009876543",
        "body": "Promo",
        "metadata": {"customId": "123456789"},
        "numSegments": 2,
        "campaignId": "campaign-1",
        "status": "DELIVERED",
    }


def test_sendo_list_is_newest_first_ten_by_default_and_sms_only(api: Client, seeded):
    # When it lists without parameters, Then the SMS come newest first and the email is not there
    assert _ids(_list(api, seeded.key)) == _ids(
        [{"id": m.id} for m in [seeded.inbound, seeded.delivered, *reversed(seeded.sent)]]
    )


def test_sendo_list_direction_inbound_is_what_the_organisation_received(api: Client, seeded):
    (message,) = _list(api, seeded.key, "?direction=INBOUND")
    assert (message["id"], message["direction"], message["status"]) == (seeded.inbound.id, "INBOUND", "DELIVERED")
    assert (message["from"], message["to"]) == (CUSTOMER, TWO_WAY)


def test_sendo_list_direction_outbound_leaves_out_what_was_received(api: Client, seeded):
    assert seeded.inbound.id not in _ids(_list(api, seeded.key, "?direction=OUTBOUND&limit=100"))
    assert len(_list(api, seeded.key, "?direction=OUTBOUND&limit=100")) == 6


def test_sendo_list_number_is_either_side_in_the_home_country_format(api: Client, seeded):
    # Given the customer's number as it is written in Colombia (the demo organisation's country)
    messages = _list(api, seeded.key, "?number=300%20123%204567&limit=100")
    # Then what we sent it and what it sent us are listed
    assert set(_ids(messages)) == {seeded.inbound.id, *(m.id for m in seeded.sent)}


def test_sendo_list_skip_and_limit_are_an_offset_into_the_newest_first_list(api: Client, seeded):
    # Given the 7 SMS newest first, When it skips 3 and takes 2
    messages = _list(api, seeded.key, "?skip=3&limit=2")
    # Then it gets the 4th and 5th newest
    assert _ids(messages) == [seeded.sent[3].id, seeded.sent[2].id]


def test_sendo_list_skip_past_the_end_is_empty(api: Client, seeded):
    assert _list(api, seeded.key, "?skip=7") == []


def test_sendo_list_skip_reads_through_pages_of_the_largest_size(api: Client, seeded, monkeypatch):
    # Given pages of 2 (the largest, for this test), When it skips 5 and takes 2
    monkeypatch.setattr("sendme.services.sendo.READ_PAGE", 2)
    messages = _list(api, seeded.key, "?skip=5&limit=2")
    # Then the pages are walked through to the 6th and 7th newest
    assert _ids(messages) == [seeded.sent[1].id, seeded.sent[0].id]


def test_sendo_list_shows_only_the_callers_organisation(api: Client, seeded):
    assert _list(api, seeded.other_key, "?campaign=campaign-1&limit=100") != []
    assert not set(_ids(_list(api, seeded.other_key, "?limit=100"))) & set(_ids(_list(api, seeded.key, "?limit=100")))


def test_sendo_list_without_a_key_is_401_in_sendo_shape(api: Client, seeded):
    response = api.get(ROUTE)
    assert (response.status_code, response.json) == (401, {"error": "Invalid or missing API key"})


def test_sendo_list_with_a_bad_key_is_401_in_sendo_shape(api: Client, seeded):
    response = api.get(ROUTE, headers=bearer("sk_not_a_key"))
    assert (response.status_code, response.json) == (401, {"error": "Invalid or missing API key"})


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?limit=101", "limit"),
        ("?limit=0", "limit"),
        ("?skip=-1", "skip"),
        ("?direction=SIDEWAYS", "direction"),
        ("?number=not-a-number", "number"),
        ("?page=2", "page"),
    ],
)
def test_sendo_list_invalid_or_unknown_parameter_is_400_in_sendo_shape(api: Client, seeded, query: str, says: str):
    response = api.get(f"{ROUTE}{query}", headers=bearer(seeded.key))
    assert response.status_code == 400
    assert says in sendo_error(response)


def test_sendo_list_skip_over_10000_is_400_pointing_to_the_cursor(api: Client, seeded):
    response = api.get(f"{ROUTE}?skip=10001", headers=bearer(seeded.key))
    assert response.status_code == 400
    assert "GET /api/messages" in sendo_error(response)


def test_sendo_list_over_the_rate_limit_is_429_in_sendo_shape(api: Client, seeded):
    # Given an organisation allowed 1 request a minute
    org_id, key = organization(credits=10)
    account_service().set_request_limit(org_id, 1, 1)
    # When it lists twice, Then the second is a 429 with Sendo's body and Retry-After
    api.get(ROUTE, headers=bearer(key))
    refused = api.get(ROUTE, headers=bearer(key))
    assert refused.status_code == 429
    assert sendo_error(refused)
    assert int(refused.headers["Retry-After"]) > 0


def test_sendo_list_other_methods_are_405_in_sendo_shape(api: Client, seeded):
    response = api.post(ROUTE, headers=bearer(seeded.key), json={})
    assert (response.status_code, response.headers["Allow"]) == (405, "GET")
    assert "POST" in sendo_error(response)
