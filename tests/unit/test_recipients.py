import time

import pytest

from sendme.domain.addresses import normalize_email, normalize_phone
from sendme.domain.audiences import (
    NamedRecipients,
    SkipReason,
    email_audience,
    named_audience,
    phone_audience,
    with_contacts,
)
from sendme.domain.content import content_type_of
from sendme.domain.messages import Channel, ContentType
from sendme.outbound.providers import html_to_text


def test_normalize_phone_reads_national_numbers_in_the_given_country():
    phone = normalize_phone("3001234567", "CO")
    assert phone is not None
    assert (phone.e164, phone.calling_code) == ("+573001234567", "57")


def test_normalize_phone_accepts_international_numbers_without_country():
    phone = normalize_phone("+57 300 123 4567")
    assert phone is not None
    assert phone.e164 == "+573001234567"


def test_normalize_phone_rejects_invalid_numbers():
    assert normalize_phone("12", "CO") is None
    assert normalize_phone("not a number", "CO") is None
    assert normalize_phone("3001234567") is None  # national, and no country to read it in


def test_normalize_email_lowercases_the_domain_only():
    assert normalize_email(" Ana.Gomez@Example.COM ") == "Ana.Gomez@example.com"
    assert normalize_email("bad@") is None
    assert normalize_email("no-at-sign") is None


def test_phone_audience_dedupes_after_normalisation_and_skips_invalid():
    # Given the same number written three ways and an invalid one
    audience = phone_audience(["3001234567", "+57 300 123 4567", "300-123-4567", "12"], "CO")
    # Then one recipient remains and the others are skipped with reasons
    assert [r.address for r in audience.recipients] == ["+573001234567"]
    assert [(s.recipient, s.reason) for s in audience.skipped] == [
        ("+573001234567", SkipReason.DUPLICATE),
        ("+573001234567", SkipReason.DUPLICATE),
        ("12", SkipReason.INVALID),
    ]


def test_email_audience_dedupes_case_insensitive_domains():
    audience = email_audience(["ana@Example.com", "ana@example.COM", "x@"])
    assert [r.address for r in audience.recipients] == ["ana@example.com"]
    assert [s.reason for s in audience.skipped] == [SkipReason.DUPLICATE, SkipReason.INVALID]


def test_html_to_text_keeps_words_and_line_breaks_drops_markup():
    html = "<html><head><style>p{}</style></head><h1>Welcome!</h1><p>Thank you &amp; <b>enjoy</b>.</p></html>"
    assert html_to_text(html) == "Welcome!\nThank you & enjoy."


def test_email_audience_dedupes_addresses_differing_only_in_case():
    # Given one mailbox written in two cases
    audience = email_audience(["Ana@Example.com", "ana@example.com"])
    # Then it is one recipient (one message, one charge), the second skipped as a duplicate
    assert [r.address for r in audience.recipients] == ["Ana@example.com"]
    assert [(s.recipient, s.reason) for s in audience.skipped] == [("ana@example.com", SkipReason.DUPLICATE)]


def test_named_audience_reads_national_numbers_in_its_country():
    audience = named_audience(Channel.SMS, NamedRecipients(["3001234567"], "CO"))
    assert [r.address for r in audience.recipients] == ["+573001234567"]


def test_with_contacts_marks_the_recipients_that_are_contacts():
    audience = with_contacts(email_audience(["ana@example.com", "bob@example.com"]), {"ana@example.com": "c-1"})
    assert [(r.address, r.contact_id) for r in audience.recipients] == [
        ("ana@example.com", "c-1"),
        ("bob@example.com", None),
    ]


@pytest.mark.parametrize(
    "message",
    ["<h1>Welcome!</h1><p>Thank you for joining us.</p>", "Hi<br>there", "Fish &amp; chips", "<P CLASS='x'>Hi"],
)
def test_content_type_of_detects_html(message):
    assert content_type_of(message) is ContentType.HTML


@pytest.mark.parametrize("message", ["Welcome to our platform", "Reply <name> to join", "x<y and y>z", "5 < 6 > 4"])
def test_content_type_of_keeps_plain_text_plain(message):
    assert content_type_of(message) is ContentType.PLAIN_TEXT


def test_html_to_text_is_fast_on_hostile_markup():
    # Given 60,000 characters of unterminated comments and tags, quadratic for html.parser
    # (CVE-2025-6069: about 15 s here) / Then the text part is built well within a second
    started = time.perf_counter()
    html_to_text("<!--" + "<a" * 30_000)
    assert time.perf_counter() - started < 1.0
