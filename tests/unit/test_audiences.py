"""Audience rules on contacts, and the ids a retried fan-out rebuilds: pure logic, no AWS."""

from sendme.domain.audiences import AudienceBuilder, SkipReason, without_suppressed
from sendme.domain.contacts import Contact, ContactStatus
from sendme.domain.ids import derived_id, millis_of, new_id
from sendme.domain.messages import Channel
from sendme.domain.suppressions import OPTED_OUT


def contact(name: str, phone: str | None, email: str | None = None, status=ContactStatus.ACTIVE) -> Contact:
    return Contact(id=f"c-{name}", name=name, phone=phone, email=email, status=status, created_at="t")


def test_audience_builder_skips_blocked_and_inactive_contacts_as_blocked():
    builder = AudienceBuilder()
    for status in (ContactStatus.BLOCKED, ContactStatus.INACTIVE):
        builder.offer_contact(Channel.SMS, contact(status.value, "+573001234567", status=status))
    assert builder.audience.recipients == []
    assert [s.reason for s in builder.audience.skipped] == [SkipReason.BLOCKED, SkipReason.BLOCKED]


def test_audience_builder_leaves_out_contacts_without_an_address_on_the_channel():
    builder = AudienceBuilder()
    builder.offer_contact(Channel.EMAIL, contact("phone-only", "+573001234567"))
    assert (builder.audience.recipients, builder.audience.skipped) == ([], [])


def test_audience_builder_dedupes_contacts_after_normalisation_and_keeps_the_contact_id():
    builder = AudienceBuilder()
    builder.offer_contact(Channel.SMS, contact("a", "+573001234567"))
    builder.offer_contact(Channel.SMS, contact("b", "+57 300 123 4567"))
    assert [(r.address, r.contact_id) for r in builder.audience.recipients] == [("+573001234567", "c-a")]
    assert [s.reason for s in builder.audience.skipped] == [SkipReason.DUPLICATE]


def test_without_suppressed_moves_suppressed_recipients_to_skipped():
    builder = AudienceBuilder()
    builder.offer_contact(Channel.EMAIL, contact("a", None, "a@example.com"))
    builder.offer_contact(Channel.EMAIL, contact("b", None, "b@example.com"))
    screened = without_suppressed(builder.audience, {"b@example.com": "bounce"})
    assert [r.address for r in screened.recipients] == ["a@example.com"]
    assert [(s.recipient, s.reason) for s in screened.skipped] == [("b@example.com", SkipReason.SUPPRESSED)]


def test_without_suppressed_skips_a_number_that_opted_out_as_opted_out():
    builder = AudienceBuilder()
    builder.offer_contact(Channel.SMS, contact("a", "+573001234567"))
    screened = without_suppressed(builder.audience, {"+573001234567": OPTED_OUT})
    assert screened.recipients == []
    assert [(s.recipient, s.reason) for s in screened.skipped] == [("+573001234567", SkipReason.OPTED_OUT)]


def test_derived_id_is_the_same_for_the_same_job_and_recipient_and_sorts_by_job_time():
    job = new_id()
    first, again = derived_id(millis_of(job), job, "+573001234567"), derived_id(millis_of(job), job, "+573001234567")
    other = derived_id(millis_of(job), job, "+573009876543")
    assert first == again
    assert first != other
    assert millis_of(first) == millis_of(job)
