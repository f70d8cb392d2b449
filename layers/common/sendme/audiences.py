"""Audiences: who a send goes to, normalised, deduplicated, and with the reason for each skip.

A /contacts send names its recipients; /all and /tags read them from the organisation's
contacts, skipping those that are BLOCKED or INACTIVE. Duplicates are found after
normalisation, so "3001234567" with country CO and "+57 300 123 4567" are one recipient.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from .emails import normalize_email
from .models import AudienceSelector, Channel, Contact, ContactStatus, SkippedRecipient, SkipReason
from .phones import normalize_phone
from .repositories import ContactRepository, SuppressionList


@dataclass(frozen=True)
class Recipient:
    address: str
    country_code: str | None = None
    contact_id: str | None = None


@dataclass
class Audience:
    recipients: list[Recipient] = field(default_factory=list)
    skipped: list[SkippedRecipient] = field(default_factory=list)
    # Set when the audience was read only up to a limit and more contacts remain.
    truncated: bool = False


# Who a send goes to: recipients already named (/contacts), or contacts to read (/all, /tags).
type Selection = Audience | AudienceSelector


class AudienceBuilder:
    """Adds recipients one by one, remembering what it has seen so duplicates are skipped."""

    def __init__(self) -> None:
        self.audience = Audience()
        self._seen: set[str] = set()

    def offer(self, raw: str, recipient: Recipient | None) -> None:
        if recipient is None:
            self.skip(raw, SkipReason.INVALID)
        elif recipient.address in self._seen:
            self.skip(recipient.address, SkipReason.DUPLICATE)
        else:
            self._seen.add(recipient.address)
            self.audience.recipients.append(recipient)

    def skip(self, recipient: str, reason: SkipReason) -> None:
        self.audience.skipped.append(SkippedRecipient(recipient=recipient, reason=reason))

    def offer_contact(self, channel: Channel, contact: Contact) -> None:
        raw = contact.phone if channel is Channel.SMS else contact.email
        if not raw:
            return  # a contact without an address on this channel is not part of its audience
        if contact.status is not ContactStatus.ACTIVE:
            self.skip(raw, SkipReason.BLOCKED)
            return
        recipient = to_phone(raw, None) if channel is Channel.SMS else to_email(raw)
        self.offer(raw, Recipient(recipient.address, recipient.country_code, contact.id) if recipient else None)


def to_phone(raw: str, country: str | None) -> Recipient | None:
    phone = normalize_phone(raw, country)
    return Recipient(address=phone.e164, country_code=phone.calling_code) if phone else None


def to_email(raw: str) -> Recipient | None:
    address = normalize_email(raw)
    return Recipient(address=address) if address else None


def _resolve(raw_recipients: Iterable[str], normalize: Callable[[str], Recipient | None]) -> Audience:
    builder = AudienceBuilder()
    for raw in raw_recipients:
        builder.offer(raw, normalize(raw))
    return builder.audience


def phone_audience(numbers: Iterable[str], country: str | None) -> Audience:
    return _resolve(numbers, lambda raw: to_phone(raw, country))


def email_audience(addresses: Iterable[str]) -> Audience:
    return _resolve(addresses, to_email)


def without_suppressed(audience: Audience, suppressed: set[str]) -> Audience:
    """The audience minus the addresses the organisation must not email again."""
    if not suppressed:
        return audience
    kept = [r for r in audience.recipients if r.address not in suppressed]
    dropped = [
        SkippedRecipient(recipient=r.address, reason=SkipReason.SUPPRESSED)
        for r in audience.recipients
        if r.address in suppressed
    ]
    return Audience(recipients=kept, skipped=audience.skipped + dropped, truncated=audience.truncated)


class ContactAudiences:
    """Reads the contacts behind an /all or /tags send, lazily so a caller can stop early."""

    def __init__(self, contacts: ContactRepository, suppressions: SuppressionList) -> None:
        self._contacts = contacts
        self._suppressions = suppressions

    def contacts(self, org_id: str, selector: AudienceSelector, *, page_size: int = 100) -> Iterator[list[Contact]]:
        """The selected contacts in pages; a contact with several of the tags comes once."""
        if not selector.tags:
            yield from _pages(self._contacts.all(org_id), page_size)
            return
        tagged = (contact_id for tag in selector.tags for contact_id in self._contacts.ids_with_tag(org_id, tag))
        for page in _pages(_unique(tagged), page_size):
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


def _pages[Item](items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while page := list(islice(items, size)):
        yield page


def _unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
