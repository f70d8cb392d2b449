"""Who a send goes to: the recipients a /contacts send names, or the contacts an /all or /tags send
reads; both screened against the suppression list."""

from collections.abc import Iterator

from sendme.domain.audiences import (
    Audience,
    AudienceBuilder,
    AudienceSelector,
    NamedRecipients,
    named_audience,
    pages,
    unique,
    with_contacts,
    without_suppressed,
)
from sendme.domain.contacts import Contact
from sendme.domain.messages import Channel
from sendme.storage.contacts import ContactRepository
from sendme.storage.suppressions import SuppressionList


class ContactAudiences:
    """Reads the contacts behind an /all or /tags send, lazily so a caller can stop early."""

    def __init__(self, contacts: ContactRepository, suppressions: SuppressionList) -> None:
        self._contacts = contacts
        self._suppressions = suppressions

    def contacts(self, org_id: str, selector: AudienceSelector, *, page_size: int = 100) -> Iterator[list[Contact]]:
        """The selected contacts in pages; a contact with several of the tags comes once."""
        if not selector.tags:
            yield from pages(self._contacts.all(org_id), page_size)
            return
        tagged = (contact_id for tag in selector.tags for contact_id in self._contacts.ids_with_tag(org_id, tag))
        for page in pages(unique(tagged), page_size):
            yield self._contacts.get_many(org_id, page)

    def resolve(self, org_id: str, channel: Channel, selector: AudienceSelector, limit: int | None = None) -> Audience:
        """The audience, read up to `limit` contacts (then marked truncated)."""
        builder, read = AudienceBuilder(), 0
        for page in self.contacts(org_id, selector):
            for contact in page:
                if limit is not None and read >= limit:
                    builder.audience.truncated = True
                    return builder.audience
                read += 1
                builder.offer_contact(channel, contact)
        return self.screen(org_id, channel, builder.audience)

    def named(self, org_id: str, channel: Channel, named: NamedRecipients) -> Audience:
        """The recipients a /contacts send names; those that are contacts of the organisation carry
        them (so the contact filter and name work), found with one BatchGetItem per 100."""
        audience = named_audience(channel, named)
        owners = self._contacts.owners_of(org_id, channel, (r.address for r in audience.recipients))
        return self.screen(org_id, channel, with_contacts(audience, owners))

    def screen(self, org_id: str, channel: Channel, audience: Audience) -> Audience:
        """Apply the organisation's suppression list: bounced and complaining addresses, numbers
        that opted out."""
        if not audience.recipients:
            return audience
        return without_suppressed(
            audience, self._suppressions.reasons(org_id, (r.address for r in audience.recipients))
        )
