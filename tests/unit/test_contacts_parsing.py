"""Reading contact files and contact input: pure functions, no AWS."""

import base64

import pytest
from pydantic import ValidationError

from sendme.domain.addresses import region_of
from sendme.domain.contacts import ContactInput, normalized
from sendme.domain.errors import ImportFileInvalidError, RequestInvalidError
from sendme.services.contacts_import import csv_rows, decoded, jsonl_rows, parse


def test_csv_rows_read_header_names_in_any_spelling():
    (row,) = csv_rows(["Name,PHONE,E-mail,country_code\n", "Ana, 300 111 2233 ,a@x.co,CO\n"])
    assert (row.line, row.fields) == (
        2,
        {"name": "Ana", "phone": "300 111 2233", "countryCode": "CO"} | {"email": "a@x.co"},
    )


def test_csv_rows_tags_split_on_semicolons_and_empty_cells_are_left_out():
    (row,) = csv_rows(["name,email,tags,plan\n", "Ana,a@x.co,vip; new ;,\n"])
    assert row.fields == {"name": "Ana", "email": "a@x.co", "tags": ["vip", "new"]}


def test_csv_rows_unknown_columns_become_custom_fields():
    (row,) = csv_rows(["name,email,Plan\n", "Ana,a@x.co,gold\n"])
    assert row.fields == {"name": "Ana", "email": "a@x.co", "customFields": {"Plan": "gold"}}


def test_csv_rows_skip_blank_lines_and_flag_rows_with_too_many_cells():
    rows = list(csv_rows(["name,email\n", "\n", "A,a@x.co,extra\n"]))
    assert [(row.line, row.error) for row in rows] == [(3, "3 cells for 2 columns")]


@pytest.mark.parametrize("header", [[], ["email\n"], ["name,city\n"], ["name,email,Email\n"]])
def test_csv_rows_without_a_usable_header_are_a_file_error(header):
    with pytest.raises(ImportFileInvalidError):
        list(csv_rows(header))


def test_jsonl_rows_flag_lines_that_are_not_objects():
    rows = list(jsonl_rows(['{"name": "A"}\n', "\n", "[]\n", "{oops\n"]))
    assert [(row.line, row.fields, row.error) for row in rows] == [
        (1, {"name": "A"}, None),
        (3, None, "not a JSON object"),
        (4, None, "not valid JSON"),
    ]


@pytest.mark.parametrize(
    ("content_type", "text", "first"),
    [
        ("text/csv", "name,email\nA,a@x.co\n", {"name": "A", "email": "a@x.co"}),
        ("application/x-ndjson; charset=utf-8", '{"name": "A"}\n', {"name": "A"}),
        (None, '{"name": "A"}\n', {"name": "A"}),
        (None, "name,email\nA,a@x.co\n", {"name": "A", "email": "a@x.co"}),
    ],
)
def test_parse_picks_the_format_from_the_content_type_or_the_body(content_type, text, first):
    assert next(parse(text, content_type)).fields == first


def test_decoded_strips_a_byte_order_mark_and_refuses_other_encodings():
    assert decoded(base64.b64encode("\ufeffname".encode()).decode(), True) == "name"
    with pytest.raises(ImportFileInvalidError):
        decoded(base64.b64encode("José".encode("latin-1")).decode(), True)


def test_contact_input_needs_a_phone_or_an_email():
    with pytest.raises(ValidationError):
        ContactInput(name="Nobody")


@pytest.mark.parametrize("code", ["CO", "co", "57", "+57"])
def test_contact_input_country_code_takes_iso_or_calling_code(code):
    contact = normalized(ContactInput(name="A", phone="3001112233", country_code=code), contact_id="1", created_at="t")
    assert (contact.phone, contact.country_code) == ("+573001112233", "57")


def test_normalized_refuses_an_invalid_phone_naming_the_field():
    with pytest.raises(RequestInvalidError) as raised:
        normalized(ContactInput(name="A", phone="12"), contact_id="1", created_at="t")
    assert raised.value.field == "phone"


def test_region_of_reads_a_calling_code_back():
    assert (region_of("57"), region_of("1"), region_of(None), region_of("999")) == ("CO", "US", None, None)
