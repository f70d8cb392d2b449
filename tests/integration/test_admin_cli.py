"""sendme-admin against moto: each command, and one clear line (exit 1) for each failure."""

import json
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.clock import to_iso, utc_now
from sendme.services import audit as audit_module
from sendme.storage import keys
from sendme_admin.cli import main

from .helpers import SPEC_SMS_BODY, admin_runner, auth
from .test_sweeper import crash_after_provider_accepts


@pytest.fixture
def admin(stack: Stack, capsys: pytest.CaptureFixture[str]):
    """Runs the CLI on the stack's accounts table; returns (exit status, stdout JSON or text, stderr)."""

    return admin_runner(
        capsys, "--accounts-table", stack.ref("AccountsTable"), "--messages-table", stack.ref("MessagesTable")
    )


def test_cli_create_org_and_issue_key_give_a_working_key(admin, api: Client):
    status, organization, _ = admin("create-org", "Acme", "--credits", "10", "--accept-terms")
    assert (status, organization["credits"], organization["acceptedTermsVersion"]) == (0, 10, "2024-01")
    status, issued, err = admin("issue-key", organization["id"])
    assert status == 0
    assert "shown only this once" in err
    assert api.get("/api/contacts", headers=auth(issued["apiKey"])).status_code == 200


def test_cli_create_org_country_is_its_home_country(admin, api: Client):
    # Given an organisation created in the US
    _, organization, _ = admin("create-org", "Acme US", "--credits", "10", "--accept-terms", "--country", "us")
    assert organization["country"] == "US"
    key = admin("issue-key", organization["id"])[1]["apiKey"]
    # When it sends to a national number without a country / Then it is read as a US number
    response = api.post(
        "/api/messages/sms/contacts", json={"message": "Hi", "contacts": ["(202) 555-0123"]}, headers=auth(key)
    )
    assert [m["recipient"] for m in response.json["messages"]] == ["+12025550123"]


def test_cli_create_org_without_country_gets_the_default(admin):
    assert admin("create-org", "Acme")[1]["country"] == "CO"


def test_cli_create_org_unknown_country_is_one_clear_line(admin):
    status, _, err = admin("create-org", "Acme", "--country", "ZZ")
    assert one_line_error(status, err).startswith("sendme-admin: error: country must be an ISO 3166-1 alpha-2")


def test_cli_revoke_key_stops_the_key(admin, api: Client, demo):
    from sendme.domain.accounts import key_id_of

    status, revoked, _ = admin("revoke-key", demo.org_id, key_id_of(demo.api_key))
    assert (status, revoked["keyId"]) == (0, key_id_of(demo.api_key))
    assert api.get("/api/messages", headers=auth(demo.api_key)).status_code == 401


def test_cli_add_credits_and_accept_terms_show_in_show_org(admin, demo):
    _, organization, _ = admin("create-org", "Acme")
    assert admin("add-credits", organization["id"], "25")[1]["credits"] == 25
    assert admin("accept-terms", organization["id"])[1]["acceptedTermsVersion"] == "2024-01"
    status, shown, _ = admin("show-org", organization["id"])
    assert (status, shown["credits"], shown["acceptedTermsVersion"], shown["contacts"]) == (0, 25, "2024-01", 0)


def test_cli_show_org_lists_keys_without_secrets(admin, demo):
    status, shown, _ = admin("show-org", demo.org_id)
    assert (status, shown["contacts"], len(shown["apiKeys"])) == (0, 4, 1)
    assert demo.api_key not in json.dumps(shown)
    assert "keyHash" not in shown["apiKeys"][0]


def test_cli_import_contacts_reports_and_shows_progress(admin, demo, tmp_path: Path, api: Client):
    file = tmp_path / "contacts.csv"
    file.write_text("name,phone,email\nNew,3001110000,new@example.com\nBad,1,\n")
    status, report, err = admin("import-contacts", demo.org_id, str(file), "--country", "CO")
    assert (status, report["created"], report["rejected"]) == (0, 1, 1)
    assert "importing" in err
    names = {c["name"] for c in api.get("/api/contacts?limit=100", headers=auth(demo.api_key)).json["data"]}
    assert "New" in names


def test_cli_import_contacts_reads_json_lines_by_extension(admin, demo, tmp_path: Path):
    file = tmp_path / "contacts.jsonl"
    file.write_text('{"name": "J", "email": "j@example.com"}\n')
    assert admin("import-contacts", demo.org_id, str(file), "--quiet")[1]["created"] == 1


def one_line_error(status: int, err: str) -> str:
    assert status == 1
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    return line


def test_cli_unknown_org_is_one_clear_line(admin, tmp_path: Path):
    file = tmp_path / "c.csv"
    file.write_text("name,email\nA,a@example.com\n")
    for command in (["show-org", "nope"], ["add-credits", "nope", "5"], ["import-contacts", "nope", str(file)]):
        status, _, err = admin(*command)
        assert one_line_error(status, err) == "sendme-admin: error: organisation nope does not exist"


def test_cli_bad_csv_is_one_clear_line(admin, demo, tmp_path: Path):
    file = tmp_path / "c.csv"
    file.write_text("city\nBogota\n")
    status, _, err = admin("import-contacts", demo.org_id, str(file), "--quiet")
    assert "'name' column" in one_line_error(status, err)


def test_cli_missing_file_is_one_clear_line(admin, demo, tmp_path: Path):
    status, _, err = admin("import-contacts", demo.org_id, str(tmp_path / "none.csv"))
    assert "No such file" in one_line_error(status, err)


