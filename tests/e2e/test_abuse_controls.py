"""Rate limits and suspension on the local stack, set the way an operator sets them."""

import pytest

from .tenants import admin_json, new_tenant

pytestmark = pytest.mark.devstack_only("the limits are read per request; sam-local's run needs no second copy")


def test_e2e_over_the_rate_limit_is_429_with_the_ratelimit_headers(local_stack):
    # Given an organisation allowed 3 requests a minute
    tenant = new_tenant(local_stack, "--accept-terms")
    admin_json(local_stack, "set-limits", tenant.org_id, "--requests-per-minute", "3")
    # When it makes 4
    answers = [tenant.api.get("/api/messages") for _ in range(4)]
    # Then 3 are served, counting down, and the 4th is refused with when to come back
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert refused.headers["RateLimit-Limit"] == "3"
    assert int(refused.headers["Retry-After"]) == refused.json()["retryAfter"] > 0
    assert refused.json()["error"] == "Too many requests"


def test_e2e_a_suspended_organisation_is_refused_until_resumed(local_stack):
    tenant = new_tenant(local_stack, "--accept-terms")
    admin_json(local_stack, "suspend", tenant.org_id)
    body = {"message": "hi", "contacts": ["3001234567"], "country": "CO"}
    assert tenant.api.get("/api/messages").status_code == 403
    refused = tenant.api.post("/api/messages/sms/contacts", body)
    assert (refused.status_code, refused.json()["error"]) == (403, "Forbidden")
    admin_json(local_stack, "resume", tenant.org_id)
    assert tenant.api.get("/api/messages").status_code == 200
