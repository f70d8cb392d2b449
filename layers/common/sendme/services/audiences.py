"""The contacts an /all or /tags send goes to, screened against the suppression list."""

from collections.abc import Iterator

from sendme.domain.audiences import Audience, AudienceBuilder, AudienceSelector, pages, unique, without_suppressed
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

    def screen(self, org_id: str, channel: Channel, audience: Audience) -> Audience:
        """Apply the email suppression list (SMS has none)."""
        if channel is not Channel.EMAIL or not audience.recipients:
            return audience
        return without_suppressed(
            audience, self._suppressions.suppressed(org_id, (r.address for r in audience.recipients))
        )