def test_cli_missing_table_is_one_clear_line(stack: Stack, capsys):
    status = main(["--accounts-table", "no-such-table", "show-org", "x"])
    assert "table no-such-table does not exist" in one_line_error(status, capsys.readouterr().err)


def test_cli_without_a_table_name_says_how_to_give_one(stack: Stack, capsys, monkeypatch):
    monkeypatch.delenv("ACCOUNTS_TABLE", raising=False)
    status = main(["show-org", "x"])
    assert "--accounts-table" in one_line_error(status, capsys.readouterr().err)


def test_cli_show_org_ledger_lists_each_credit_movement(admin, api: Client, demo):
    # Given the demo organisation (created with 100 credits) that sent 2 messages, then got 5 more
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    admin("add-credits", demo.org_id, "5")
    # When it is shown with its ledger
    status, shown, _ = admin("show-org", demo.org_id, "--ledger")
    # Then each movement is listed with its cause, and they add up to the balance
    assert status == 0
    assert [(e["kind"], e["amount"], e["causeType"], e.get("note")) for e in shown["ledger"]] == [
        ("GRANT", 100, "admin", "create-org"),
        ("RESERVE", -2, "send", None),
        ("GRANT", 5, "admin", "add-credits"),
    ]
    assert sum(entry["amount"] for entry in shown["ledger"]) == shown["credits"] == 103


def test_cli_audit_of_a_balanced_organisation_exits_0(admin, api: Client, demo):
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    status, out, _ = admin("audit", demo.org_id)
    assert status == 0
    assert "reserve     -2" in out
    assert out.rstrip().endswith("balanced")


def test_cli_audit_of_a_balance_moved_outside_the_ledger_exits_1(admin, stack: Stack, demo):
    # Given credits added to the balance by a write that left no ledger entry
    table = boto3.resource("dynamodb").Table(stack.ref("AccountsTable"))
    table.update_item(
        Key=keys.organization(demo.org_id), UpdateExpression="ADD credits :n", ExpressionAttributeValues={":n": 7}
    )
    # When it is audited
    status, out, err = admin("audit", demo.org_id)
    # Then the audit fails, saying by how much
    assert "balance     +107" in out
    assert one_line_error(status, err) == "sendme-admin: error: the balance is +7 off its ledger"


def test_cli_audit_lists_messages_past_their_lease(admin, api: Client, demo, drain, monkeypatch):
    # Given a worker that died after claiming both messages, an hour before the audit
    crash_after_provider_accepts(monkeypatch)
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    drain()
    monkeypatch.setattr(audit_module, "now_iso", lambda: to_iso(utc_now() + timedelta(hours=1)))
    # When the organisation is audited
    status, out, _ = admin("audit", demo.org_id)
    # Then both messages are listed as SENDING past their lease (the balance itself is right)
    assert status == 0
    assert "messages past their lease: 2" in out
    assert out.count(" SENDING lease ended ") == 2


def test_cli_adjust_credits_records_its_reason_and_never_goes_below_zero(admin, demo):
    status, adjusted, _ = admin("adjust-credits", demo.org_id, "-40", "--reason", "duplicate top-up")
    assert (status, adjusted["credits"]) == (0, 60)
    status, _, err = admin("adjust-credits", demo.org_id, "-61", "--reason", "too much")
    assert "does not cover" in one_line_error(status, err)
    _, shown, _ = admin("show-org", demo.org_id, "--ledger")
    assert shown["ledger"][-1] == {
        **shown["ledger"][-1],
        "kind": "ADJUSTMENT",
        "amount": -40,
        "note": "duplicate top-up",
    }


def test_cli_set_countries_lets_the_organisation_send_sms_there(admin, api: Client):
    # Given a Colombian organisation
    _, organization, _ = admin("create-org", "Acme", "--credits", "10", "--accept-terms", "--country", "CO")
    key = admin("issue-key", organization["id"])[1]["apiKey"]
    # When an operator allows it Colombia and the US
    status, allowed, _ = admin("set-countries", organization["id"], "co", "US")
    # Then the list is stored and a US mobile is sent to
    assert (status, allowed["allowedCountries"]) == (0, ["CO", "US"])
    body = {"message": "Hi", "contacts": ["+12025550123"]}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(key))
    assert [m["recipient"] for m in response.json["messages"]] == ["+12025550123"]


def test_cli_set_countries_with_an_unknown_country_fails_in_one_line(admin):
    _, organization, _ = admin("create-org", "Acme")
    status, _, err = admin("set-countries", organization["id"], "XX")
    assert status == 1
    assert err.count("\n") == 1
    assert "country" in err


def test_cli_set_number_gives_a_two_way_number_once(admin):
    # Given two organisations, the first with a two-way number and a help text
    first = admin("create-org", "Acme")[1]["id"]
    second = admin("create-org", "Other")[1]["id"]
    status, assigned, _ = admin("set-number", first, "+1 206 555 0100", "--help-text", "Acme: STOP to opt out")
    assert (status, assigned["twoWayNumber"], assigned["helpText"]) == (0, "+12065550100", "Acme: STOP to opt out")
    # When the second asks for the same number
    status, _, err = admin("set-number", second, "+12065550100")
    # Then it is refused in one line
    assert status == 1
    assert "another organisation's two-way number" in err


def test_cli_set_number_refuses_a_national_number(admin):
    organization = admin("create-org", "Acme")[1]["id"]
    status, _, err = admin("set-number", organization, "2065550100")
    assert status == 1
    assert "not an international phone number" in err
