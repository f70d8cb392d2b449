"""GET /api/account and GET /api/activity: what the console shows beside the messages."""

from datetime import UTC, datetime, timedelta

from werkzeug.test import Client

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization


def test_account_shows_the_callers_organisation_and_balance_after_a_send(api: Client, demo):
    # Given a send that costs credits
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    # When the organisation reads its account
    response = api.get("/api/account", headers=auth(demo.api_key))
    # Then it sees itself, its balance after the send, and its home country
    assert response.status_code == 200
    account = response.json
    assert (account["id"], account["balance"], account["country"]) == (demo.org_id, credits_of(demo.org_id), "CO")
    assert (account["allowedCountries"], account["termsAccepted"], account["suspended"]) == (["CO"], True, False)
    assert account["emailSuspendedAt"] is None


def test_activity_counts_todays_messages_by_their_current_status(api: Client, demo, drain):
    # Given two SMS sent today and handed to the provider
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    # When the last 30 days are read
    activity = api.get("/api/activity", headers=auth(demo.api_key)).json
    # Then there is one entry per day, oldest first, ending today with both messages SENT
    days = activity["days"]
    today = datetime.now(UTC).date()
    assert [day["day"] for day in days] == [(today - timedelta(days=n)).isoformat() for n in reversed(range(30))]
    assert (days[-1]["total"], days[-1]["byStatus"]) == (2, {"SENT": 2})
    # And no delivery rate yet: no outcome is known before the receipts
    assert activity["deliveryRate"] is None
    assert days[0] == {
        "day": days[0]["day"],
        "total": 0,
        "byStatus": {},
        "deliveryRate": None,
    }


def test_activity_is_the_callers_own(api: Client, demo):
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    _, other_key = organization(credits=10)
    days = api.get("/api/activity?days=1", headers=auth(other_key)).json["days"]
    assert [day["total"] for day in days] == [0]


def test_activity_refuses_a_period_outside_1_to_90_days(api: Client, demo):
    for days in ("0", "91", "many"):
        response = api.get(f"/api/activity?days={days}", headers=auth(demo.api_key))
        assert (response.status_code, response.json["field"]) == (400, "days"), days
