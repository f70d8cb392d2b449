"""SMS fraud and cost guards (decision 18): number types, the country allow-list, prices by destination."""

from typing import Any

import pytest
from moto.sns.models import sns_backends
from werkzeug.test import Client

from devstack.provision import ACCOUNT_ID, Stack
from sendme.domain.errors import ProviderError
from sendme.domain.pricing import PriceKind, price_table
from sendme.outbound.providers import SmsProvider
from sendme.wiring.accounts import account_service

from .helpers import auth, credits_of, organization, stored_messages

CO_MOBILE, MX_MOBILE, BR_MOBILE, DE_MOBILE = "+573001234567", "+525512345678", "+5511961234567", "+4915123456789"
US_MOBILE = "+12025550123"


def allowed(org_id: str, *countries: str) -> None:
    account_service().set_allowed_countries(org_id, list(countries))


def send(api: Client, key: str, contacts: list[str], *, dry_run: bool = False, kind: str = "SMS") -> Any:
    path = "/api/messages/sms/contacts" + ("?dryRun=true" if dry_run else "")
    response = api.post(path, json={"message": "Hi", "contacts": contacts, "type": kind}, headers=auth(key))
    assert response.status_code in (200, 201), response.json
    return response.json


def price(country: str, kind: PriceKind = PriceKind.PROMOTIONAL) -> int:
    return price_table().per_segment(country, kind)


@pytest.mark.parametrize(
    ("number", "number_type"),
    [
        ("+449012345678", "premium rate"),
        ("+4918012345", "shared cost"),
        ("+445612345678", "VoIP"),
        ("+447640123456", "pager"),
        ("+445512345678", "UAN"),
        ("+870773111111", "satellite"),
        ("+441212345678", "fixed line"),
    ],
)
def test_send_sms_to_a_number_that_is_not_a_mobile_skips_it_as_blocked_number_type(
    api: Client, stack: Stack, number, number_type
):
    # Given an organisation allowed to send to the number's country
    org_id, key = organization(credits=100)
    allowed(org_id, "CO", "GB", "DE")
    # When it sends to a mobile and to a number of that type
    result = send(api, key, [CO_MOBILE, number])
    # Then only the mobile is sent; the other is skipped as blocked-number-type
    assert [m["recipient"] for m in result["messages"]] == [CO_MOBILE]
    assert result["skipped"] == [{"recipient": number, "reason": "blocked-number-type"}]


def test_send_sms_outside_the_home_country_skips_it_as_country_not_allowed(api: Client, stack: Stack):
    # Given an organisation with the default allow-list (its home country, Colombia)
    _, key = organization(credits=100)
    # When it sends to a Colombian and a US mobile
    result = send(api, key, [CO_MOBILE, US_MOBILE])
    # Then the US number is skipped and not charged
    assert result["skipped"] == [{"recipient": US_MOBILE, "reason": "country-not-allowed"}]
    assert len(stored_messages(stack)) == 1


def test_send_sms_to_a_country_added_to_the_allow_list_sends_it(api: Client, stack: Stack):
    # Given an organisation that allowed the US besides Colombia
    org_id, key = organization(credits=100)
    allowed(org_id, "CO", "US")
    # When it sends to a US mobile / Then it is sent
    assert [m["recipient"] for m in send(api, key, [US_MOBILE])["messages"]] == [US_MOBILE]


def test_send_sms_with_every_recipient_refused_is_400_giving_each_reason(api: Client, stack: Stack):
    # Given a Colombian organisation
    org_id, key = organization(credits=100)
    # When it sends only to a US mobile and a Colombian landline
    body = {"message": "Hi", "contacts": [US_MOBILE, "+576012345678"]}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(key))
    # Then nothing is sent and the 400 says why for each
    assert response.status_code == 400
    assert {s["reason"] for s in response.json["skipped"]} == {"country-not-allowed", "blocked-number-type"}
    assert (stored_messages(stack), credits_of(org_id)) == ([], 100)


