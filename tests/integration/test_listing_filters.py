"""GET /api/messages: every query parameter, the contract's examples, paging and totals."""

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme import aws
from sendme.domain.ids import new_id
from sendme.domain.messages import Channel, ContentType, Message, MessageStatus, MessageType, StatusEvent
from sendme.storage import search
from sendme.storage.contacts import ContactRepository
from sendme.storage.counters import MessageCounters
from sendme.storage.messages import MessageRepository
from sendme.wiring.accounts import account_service

from .helpers import SPEC_SMS_BODY, auth

JUAN = "Juan Pérez"


def _message(org_id: str, created: datetime, **fields: Any) -> Message:
    at = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status = fields.pop("status", MessageStatus.QUEUED)
    defaults: dict[str, Any] = {
        "channel": Channel.SMS,
        "message_type": MessageType.SMS,
        "content": "Hola",
        "recipient_details": "+573001234567",
        "country_code": "57",
        "provider": "SNS",
        "queue_id": "sms-test",
    }
    return Message(
        org_id=org_id,
        id=new_id(now_ms=int(created.timestamp() * 1000)),
        status=status,
        created_at=at,
        updated_at=at,
        history=[StatusEvent(status=status, at=at, source="api")],
        **{**defaults, **fields},
    )


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def seeded(stack: Stack, demo) -> SimpleNamespace:
    """Five messages of the demo organisation across three months, and one of another org."""
    accounts = boto3.resource("dynamodb").Table(stack.ref("AccountsTable"))
    repository = MessageRepository(
        boto3.resource("dynamodb").Table(stack.ref("MessagesTable")), MessageCounters(accounts)
    )
    juan = next(c for c in ContactRepository(accounts).all(demo.org_id) if c.name == JUAN)
    org = demo.org_id
    welcome = _message(
        org,
        _at(2024, 1, 1, 10, 15),
        content="Hola, este es un mensaje de prueba",
        status=MessageStatus.DELIVERED,
        sent_at="2024-01-01T10:15:30.000Z",
        campaign_id="campaign-1",
        contact_id=juan.id,
    )
    promo = _message(
        org,
        _at(2024, 1, 15, 8),
        content="Promo de enero",
        recipient_details="+573009876543",
        status=MessageStatus.FAILED,
        campaign_id="campaign-1",
    )
    otp = _message(
        org,
        datetime(2024, 1, 31, 23, 59, 59, 999000, tzinfo=UTC),
        content="Your code is 1234",
        message_type=MessageType.OTP,
        recipient_details="+14155552671",
        country_code="1",
        status=MessageStatus.SENT,
    )
    email = _message(
        org,
        _at(2024, 2, 1),
        channel=Channel.EMAIL,
        message_type=MessageType.EMAIL,
        content="<h1>Welcome</h1>",
        content_type=ContentType.HTML,
        recipient_details="ana@example.com",
        country_code=None,
        provider="SES",
        status=MessageStatus.DELIVERED,
        campaign_id="campaign-2",
    )
    again = _message(org, _at(2024, 3, 10, 12), content="Hola otra vez")
    other = account_service().create_organization("Other", credits=10, accept_terms=True)
    foreign = _message(other.id, _at(2024, 1, 10), status=MessageStatus.DELIVERED, campaign_id="campaign-1")
    repository.add_all([welcome, promo, otp, email, again])
    repository.add_all([foreign])
    return SimpleNamespace(
        key=demo.api_key,
        other_key=account_service().issue_api_key(other.id),
        juan=juan,
        welcome=welcome,
        promo=promo,
        otp=otp,
        email=email,
        again=again,
    )


def _list(api: Client, key: str, query: str = "") -> Any:
    response = api.get(f"/api/messages{query}", headers=auth(key))
    assert response.status_code == 200, response.json
    return response.json


def _ids(page: Any) -> list[str]:
    return [item["id"] for item in page["data"]]


def test_list_all_is_the_whole_organisation_newest_first(api: Client, seeded):
    page = _list(api, seeded.key)
    assert _ids(page) == [m.id for m in (seeded.again, seeded.email, seeded.otp, seeded.promo, seeded.welcome)]
    assert page["meta"]["totalRecords"] == 5


