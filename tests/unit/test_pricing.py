"""The SMS price table and the guards on destinations: pure logic, no AWS."""

import pytest

from sendme.domain.audiences import SkipReason, sms_refusal
from sendme.domain.pricing import PriceKind, PriceTable, price_table


def test_price_table_prices_a_country_without_a_row_by_the_default_row():
    table = PriceTable.model_validate(
        {"default": {"transactional": 3, "promotional": 4}, "CO": {"transactional": 1, "promotional": 2}}
    )
    assert table.per_segment("FR", PriceKind.PROMOTIONAL) == 4
    assert table.per_segment(None, PriceKind.TRANSACTIONAL) == 3


def test_price_table_prices_a_country_with_a_row_by_its_kind():
    table = PriceTable.model_validate(
        {"default": {"transactional": 3, "promotional": 4}, "CO": {"transactional": 1, "promotional": 2}}
    )
    assert (table.per_segment("CO", PriceKind.TRANSACTIONAL), table.per_segment("CO", PriceKind.PROMOTIONAL)) == (1, 2)


def test_price_table_shipped_in_the_layer_has_a_default_row_and_iso_countries():
    import phonenumbers

    table = price_table()
    assert "default" in table.root
    assert set(table.root) - {"default"} <= phonenumbers.SUPPORTED_REGIONS


@pytest.mark.parametrize(
    "number",
    ["+449012345678", "+4918012345", "+445612345678", "+447640123456", "+445512345678", "+870773111111"],
)
def test_sms_refusal_blocks_numbers_that_are_not_mobiles(number):
    assert sms_refusal(number, {"GB", "DE", "CO"}) is SkipReason.BLOCKED_NUMBER_TYPE


@pytest.mark.parametrize("number", ["+573001234567", "+12025550123"])
def test_sms_refusal_passes_mobile_and_fixed_line_or_mobile_numbers_in_allowed_countries(number):
    assert sms_refusal(number, {"CO", "US"}) is None


def test_sms_refusal_refuses_a_country_outside_the_allow_list():
    assert sms_refusal("+12025550123", {"CO"}) is SkipReason.COUNTRY_NOT_ALLOWED


def test_sms_refusal_tells_canada_from_the_us_though_both_are_plus_one():
    assert sms_refusal("+14165550123", {"US"}) is SkipReason.COUNTRY_NOT_ALLOWED
