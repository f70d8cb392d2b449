"""SMS fraud and cost guards on the local stack: skip reasons and the per-country dry-run quote."""

from sendme.domain.pricing import PriceKind, price_table

from .tenants import admin_json, new_tenant


def price(country: str) -> int:
    return price_table().per_segment(country, PriceKind.PROMOTIONAL)


def test_e2e_sms_to_a_premium_number_and_a_foreign_mobile_is_skipped_with_each_reason(local_stack):
    # Given a Colombian organisation (its allow-list: Colombia)
    tenant = new_tenant(local_stack, "--accept-terms", "--country", "CO")
    # When it sends to a Colombian mobile, a Colombian premium-rate number and a US mobile
    body = {"message": "hi", "contacts": ["+573001234567", "+5719001234567", "+12025550123"]}
    response = tenant.api.post("/api/messages/sms/contacts", body)
    # Then only the mobile is sent; the others are skipped, each with its reason
    assert response.status_code == 201
    assert [m["recipient"] for m in response.json()["messages"]] == ["+573001234567"]
    assert response.json()["skipped"] == [
        {"recipient": "+5719001234567", "reason": "blocked-number-type"},
        {"recipient": "+12025550123", "reason": "country-not-allowed"},
    ]


def test_e2e_dry_run_quotes_each_allowed_country_at_its_price(local_stack):
    # Given an organisation an operator allowed Colombia and Mexico
    tenant = new_tenant(local_stack, "--accept-terms", "--country", "CO")
    admin_json(local_stack, "set-countries", tenant.org_id, "CO", "MX")
    # When it quotes a send to a mobile in each
    body = {"message": "hi", "contacts": ["+573001234567", "+525512345678"]}
    response = tenant.api.post("/api/messages/sms/contacts?dryRun=true", body)
    # Then the quote breaks the cost down by country, from the price table
    assert response.status_code == 200
    quote = response.json()
    assert [(row["country"], row["costPerMessage"]) for row in quote["byCountry"]] == [
        ("CO", price("CO")),
        ("MX", price("MX")),
    ]
    assert quote["totalCost"] == price("CO") + price("MX")