def test_list_spec_example_delivered_page_1_limit_20(api: Client, seeded):
    page = _list(api, seeded.key, "?status=DELIVERED&page=1&limit=20")
    assert _ids(page) == [seeded.email.id, seeded.welcome.id]
    assert page["meta"] == {
        "totalRecords": 2,
        "totalPages": 1,
        "currentPage": 1,
        "limit": 20,
        "hasNextPage": False,
        "hasPreviousPage": False,
        "nextCursor": None,
        "totalRecordsCapped": False,
    }


def test_list_spec_example_date_range_includes_both_whole_days(api: Client, seeded):
    page = _list(api, seeded.key, "?startDate=2024-01-01&endDate=2024-01-31")
    # The last millisecond of Jan 31 (UTC) is in; Feb 1 00:00 is out.
    assert _ids(page) == [seeded.otp.id, seeded.promo.id, seeded.welcome.id]
    assert page["meta"]["totalRecords"] == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?startDate=2024-02-01", ["again", "email"]),
        ("?endDate=2024-01-15", ["promo", "welcome"]),
        ("?contentType=html", ["email"]),
        ("?recipientDetails=3001234567&countryCode=57", ["again", "welcome"]),
        ("?campaignId=campaign-1", ["promo", "welcome"]),
        ("?status=DELIVERED&campaignId=campaign-1", ["welcome"]),
        ("?countryCode=57&startDate=2024-01-10&endDate=2024-03-10", ["again", "promo"]),
    ],
)
def test_list_filter_page_and_total_are_the_callers_matches(api: Client, seeded, query, expected):
    # A date alone is open-ended; campaign-1 also has a message of another organisation.
    page = _list(api, seeded.key, query)
    assert _ids(page) == [getattr(seeded, name).id for name in expected]
    assert page["meta"]["totalRecords"] == len(expected)


