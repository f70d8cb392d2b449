"""Settings read from the environment as the template sets it."""

from decimal import Decimal

import pytest

from sendme.config import Settings


@pytest.mark.parametrize(("raw", "ceiling"), [("", None), ("0.05", Decimal("0.05"))])
def test_settings_sms_max_price_empty_means_no_ceiling(monkeypatch: pytest.MonkeyPatch, raw: str, ceiling: object):
    # Given the worker's environment as CloudFormation fills it (an empty parameter is "")
    monkeypatch.setenv("MESSAGES_TABLE", "messages")
    monkeypatch.setenv("ACCOUNTS_TABLE", "accounts")
    monkeypatch.setenv("SMS_MAX_PRICE_USD", raw)
    # When the settings are read, Then an empty value is no ceiling, a number is that ceiling
    assert Settings().sms_max_price_usd == ceiling
