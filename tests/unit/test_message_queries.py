"""Which partition a list query reads, and the cursors that resume it."""

from datetime import UTC, datetime

import pytest

from sendme.contracts.messages import MessageQuery, normalized_recipient
from sendme.domain.errors import RequestInvalidError
from sendme.domain.ids import highest_id_at, ids_of_millisecond, lowest_id_at, new_id
from sendme.services.listing import Cursor, decode_cursor, encode_cursor
from sendme.storage.search import plan_query

ORG = "org-1"
MESSAGE_ID = "018cc251-f400-7000-8000-000000000000"


def _plan(sizes: dict[str, int] | None = None, **parameters: str):
    return plan_query(ORG, MessageQuery.from_parameters(parameters), sizes or {})


def test_plan_without_filters_reads_the_organisations_partition():
    plan = _plan()
    assert (plan.index, plan.partition_value, plan.filter) == (None, ORG, None)


def test_plan_single_filter_reads_its_index_without_filter_expression():
    plan = _plan(status="DELIVERED")
    assert (plan.index, plan.partition_value, plan.filter) == ("byStatus", f"{ORG}#DELIVERED", None)


def test_plan_combined_filters_read_the_smallest_counted_partition():
    plan = _plan({"status": 500, "campaignId": 40}, status="DELIVERED", campaignId="c-1")
    assert (plan.index, plan.partition_value) == ("byCampaign", f"{ORG}#c-1")
    assert plan.filter is not None


def test_plan_recipient_wins_over_counted_filters():
    plan = _plan({"status": 1}, status="FAILED", recipientDetails="+573001234567")
    assert plan.index == "byRecipient"


def test_plan_date_range_bounds_the_id_on_any_index():
    plan = _plan(countryCode="57", startDate="2024-01-01", endDate="2024-01-31")
    assert plan.index == "byCountry"
    assert (plan.lowest_id, plan.highest_id) == (
        lowest_id_at(datetime(2024, 1, 1, tzinfo=UTC)),
        highest_id_at(datetime(2024, 1, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    )


def test_plan_sent_at_bounds_creation_by_the_sending_time():
    plan = _plan(sentAt="2024-01-01")
    assert plan.highest_id == highest_id_at(datetime(2024, 1, 1, 23, 59, 59, 999000, tzinfo=UTC))
    assert plan.filter is not None


def test_plan_queue_id_reads_only_its_millisecond_of_the_partition():
    # Given a queue id minted at a known millisecond
    millis = 1_704_104_100_123
    queue_id = f"sms-{new_id(millis)}"
    # When the list is filtered by it
    plan = _plan(queueId=queue_id)
    # Then the key condition is that millisecond, and the queue id is checked on what it yields
    assert (plan.index, plan.partition_value) == (None, ORG)
    assert (plan.lowest_id, plan.highest_id) == ids_of_millisecond(millis)
    assert plan.filter is not None


def test_plan_queue_id_with_a_date_range_keeps_the_narrower_bounds():
    millis = 1_704_104_100_123  # 2024-01-01
    plan = _plan(queueId=f"email-{new_id(millis)}", startDate="2023-12-01", endDate="2024-01-31")
    assert (plan.lowest_id, plan.highest_id) == ids_of_millisecond(millis)


@pytest.mark.parametrize(
    ("raw", "country", "home", "expected"),
    [
        ("3001234567", "57", None, "+573001234567"),
        ("573001234567", None, None, "+573001234567"),
        ("Ana@EXAMPLE.com", None, None, "Ana@example.com"),
        ("3001234567", None, None, None),
        ("3001234567", None, "CO", "+573001234567"),
        ("573001234567", None, "CO", "+573001234567"),
        ("2025550123", "1", "CO", "+12025550123"),
    ],
)
def test_recipient_is_normalised_as_sends_store_it(raw, country, home, expected):
    assert normalized_recipient(raw, country, home) == expected


def test_cursor_round_trips_for_the_same_org_and_filters():
    query = MessageQuery.from_parameters({"status": "SENT", "limit": "5"})
    token = encode_cursor(ORG, query, Cursor(MESSAGE_ID, 2, 12))
    assert decode_cursor(ORG, query, token) == Cursor(MESSAGE_ID, 2, 12)


@pytest.mark.parametrize(
    ("org_id", "parameters"),
    [("org-2", {"status": "SENT", "limit": "5"}), (ORG, {"status": "SENT", "limit": "6"}), (ORG, {"limit": "5"})],
)
def test_cursor_is_refused_for_another_org_or_other_filters(org_id, parameters):
    token = encode_cursor(
        ORG, MessageQuery.from_parameters({"status": "SENT", "limit": "5"}), Cursor(MESSAGE_ID, 2, 12)
    )
    with pytest.raises(RequestInvalidError):
        decode_cursor(org_id, MessageQuery.from_parameters(parameters), token)