def test_send_sms_all_skips_contacts_outside_the_allow_list(api: Client, demo, stack: Stack):
    # Given the demo organisation (Colombia only) with a US contact besides its Colombian ones
    from sendme.wiring.contacts import contact_service

    contact_service().add(demo.org_id, "Bob", phone=US_MOBILE)
    # When it sends to all its contacts
    response = api.post("/api/messages/sms/all", json={"message": "Hi"}, headers=auth(demo.api_key))
    # Then the US contact is skipped as country-not-allowed
    assert {"recipient": US_MOBILE, "reason": "country-not-allowed"} in response.json["skipped"]
    assert US_MOBILE not in {m["recipient"] for m in response.json["messages"]}


def test_send_sms_dry_run_breaks_the_cost_down_by_country_from_the_price_table(api: Client, stack: Stack):
    # Given an organisation allowed Colombia, Mexico and Germany (no row of its own: priced by the default row)
    assert "DE" not in price_table().root
    org_id, key = organization(credits=100)
    allowed(org_id, "CO", "MX", "DE")
    # When it quotes a send to two Colombian, one Mexican and one German mobile
    quote = send(api, key, [CO_MOBILE, "+573009876543", MX_MOBILE, DE_MOBILE], dry_run=True)
    # Then each country is priced by its own row, and the total is their sum
    assert quote["byCountry"] == [
        {"country": "CO", "recipients": 2, "costPerMessage": price("CO"), "totalCost": 2 * price("CO")},
        {"country": "DE", "recipients": 1, "costPerMessage": price("DE"), "totalCost": price("DE")},
        {"country": "MX", "recipients": 1, "costPerMessage": price("MX"), "totalCost": price("MX")},
    ]
    assert quote["totalCost"] == 2 * price("CO") + price("MX") + price("DE")
    assert quote["costPerMessage"] is None  # destinations priced apart


def test_send_sms_dry_run_prices_otp_as_transactional(api: Client, stack: Stack):
    # Given Brazil, whose transactional and promotional prices differ
    assert price("BR", PriceKind.TRANSACTIONAL) != price("BR", PriceKind.PROMOTIONAL)
    org_id, key = organization(credits=100)
    allowed(org_id, "BR")
    # When an OTP and an SMS to Brazil are quoted / Then each has its own price
    assert send(api, key, [BR_MOBILE], dry_run=True, kind="OTP")["totalCost"] == price("BR", PriceKind.TRANSACTIONAL)
    assert send(api, key, [BR_MOBILE], dry_run=True)["totalCost"] == price("BR", PriceKind.PROMOTIONAL)


def test_send_sms_to_several_countries_charges_each_message_its_own_price(api: Client, stack: Stack):
    # Given an organisation allowed Colombia and Mexico
    org_id, key = organization(credits=100)
    allowed(org_id, "CO", "MX")
    # When it sends to one mobile in each
    send(api, key, [CO_MOBILE, MX_MOBILE])
    # Then each stored message carries its country's price and the reservation is their sum
    costs = {item["recipientDetails"]: int(item["cost"]) for item in stored_messages(stack)}
    assert costs == {CO_MOBILE: price("CO"), MX_MOBILE: price("MX")}
    assert credits_of(org_id) == 100 - price("CO") - price("MX")


def test_delivery_failure_of_a_priced_message_refunds_exactly_its_own_cost(api, stack: Stack, drain, monkeypatch):
    # Given a Mexican mobile's SMS (dearer than a Colombian one) that the provider refuses for good,
    # and a Colombian one it sends
    def reject_mexico(self, message, sender_id=None):
        if message.recipient_details == MX_MOBILE:
            raise ProviderError("Invalid parameter: PhoneNumber", code="InvalidParameter", retryable=False)
        return original(self, message, sender_id)

    original = SmsProvider.send
    monkeypatch.setattr(SmsProvider, "send", reject_mexico)
    org_id, key = organization(credits=100)
    allowed(org_id, "CO", "MX")
    send(api, key, [CO_MOBILE, MX_MOBILE])
    # When delivery runs
    drain()
    # Then only the Colombian message stays charged
    assert credits_of(org_id) == 100 - price("CO")
    assert [number for number, _ in sns_backends[ACCOUNT_ID]["us-east-1"].sms_messages.values()] == [CO_MOBILE]
