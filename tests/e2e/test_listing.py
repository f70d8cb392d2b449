"""GET /api/messages and /api/messages/{id} over real HTTP, against the local stack.

The stack is shared by the whole session, so each test tags its own sends with a campaign of its
own and filters on it.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import Api

BODY = {"message": "Hola desde las pruebas e2e", "contacts": ["3001234567", "3009876543"], "country": "CO"}


def _send(api: Api, campaign: str, **overrides: Any) -> list[str]:
    response = api.post("/api/messages/sms/contacts", {**BODY, "campaignId": campaign, **overrides})
    assert response.status_code == 201, response.text
    return [message["id"] for message in response.json()["messages"]]


def _settled(api: Api, message_id: str) -> str:
    """The status a message rests in: SENT, or DELIVERED where the stack reports receipts."""
    status: str = api.wait_for(message_id, {"DELIVERED", "FAILED"}, seconds=5)["status"]
    return status


def _list(api: Api, **parameters: str) -> Any:
    response = api.get("/api/messages", params=parameters)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def campaign(api: Api) -> str:
    """A campaign of its own: a send may name only a campaign that exists."""
    response = api.post("/api/campaigns", {"name": f"e2e-{uuid.uuid4()}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_e2e_list_all_is_the_spec_shape(api: Api, campaign):
    _send(api, campaign)
    page = _list(api)
    assert set(page["meta"]) >= {"totalRecords", "totalPages", "currentPage", "limit", "hasNextPage", "hasPreviousPage"}
    assert page["meta"]["totalRecords"] >= 2
    item = page["data"][0]
    assert {"id", "content", "status", "recipientDetails", "campaign", "contact", "organizationId"} <= set(item)


def test_e2e_list_status_page_and_limit_as_the_spec_example(api: Api, campaign):
    ids = _send(api, campaign)
    statuses = {_settled(api, message_id) for message_id in ids}
    assert len(statuses) == 1
    page = _list(api, status=statuses.pop(), page="1", limit="20", campaignId=campaign)
    assert sorted(item["id"] for item in page["data"]) == sorted(ids)
    assert (page["meta"]["limit"], page["meta"]["currentPage"], page["meta"]["totalRecords"]) == (20, 1, 2)


def test_e2e_list_date_range_is_inclusive_utc_days(api: Api, campaign):
    ids = _send(api, campaign)
    today = datetime.now(UTC).date()
    inside = _list(api, startDate=today.isoformat(), endDate=today.isoformat(), campaignId=campaign)
    before = _list(api, startDate="2024-01-01", endDate=(today - timedelta(days=1)).isoformat(), campaignId=campaign)
    assert sorted(item["id"] for item in inside["data"]) == sorted(ids)
    assert before["data"] == []


@pytest.mark.parametrize(
    "parameters",
    [
        {"recipientDetails": "3001234567", "countryCode": "57"},
        {"recipientDetails": "+573001234567"},
        {"content": "desde las"},
        {"contentType": "PLAIN_TEXT"},
        {"messageType": "SMS"},
        {"countryCode": "CO"},
        {"providerId": "sns"},
    ],
    ids=lambda parameters: "&".join(parameters),
)
def test_e2e_list_filter_finds_the_matching_message(api: Api, campaign, parameters):
    ids = _send(api, campaign, contacts=["3001234567"])
    page = _list(api, **parameters, campaignId=campaign)
    assert [item["id"] for item in page["data"]] == ids


def test_e2e_list_sent_at_is_the_utc_day_it_was_sent(api: Api, campaign):
    (message_id,) = _send(api, campaign, contacts=["3001234567"])
    sent_at = api.wait_for(message_id, {"SENT", "DELIVERED"})["sentAt"]
    assert [i["id"] for i in _list(api, sentAt=sent_at[:10], campaignId=campaign)["data"]] == [message_id]
    assert _list(api, sentAt="2024-01-01", campaignId=campaign)["data"] == []


def test_e2e_list_unknown_contact_is_an_empty_page(api: Api):
    page = _list(api, contactId=str(uuid.uuid4()))
    assert (page["data"], page["meta"]["totalRecords"], page["meta"]["hasNextPage"]) == ([], 0, False)


def test_e2e_list_cursor_pages_through_a_campaign(api: Api, campaign):
    ids = _send(api, campaign) + _send(api, campaign, contacts=["3015550101"])
    first = _list(api, campaignId=campaign, limit="2")
    second = _list(api, campaignId=campaign, limit="2", cursor=first["meta"]["nextCursor"])
    listed = [item["id"] for item in first["data"] + second["data"]]
    assert listed == sorted(ids, reverse=True)
    assert (second["meta"]["currentPage"], second["meta"]["hasNextPage"], second["meta"]["nextCursor"]) == (
        2,
        False,
        None,
    )


@pytest.mark.parametrize(
    ("parameters", "field"),
    [({"limit": "101"}, "limit"), ({"status": "LOST"}, "status"), ({"startDate": "2024/01/01"}, "startDate")],
)
def test_e2e_list_bad_parameter_is_a_json_400(api: Api, parameters, field):
    response = api.get("/api/messages", params=parameters)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_e2e_get_message_has_its_timeline(api: Api, campaign):
    (message_id,) = _send(api, campaign, contacts=["3001234567"])
    _settled(api, message_id)
    message = api.get(f"/api/messages/{message_id}").json()
    # ...then DELIVERED too, where the stack reports receipts.
    assert [event["status"] for event in message["history"]][:3] == ["QUEUED", "SENDING", "SENT"]
    # and its campaign by id and name
    name = api.get(f"/api/campaigns/{campaign}").json()["name"]
    assert message["campaign"] == {"id": campaign, "name": name}


def test_e2e_get_malformed_id_is_404(api: Api):
    response = api.get("/api/messages/not-a-message-id")
    assert (response.status_code, response.json()["error"]) == (404, "Not found")
