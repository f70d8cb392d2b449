"""?dryRun=true: what a send would do, with nothing persisted, reserved or enqueued."""

import pytest
from werkzeug.test import Client

from devstack.provision import Stack

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization, queued, stored_messages


def test_send_sms_dry_run_reports_recipients_cost_and_balance_and_changes_nothing(api: Client, demo, stack: Stack):
    # Given the spec's example plus an invalid and a duplicate number
    body = {**SPEC_SMS_BODY, "contacts": [*SPEC_SMS_BODY["contacts"], "+573001234567", "12"]}
    # When it is posted as a dry run
    response = api.post("/api/messages/sms/contacts?dryRun=true", json=body, headers=auth(demo.api_key))
    # Then the preview lists what would happen...
    assert response.status_code == 200
    preview = response.json
    assert preview["dryRun"] is True
    assert preview["recipients"] == ["+573001234567", "+573009876543"]
    assert sorted(s["reason"] for s in preview["skipped"]) == ["duplicate", "invalid"]
    assert (preview["segments"], preview["encoding"], preview["ucs2Characters"]) == (1, "GSM-7", [])
    assert (preview["totalCost"], preview["balance"], preview["balanceAfter"]) == (2, 100, 98)
    # ...and nothing was stored, queued or charged
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


def test_send_sms_dry_run_names_the_characters_that_force_ucs2(api: Client, demo):
    body = {**SPEC_SMS_BODY, "message": "Hola 😀 qué tal ✓" + "x" * 60}
    response = api.post("/api/messages/sms/contacts?dryRun=true", json=body, headers=auth(demo.api_key))
    assert response.json["encoding"] == "UCS-2"
    assert response.json["ucs2Characters"] == ["😀", "✓"]
    assert response.json["segments"] == 2
    assert response.json["totalCost"] == 4


def test_send_email_all_dry_run_shows_who_would_be_skipped(api: Client, demo, stack: Stack):
    response = api.post(
        "/api/messages/email/all?dryRun=true", json={"subject": "s", "message": "m"}, headers=auth(demo.api_key)
    )
    assert response.status_code == 200
    assert response.json["recipientCount"] == 3
    assert response.json["skipped"] == [{"recipient": "ana@example.com", "reason": "blocked"}]
    assert (response.json["encoding"], response.json["totalCost"]) == (None, 3)
    assert (stored_messages(stack), queued(stack), credits_of(demo.org_id)) == ([], 0, 100)


def test_send_dry_run_beyond_the_balance_says_so_instead_of_402(api: Client, stack: Stack):
    _, key = organization(credits=1)
    response = api.post("/api/messages/sms/contacts?dryRun=true", json=SPEC_SMS_BODY, headers=auth(key))
    assert response.status_code == 200
    assert (response.json["sufficientCredits"], response.json["balanceAfter"]) == (False, -1)


def test_send_dry_run_false_sends(api: Client, demo, stack: Stack):
    response = api.post("/api/messages/sms/contacts?dryRun=false", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert response.status_code == 201
    assert queued(stack) == 2


@pytest.mark.parametrize("value", ["yes", "maybe", ""])
def test_send_dry_run_with_a_bad_value_is_400_naming_it(api: Client, demo, stack: Stack, value):
    response = api.post(f"/api/messages/sms/contacts?dryRun={value}", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == "dryRun"
    assert (stored_messages(stack), queued(stack)) == ([], 0)


def test_send_dry_run_still_refuses_a_malformed_body(api: Client, demo):
    response = api.post("/api/messages/sms/all?dryRun=true", json={"message": ""}, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == "message"