def test_list_content_is_a_case_sensitive_substring(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?content=Hola")) == [seeded.again.id, seeded.welcome.id]
    assert _ids(_list(api, seeded.key, "?content=hola")) == []


def test_list_status_matches_exactly(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?status=failed")) == [seeded.promo.id]


def test_list_sent_at_date_matches_the_utc_day(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?sentAt=2024-01-01")) == [seeded.welcome.id]
    assert _ids(_list(api, seeded.key, "?sentAt=2024-01-02")) == []


def test_list_sent_at_date_time_matches_that_second(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?sentAt=2024-01-01T10:15:30Z")) == [seeded.welcome.id]
    assert _ids(_list(api, seeded.key, "?sentAt=2024-01-01T05:15:30-05:00")) == [seeded.welcome.id]
    assert _ids(_list(api, seeded.key, "?sentAt=2024-01-01T10:15:31Z")) == []


@pytest.mark.parametrize("recipient", ["%2B573001234567", "%2B57%20300%20123%204567", "573001234567"])
def test_list_international_recipient_needs_no_country_code(api: Client, seeded, recipient):
    assert _ids(_list(api, seeded.key, f"?recipientDetails={recipient}")) == [seeded.again.id, seeded.welcome.id]


def test_list_national_recipient_is_read_in_the_home_country(api: Client, seeded):
    # Given the demo organisation, whose home country is CO / When the list's own example number is
    # asked for without countryCode / Then it finds +573001234567's messages
    assert _ids(_list(api, seeded.key, "?recipientDetails=3001234567")) == [seeded.again.id, seeded.welcome.id]


def test_list_queue_id_gives_that_sends_messages_only(api: Client, seeded):
    # Given two sends to the same numbers
    first = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(seeded.key)).json
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(seeded.key))
    # When the list is filtered by the first one's queueId
    page = _list(api, seeded.key, f"?queueId={first['queueId']}")
    # Then it gives the first send's messages, and counts them
    assert sorted(_ids(page)) == sorted(m["id"] for m in first["messages"])
    assert page["meta"]["totalRecords"] == 2


def test_list_email_recipient_is_normalised_as_sends_store_it(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?recipientDetails=%20ana@EXAMPLE.com")) == [seeded.email.id]


@pytest.mark.parametrize("country", ["57", "%2B57", "CO", "co"])
def test_list_country_code_takes_a_calling_code_or_an_iso_country(api: Client, seeded, country):
    page = _list(api, seeded.key, f"?countryCode={country}")
    assert _ids(page) == [seeded.again.id, seeded.promo.id, seeded.welcome.id]
    assert page["meta"]["totalRecords"] == 3


def test_list_message_type_matches_exactly(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?messageType=OTP")) == [seeded.otp.id]
    assert _ids(_list(api, seeded.key, "?messageType=email")) == [seeded.email.id]


def test_list_provider_id_matches_the_provider(api: Client, seeded):
    assert _ids(_list(api, seeded.key, "?providerId=SES")) == [seeded.email.id]
    assert _list(api, seeded.key, "?providerId=sns")["meta"]["totalRecords"] == 4


def test_list_contact_id_returns_the_contact_with_its_name(api: Client, seeded):
    page = _list(api, seeded.key, f"?contactId={seeded.juan.id}")
    assert _ids(page) == [seeded.welcome.id]
    assert page["data"][0]["contact"] == {"id": seeded.juan.id, "name": JUAN}
    assert page["data"][0]["campaign"] == {"id": "campaign-1", "name": None}


def test_list_pages_by_number(api: Client, seeded):
    pages = [_list(api, seeded.key, f"?limit=2&page={n}") for n in (1, 2, 3)]
    assert [_ids(p) for p in pages] == [
        [seeded.again.id, seeded.email.id],
        [seeded.otp.id, seeded.promo.id],
        [seeded.welcome.id],
    ]
    assert [(p["meta"]["hasNextPage"], p["meta"]["hasPreviousPage"]) for p in pages] == [
        (True, False),
        (True, True),
        (False, True),
    ]


def test_list_cursor_walks_the_same_pages_as_page_numbers(api: Client, seeded):
    first = _list(api, seeded.key, "?limit=2")
    second = _list(api, seeded.key, f"?limit=2&cursor={first['meta']['nextCursor']}")
    third = _list(api, seeded.key, f"?limit=2&cursor={second['meta']['nextCursor']}")
    assert [_ids(p) for p in (second, third)] == [_ids(_list(api, seeded.key, f"?limit=2&page={n}")) for n in (2, 3)]
    assert (second["meta"]["currentPage"], third["meta"]["currentPage"], third["meta"]["nextCursor"]) == (2, 3, None)
    assert third["meta"]["totalRecords"] == 5


def test_list_page_past_the_end_is_empty(api: Client, seeded):
    page = _list(api, seeded.key, "?limit=2&page=9")
    assert (page["data"], page["meta"]["hasNextPage"], page["meta"]["totalPages"]) == ([], False, 3)


def test_list_cursor_of_another_organisation_is_refused(api: Client, seeded):
    cursor = _list(api, seeded.key, "?limit=2")["meta"]["nextCursor"]
    response = api.get(f"/api/messages?limit=2&cursor={cursor}", headers=auth(seeded.other_key))
    assert response.status_code == 400
    assert response.json["field"] == "cursor"


def test_list_cursor_of_other_filters_is_refused(api: Client, seeded):
    cursor = _list(api, seeded.key, "?limit=2")["meta"]["nextCursor"]
    response = api.get(f"/api/messages?limit=2&status=SENT&cursor={cursor}", headers=auth(seeded.key))
    assert (response.status_code, response.json["field"]) == (400, "cursor")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("page=0", "page"),
        ("status=LOST", "status"),
        ("contentType=XML", "contentType"),
        ("messageType=FAX", "messageType"),
        ("startDate=2024-13-01", "startDate"),
        ("startDate=01/02/2024", "startDate"),
        ("endDate=2024-02-30", "endDate"),
        ("startDate=2024-02-01&endDate=2024-01-01", "endDate"),
        ("sentAt=yesterday", "sentAt"),
        ("countryCode=999", "countryCode"),
        ("countryCode=XX", "countryCode"),
        ("recipientDetails=not-a-number", "recipientDetails"),
        ("recipientDetails=12", "recipientDetails"),
        ("queueId=sms-123", "queueId"),
        ("cursor=garbage", "cursor"),
    ],
)
def test_list_bad_parameter_is_400_naming_it(api: Client, seeded, query, parameter):
    response = api.get(f"/api/messages?{query}", headers=auth(seeded.key))
    assert response.status_code == 400
    assert response.json["error"] == "Invalid parameters"
    assert response.json["field"] == parameter
    assert f"'{parameter}'" in response.json["details"]


def test_list_empty_parameter_is_no_filter(api: Client, seeded):
    assert _list(api, seeded.key, "?status=&content=")["meta"]["totalRecords"] == 5


def test_list_status_totals_follow_delivery(api: Client, demo, drain):
    # Given two messages sent through the API and delivered by the worker
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert _list(api, demo.api_key, "?status=QUEUED")["meta"]["totalRecords"] == 2
    drain()
    # Then the status counters moved with them
    assert _list(api, demo.api_key, "?status=QUEUED")["meta"]["totalRecords"] == 0
    assert _list(api, demo.api_key, "?status=SENT")["meta"]["totalRecords"] == 2
    assert _list(api, demo.api_key)["meta"]["totalRecords"] == 2


def test_list_reads_one_page_not_the_organisation(api: Client, seeded):
    # Given a count of every item DynamoDB reads for the list function
    read: list[int] = []
    events = aws.dynamodb().meta.client.meta.events
    events.register("after-call.dynamodb.*", lambda parsed, **_: read.append(parsed.get("ScannedCount", 0)))
    # When page 1 of two items is listed, unfiltered and by status
    _list(api, seeded.key, "?limit=2")
    _list(api, seeded.key, "?limit=2&status=DELIVERED")
    # Then each read exactly its two items: the totals came from counters
    assert sum(read) == 4


def test_get_message_has_contact_campaign_and_timeline(api: Client, seeded):
    response = api.get(f"/api/messages/{seeded.welcome.id}", headers=auth(seeded.key))
    assert response.status_code == 200
    body = response.json
    assert body["contact"] == {"id": seeded.juan.id, "name": JUAN}
    assert body["campaign"] == {"id": "campaign-1", "name": None}
    assert body["history"] == [
        {"status": "DELIVERED", "at": "2024-01-01T10:15:00.000Z", "source": "api", "detail": None}
    ]


@pytest.mark.parametrize("message_id", ["not-an-id", "x" * 2000, "%20"])
def test_get_malformed_id_is_404(api: Client, seeded, message_id):
    response = api.get(f"/api/messages/{message_id}", headers=auth(seeded.key))
    assert response.status_code == 404
    assert response.json["error"] == "Not found"


# GET /api/messages never reads a partition whole for its totalRecords: a count no counter holds
# stops at its read budget, says so, and the pages still reach every match.


@pytest.fixture
def budget_of_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "COUNT_READ_LIMIT", 3)


def test_list_count_past_its_read_budget_is_a_lower_bound_flagged_capped(api: Client, seeded: Any, budget_of_3):
    # Given 5 matches of a filter no counter holds (content), and a count budget of 3 items
    page = _list(api, seeded.key, "?content=o&limit=2")
    # Then the total is what the budget counted, flagged as a lower bound, and there is a next page
    assert page["meta"]["totalRecords"] == 3
    assert page["meta"]["totalRecordsCapped"] is True
    assert page["meta"]["hasNextPage"] is True


def test_list_pages_past_a_capped_total_still_reach_every_match(api: Client, seeded: Any, budget_of_3):
    seen, query = [], "?content=o&limit=2"
    page = _list(api, seeded.key, query)
    seen += _ids(page)
    while page["meta"]["hasNextPage"]:
        page = _list(api, seeded.key, f"{query}&cursor={page['meta']['nextCursor']}")
        seen += _ids(page)
    assert len(seen) == len(set(seen)) == 5


def test_list_count_within_its_budget_is_exact(api: Client, seeded: Any):
    page = _list(api, seeded.key, "?content=o&limit=2")
    assert (page["meta"]["totalRecords"], page["meta"]["totalRecordsCapped"]) == (5, False)
