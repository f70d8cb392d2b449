"""POST /api/contacts/import and the importer: counts, reasons, batches, limits."""

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.services.contacts_import import ContactImporter, csv_rows
from sendme.storage.contacts import ContactRepository

from .helpers import auth

CSV = (
    "name,phone,email,tags,status,plan\n"
    "Ana,3001112233,ana.new@example.com,vip;new,active,gold\n"
    "Bad,12,,,,\n"
    "Ana again,+57 300 111 2233,,,,\n"
    "Solo email,,solo@example.com,,inactive,\n"
)


def post(api: Client, key: str, body: str | bytes, content_type: str = "text/csv", query: str = "?country=CO"):
    return api.post(f"/api/contacts/import{query}", data=body, headers={**auth(key), "Content-Type": content_type})


def contacts_of(stack: Stack, org_id: str) -> dict[str, dict]:
    store = ContactRepository(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
    return {contact.name: contact.to_wire() for contact in store.all(org_id)}


def test_import_csv_reports_created_and_rejected_rows_with_their_lines(api: Client, demo, stack):
    response = post(api, demo.api_key, CSV)
    assert response.status_code == 200
    report = response.json
    assert (report["created"], report["updated"], report["rejected"]) == (2, 0, 2)
    assert report["rejections"] == [
        {"line": 3, "reason": "'12' is not a valid phone number"},
        {"line": 4, "reason": "same phone or email as line 2"},
    ]
    ana = contacts_of(stack, demo.org_id)["Ana"]
    assert (ana["phone"], ana["tags"], ana["customFields"]) == ("+573001112233", ["new", "vip"], {"plan": "gold"})


def test_import_the_same_file_twice_changes_nothing_the_second_time(api: Client, demo, stack):
    post(api, demo.api_key, CSV)
    before = contacts_of(stack, demo.org_id)
    report = post(api, demo.api_key, CSV).json
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 2)
    assert contacts_of(stack, demo.org_id) == before


def test_import_matching_an_existing_contact_updates_it_and_keeps_its_tags(api: Client, demo, stack):
    # Given the demo's Juan (tags customers, vip) / When a row with his number brings a new tag
    report = post(api, demo.api_key, "name,phone,tags\nJuan P.,3001234567,gold\n").json
    # Then he is updated, not duplicated, and keeps what the row did not mention
    assert (report["created"], report["updated"]) == (0, 1)
    juan = contacts_of(stack, demo.org_id)["Juan P."]
    assert (juan["tags"], juan["email"]) == (["customers", "gold", "vip"], "juan@example.com")
    assert "Juan Pérez" not in contacts_of(stack, demo.org_id)


def test_import_row_whose_phone_and_email_belong_to_two_contacts_is_rejected(api: Client, demo):
    report = post(api, demo.api_key, "name,phone,email\nMix,3001234567,maria@example.com\n").json
    assert report["rejected"] == 1
    assert "two different contacts" in report["rejections"][0]["reason"]


def test_import_json_lines(api: Client, demo, stack):
    body = '{"name": "J", "email": "j@example.com", "tags": ["a"], "customFields": {"k": "v"}}\n[1]\nnot json\n'
    report = post(api, demo.api_key, body, "application/x-ndjson").json
    assert (report["created"], report["rejected"]) == (1, 2)
    assert [r["reason"] for r in report["rejections"]] == ["not a JSON object", "not valid JSON"]
    assert contacts_of(stack, demo.org_id)["J"]["customFields"] == {"k": "v"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("", "empty", id="empty"),
        pytest.param("city,zip\nBogota,1\n", "'name' column", id="no-name-column"),
        pytest.param("name,name,phone\na,b,1\n", "repeated", id="repeated-column"),
        pytest.param("name,phone\nJos\xe9,3001112233\n".encode("latin-1"), "UTF-8", id="not-utf8"),
    ],
)
def test_import_unreadable_file_is_400_and_writes_nothing(api: Client, demo, stack, body, message):
    before = contacts_of(stack, demo.org_id)
    response = post(api, demo.api_key, body)
    assert (response.status_code, response.json["field"]) == (400, "body")
    assert message in response.json["message"]
    assert contacts_of(stack, demo.org_id) == before


def test_import_reads_a_utf8_byte_order_mark_as_excel_writes_it(api: Client, demo, stack):
    report = post(api, demo.api_key, "\ufeffname,email\nJosé,jose@example.com\n".encode()).json
    assert report["created"] == 1
    assert "José" in contacts_of(stack, demo.org_id)


def test_import_over_the_row_limit_is_400(api: Client, demo, stack):
    body = "name,email\n" + "".join(f"P,p{n}@example.com\n" for n in range(100_001))
    response = post(api, demo.api_key, body)
    assert response.status_code == 400
    assert "at most 100000" in response.json["message"]


def test_import_bad_country_option_is_400(api: Client, demo):
    response = post(api, demo.api_key, CSV, query="?country=ZZ")
    assert (response.status_code, response.json["field"]) == (400, "country")


def test_importer_stops_between_chunks_and_says_where_to_resume(stack: Stack, demo):
    # Given chunks of 2 rows and a clock that runs out after the first chunk
    store = ContactRepository(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
    importer = ContactImporter(store, chunk_rows=2)
    lines = ["name,email\n"] + [f"P{n},p{n}@example.com\n" for n in range(5)]
    checks = iter([False, True])
    # When importing / Then the first chunk is written and the report says where to go on
    report = importer.run(demo.org_id, csv_rows(lines), should_stop=lambda: next(checks))
    assert (report.created, report.resume_from_line) == (2, 4)


def test_importer_writes_in_batches_of_transactions(stack: Stack, demo, monkeypatch):
    store = ContactRepository(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
    calls: list[int] = []
    original = store._client.transact_write_items

    def counting(**kwargs):
        calls.append(len(kwargs["TransactItems"]))
        return original(**kwargs)

    monkeypatch.setattr(store._client, "transact_write_items", counting)
    lines = ["name,phone,email\n"] + [f"P{n},+1202555{n:04d},p{n}@example.com\n" for n in range(100)]
    report = ContactImporter(store).run(demo.org_id, csv_rows(lines))
    # 100 contacts x 3 items: 3 transactions of 99 items and one of 3, not 100 requests
    assert (report.created, sorted(calls, reverse=True)) == (100, [99, 99, 99, 3])
