"""Automatic email suspension: SES receipts drive an organisation's bounce or complaint rate past
its threshold, its email is refused (and its queued emails failed and refunded) while its SMS
goes on, and an operator lifts it."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from sendme.wiring.accounts import account_service, accounts
from sendme_admin.cli import main

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization
from .test_receipts import send_emails, ses_event_for, status_of


@pytest.fixture
def window_of_100(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    from sendme import wiring

    monkeypatch.setenv("EMAIL_REPUTATION_WINDOW", "100")
    wiring.reset()


def sent(api: Client, key: str, drain: Any, count: int) -> list[str]:
    ids = send_emails(api, key, [f"user{n}@example.com" for n in range(count)])
    drain()
    return ids


def receipt(lambdas: LocalLambdas, kind: str, org_id: str, message_id: str, n: int) -> None:
    lambdas.invoke("ReceiptsFunction", ses_event_for(kind, org_id, message_id, recipient=f"user{n}@example.com"))


def suspended_reason(org_id: str) -> str | None:
    organization = account_service().organization(org_id)
    return organization.email_suspended_reason if organization.email_suspended_at else None


def test_email_suspension_hard_bounces_past_5_percent_suspend_the_organisations_email(
    api: Client, lambdas: LocalLambdas, drain, window_of_100
):
    # Given 6 emails sent by an organisation, over a window of 100
    org_id, key = organization(credits=100)
    ids = sent(api, key, drain, 6)
    # When 5 hard-bounce (5%: at the threshold, not past it)
    for n, message_id in enumerate(ids[:5]):
        receipt(lambdas, "bounce", org_id, message_id, n)
    assert suspended_reason(org_id) is None
    # And a 6th does
    receipt(lambdas, "bounce", org_id, ids[5], 5)
    # Then its email is suspended, saying why
    assert suspended_reason(org_id) == "bounce rate 6.0% over the last 100 emails (threshold 5.0%)"


def test_email_suspension_a_repeated_bounce_receipt_counts_once(
    api: Client, lambdas: LocalLambdas, drain, window_of_100
):
    org_id, key = organization(credits=100)
    ids = sent(api, key, drain, 5)
    for n, message_id in enumerate(ids):
        receipt(lambdas, "bounce", org_id, message_id, n)
    # SES (or a Lambda retry) delivering the last bounce again does not make it 6%
    receipt(lambdas, "bounce", org_id, ids[-1], len(ids) - 1)
    assert suspended_reason(org_id) is None


def test_email_suspension_two_complaints_in_1000_emails_suspend(api: Client, lambdas: LocalLambdas, drain):
    # Given the default window of 1,000 emails and its 0.1% complaint threshold
    org_id, key = organization(credits=100)
    ids = sent(api, key, drain, 2)
    receipt(lambdas, "complaint", org_id, ids[0], 0)
    assert suspended_reason(org_id) is None
    receipt(lambdas, "complaint", org_id, ids[1], 1)
    assert suspended_reason(org_id) == "complaint rate 0.20% over the last 1,000 emails (threshold 0.10%)"


def test_email_suspension_refuses_email_sends_with_a_403_and_leaves_sms_alone(api: Client, stack: Stack):
    # Given an organisation whose email was suspended
    org_id, key = organization(credits=100)
    accounts().suspend_email(org_id, "2026-01-01T00:00:00Z", "bounce rate 6.0% over the last 1,000 emails")
    email = {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"]}
    # When it sends (or prices) email, and SMS
    refused = api.post("/api/messages/email/contacts", json=email, headers=auth(key))
    priced = api.post("/api/messages/email/contacts?dryRun=true", json=email, headers=auth(key))
    sms = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    # Then the email is a 403 saying why, charging nothing, and the SMS goes
    assert (refused.status_code, refused.json["error"], priced.status_code) == (403, "Forbidden", 403)
    assert "email sending is suspended" in refused.json["message"]
    assert "bounce rate 6.0%" in refused.json["message"]
    assert refused.json["emailSuspendedAt"] == "2026-01-01T00:00:00Z"
    assert sms.status_code == 201
    assert credits_of(org_id) == 100 - len(SPEC_SMS_BODY["contacts"])


def test_email_suspension_fails_and_refunds_the_emails_already_queued(api: Client, stack: Stack, drain):
    # Given emails queued, then the organisation's email suspended before a worker took them
    org_id, key = organization(credits=100)
    (message_id,) = send_emails(api, key, ["ana@example.com"])
    accounts().suspend_email(org_id, "2026-01-01T00:00:00Z", "complaint rate 0.2%")
    # When the worker runs
    drain()
    # Then the email is not sent: FAILED, refunded
    item = status_of(stack, message_id)
    assert (item["status"], item["errorCode"]) == ("FAILED", "EMAIL_SUSPENDED")
    assert credits_of(org_id) == 100


def test_email_suspension_is_lifted_by_resume_email_with_fresh_counters(
    api: Client, lambdas: LocalLambdas, drain, stack: Stack, capsys: pytest.CaptureFixture[str]
):
    # Given an organisation suspended by two complaints
    org_id, key = organization(credits=100)
    ids = sent(api, key, drain, 2)
    for n, message_id in enumerate(ids):
        receipt(lambdas, "complaint", org_id, message_id, n)
    tables = ["--accounts-table", stack.ref("AccountsTable")]
    assert main([*tables, "show-org", org_id]) == 0
    assert '"emailSuspendedReason": "complaint rate 0.20%' in capsys.readouterr().out
    # When an operator resumes its email
    assert main([*tables, "resume-email", org_id]) == 0
    # Then it sends email again, and its counters start afresh
    email = {"subject": "Hi", "message": "Hello", "contacts": ["new@example.com"]}
    assert api.post("/api/messages/email/contacts", json=email, headers=auth(key)).status_code == 201
    assert main([*tables, "show-org", org_id]) == 0
    shown = capsys.readouterr().out
    assert '"emailSuspendedAt"' in shown
    assert '"complaintRate": 0.0' in shown
