from sendme.domain.addresses import normalize_email, normalize_phone
from sendme.domain.audiences import SkipReason, email_audience, phone_audience
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
