"""Per-organisation request limits and suspension, through the gateway and the handlers."""

from werkzeug.test import Client

from sendme.wiring.accounts import account_service

from .helpers import auth, organization

SEND = {"message": "hi", "contacts": ["3001234567"], "country": "CO"}


def limited(per_minute: int) -> str:
    org_id, key = organization(credits=10)
    account_service().set_request_limit(org_id, per_minute, per_minute)
    return key


def test_rate_limit_refuses_the_request_over_the_budget_with_429(api: Client, demo):
    # Given an organisation allowed 2 requests a minute
    key = limited(2)
    # When it makes 3
    answers = [api.get("/api/messages", headers=auth(key)) for _ in range(3)]
    # Then the third is a 429 saying when to retry, in the body and in Retry-After
    assert [a.status_code for a in answers] == [200, 200, 429]
    refused = answers[2]
    assert refused.json["error"] == "Too many requests"
    assert refused.json["retryAfter"] == int(refused.headers["Retry-After"]) > 0
    assert refused.headers["RateLimit-Limit"] == "2"


def test_rate_limit_admits_nothing_past_the_budget_when_its_eventually_consistent_read_lags(
    api: Client, demo, lagging_replica
):
    # Given an organisation allowed 2 requests a minute, and reads of its bucket that see no write
    key = limited(2)
    # When it makes 3
    answers = [api.get("/api/messages", headers=auth(key)) for _ in range(3)]
    # Then the conditional write of the bucket refuses what the stale read admitted: the third is a 429
    assert [a.status_code for a in answers] == [200, 200, 429]


def test_rate_limit_headers_are_on_every_answer_errors_included(api: Client, demo):
    key = limited(5)
    served = api.get("/api/messages", headers=auth(key))
    invalid = api.post("/api/messages/sms/contacts", headers=auth(key), json={"message": ""})
    assert served.headers["RateLimit-Remaining"] == "4"
    assert (invalid.status_code, invalid.headers["RateLimit-Remaining"]) == (400, "3")


def test_rate_limit_of_one_organisation_leaves_another_alone(api: Client, demo):
    key = limited(1)
    api.get("/api/messages", headers=auth(key))
    assert api.get("/api/messages", headers=auth(key)).status_code == 429
    assert api.get("/api/messages", headers=auth(demo.api_key)).status_code == 200


def test_rate_limit_default_is_100_requests_a_minute(api: Client, demo):
    _, key = organization(credits=10)
    assert api.get("/api/messages", headers=auth(key)).headers["RateLimit-Limit"] == "100"


def test_suspended_organisation_is_403_on_every_route_and_nothing_is_sent(api: Client, demo):
    # Given a suspended organisation
    org_id, key = organization(credits=10)
    account_service().suspend(org_id)
    # When it lists or sends, Then both are refused and nothing is charged
    assert api.get("/api/messages", headers=auth(key)).status_code == 403
    refused = api.post("/api/messages/sms/contacts", headers=auth(key), json=SEND)
    assert (refused.status_code, refused.json["error"]) == (403, "Forbidden")
    assert account_service().organization(org_id).credits == 10
    # And once resumed it is served again
    account_service().resume(org_id)
    assert api.post("/api/messages/sms/contacts", headers=auth(key), json=SEND).status_code == 201
