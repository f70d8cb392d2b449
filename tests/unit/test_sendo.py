"""Sendo's GET /v1/message/list: its query, the mapping of our messages to its items, the skip and
its error shape; no AWS (the listing is a fake)."""

import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from pydantic import ValidationError

from sendme.contracts import dialects
from sendme.contracts.sendo import MAX_SKIP, SendoMessage, SendoQuery, SmsQuery, sendo_error_body
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Channel, Direction, Message, MessageStatus, MessageType
from sendme.edge.http import build_resolver
from sendme.services.listing import ListingService
from sendme.services.sendo import READ_PAGE, SendoListing

from .test_error_responses import resolve


def _sms(status: MessageStatus = MessageStatus.SENT, number: int = 0, **changes: Any) -> Message:
    fields: dict[str, Any] = {
        "org_id": "org",
        "id": f"m{number}",
        "channel": Channel.SMS,
        "message_type": MessageType.SMS,
        "content": "Hola",
        "recipient_details": "+573001234567",
        "provider": "SNS",
        "queue_id": "q",
        "created_at": "2026-12-06T00:00:00.000Z",
        "updated_at": "2026-12-06T00:00:01.000Z",
        "status": status,
    }
    return Message.model_validate({**fields, **changes})


def test_sendo_query_defaults_to_the_first_ten():
    query = SendoQuery.model_validate({})
    assert (query.limit, query.skip, query.campaign, query.direction, query.number) == (10, 0, None, None, None)


def test_sendo_query_reads_direction_in_any_case():
    assert SendoQuery.model_validate({"direction": "inbound"}).direction is Direction.INBOUND


@pytest.mark.parametrize("parameters", [{"limit": "101"}, {"limit": "0"}, {"skip": "-1"}, {"direction": "BOTH"}])
def test_sendo_query_refuses_an_invalid_value(parameters: dict[str, str]):
    with pytest.raises(ValidationError):
        SendoQuery.model_validate(parameters)


def test_sendo_query_is_our_list_query_with_the_same_filters():
    # Given Sendo's filters
    query = SendoQuery.model_validate({"campaign": "c1", "direction": "OUTBOUND", "number": "+573001234567"})
    # When it becomes our query, read 100 at a time
    ours = query.as_message_query(100)
    # Then it has the same filters, under our names
    assert (ours.campaign_id, ours.direction, ours.number, ours.limit) == (
        "c1",
        Direction.OUTBOUND,
        "+573001234567",
        100,
    )


def test_sendo_query_reads_sms_only():
    # Sendo has no email: whatever the other filters, the channel is SMS
    assert SmsQuery().equalities() == {"channel": "sms"}
    assert SmsQuery(campaign_id="c1").equalities() == {"campaignId": "c1", "channel": "sms"}


def test_sendo_message_leaves_out_null_fields():
    # Given an SMS not sent yet, with no campaign, metadata or error
    item = SendoMessage.of(_sms(MessageStatus.QUEUED)).to_wire()
    # Then its item has no null field at all
    assert None not in item.values()
    assert {"sentAt", "scheduledAt", "metadata", "errorCode", "errorMessage", "campaignId", "from"}.isdisjoint(item)


def test_sendo_message_names_each_field_as_the_mapping_table_does():
    # Given an SMS with every field set
    message = _sms(
        MessageStatus.FAILED,
        sent_at="t",
        scheduled_at="t",
        campaign_id="c1",
        metadata={"k": "v"},
        error_code="DELIVERY_RETRIES_EXHAUSTED",
        error_message="gave up",
        from_="SendMe",
    )
    # Then its item has exactly the Sendo fields the table gives a field of ours
    named = {dialects.field_name(row.sendo) for row in dialects.FIELD_TABLE if row.ours and row.sendo}
    assert set(SendoMessage.of(message).to_wire()) == named


@pytest.mark.parametrize(
    ("message", "status"),
    [
        (_sms(MessageStatus.RECEIVED, direction=Direction.INBOUND), "DELIVERED"),
        (_sms(MessageStatus.SENDING), "QUEUED"),
        (_sms(MessageStatus.FAILED, error_code="QUEUE_REDRIVES_EXHAUSTED"), "RETRIES_EXHAUSTED"),
        (_sms(MessageStatus.CANCELED), "FAILED"),
    ],
)
def test_sendo_message_status_is_the_mapping_tables(message: Message, status: str):
    assert SendoMessage.of(message).status == status == dialects.sendo_status(message)


def test_sendo_message_type_is_sms_for_every_sms_of_ours():
    # An OTP or flash SMS of ours is an SMS to Sendo, which knows only SMS and MMS
    assert SendoMessage.of(_sms(message_type=MessageType.OTP)).type == "SMS"


class FakeListing:
    """each_message over `count` messages, recording the page size asked and how many were read."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.read = 0
        self.page_size = 0

    def each_message(self, org_id: str, query: SmsQuery, home_country: str | None = None) -> Iterator[Message]:
        self.page_size = query.limit
        for number in range(self.count):
            self.read += 1
            yield _sms(number=number)


def _listing(fake: FakeListing) -> SendoListing:
    return SendoListing(cast(ListingService, fake))


def test_sendo_listing_skips_then_takes_limit_reading_no_further():
    # Given 500 messages, When a client skips 150 and takes 10
    fake = FakeListing(500)
    page = _listing(fake).messages("org", SendoQuery(skip=150, limit=10))
    # Then it gets the 151st to the 160th, read in the largest pages, and nothing past them is read
    assert [message.id for message in page.messages] == [f"m{number}" for number in range(150, 160)]
    assert (fake.page_size, fake.read) == (READ_PAGE, 160)


def test_sendo_listing_reads_a_short_list_in_one_page_of_what_it_needs():
    fake = FakeListing(500)
    _listing(fake).messages("org", SendoQuery(skip=5, limit=10))
    assert fake.page_size == 15


def test_sendo_listing_refuses_a_skip_over_the_cap_before_reading():
    fake = FakeListing(0)
    with pytest.raises(RequestInvalidError, match="GET /api/messages") as refused:
        _listing(fake).messages("org", SendoQuery(skip=MAX_SKIP + 1))
    assert refused.value.details["field"] == "skip"
    assert fake.page_size == 0


def test_sendo_listing_serves_a_skip_at_the_cap():
    assert _listing(FakeListing(MAX_SKIP + 1)).messages("org", SendoQuery(skip=MAX_SKIP)).messages[0].id == "m10000"


def test_sendo_error_shape_is_one_error_field_with_the_details():
    # Given a resolver that answers in Sendo's shape
    app = build_resolver(sendo_error_body)

    @app.get("/boom")
    def boom() -> dict[str, Any]:
        raise RequestInvalidError("The parameter 'limit' is wrong", field="limit")

    # When a route of it fails, Then the status is the error map's and the body Sendo's
    response = resolve(app)
    assert (response["statusCode"], json.loads(response["body"])) == (
        400,
        {"error": "The parameter 'limit' is wrong"},
    )
