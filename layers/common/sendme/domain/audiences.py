"""Audiences: who a send goes to, normalised and deduplicated, and why anyone was skipped."""

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import islice
from typing import Annotated

from pydantic import Field

from sendme.domain.addresses import normalize_email, normalize_phone
from sendme.domain.base import CamelModel
from sendme.domain.contacts import Contact, ContactStatus
from sendme.domain.messages import Channel
from sendme.domain.suppressions import OPTED_OUT


class SkipReason(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    BLOCKED = "blocked"
    SUPPRESSED = "suppressed"
    # The number replied STOP (or another opt-out keyword) to the organisation (decision 32).
    OPTED_OUT = "opted-out"
    # SMS fraud and cost guards (decision 18): only mobile numbers, only allowed countries.
    BLOCKED_NUMBER_TYPE = "blocked-number-type"
    COUNTRY_NOT_ALLOWED = "country-not-allowed"


# A templated send's recipient whose message a variable is missing for (sendme.domain.templates).
MissingVariable = Annotated[str, Field(pattern=r"^missing-variable:.+$")]


class SkippedRecipient(CamelModel):
    recipient: str
    reason: SkipReason | MissingVariable


class AudienceSelector(CamelModel):
    """Who an audience send goes to: every contact, or those with any of `tags`."""

    tags: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Recipient:
    address: str
    country_code: str | None = None
    contact_id: str | None = None
    # A templated send's: the variables this recipient's message renders with (frozen with a
    # send job's recipients, so every run renders and prices the same message).
    variables: Mapping[str, str] | None = field(default=None, hash=False)


@dataclass
class Audience:
    recipients: list[Recipient] = field(default_factory=list)
    skipped: list[SkippedRecipient] = field(default_factory=list)
    # Set when the audience was read only up to a limit and more contacts remain.
    truncated: bool = False


@dataclass(frozen=True)
class NamedRecipients:
    """The numbers or addresses a /contacts send names; national numbers are read in `country`,
    else in the organisation's home country."""

    addresses: Sequence[str]
    country: str | None = None


# Who a send goes to: recipients named in the request (/contacts), or contacts to read (/all, /tags).
type Selection = NamedRecipients | AudienceSelector


class AudienceBuilder:
    """Adds recipients one by one, remembering what it has seen so duplicates are skipped."""

    def __init__(self) -> None:
        self.audience = Audience()
        self._seen: set[str] = set()

    def offer(self, raw: str, recipient: Recipient | None) -> None:
        # Case-insensitive: Ana@example.com and ana@example.com are one mailbox, one charge.
        key = recipient.address.casefold() if recipient else ""
        if recipient is None:
            self.skip(raw, SkipReason.INVALID)
        elif key in self._seen:
            self.skip(recipient.address, SkipReason.DUPLICATE)
        else:
            self._seen.add(key)
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


def named_audience(channel: Channel, named: NamedRecipients) -> Audience:
    """The recipients a /contacts send names, normalised and deduplicated."""
    if channel is Channel.SMS:
        return phone_audience(named.addresses, named.country)
    return email_audience(named.addresses)


def with_contacts(audience: Audience, owners: dict[str, str]) -> Audience:
    """The audience with each recipient that is one of the organisation's contacts carrying it
    (`owners`: address -> contact id)."""
    recipients = [
        replace(r, contact_id=owners[r.address]) if r.address in owners and not r.contact_id else r
        for r in audience.recipients
    ]
    return Audience(recipients=recipients, skipped=audience.skipped, truncated=audience.truncated)


def without_suppressed(audience: Audience, suppressed: Mapping[str, str]) -> Audience:
    """The audience minus the recipients on the organisation's suppression list (`suppressed`:
    recipient -> the reason it was suppressed)."""
    if not suppressed:
        return audience
    kept = [r for r in audience.recipients if r.address not in suppressed]
    dropped = [
        SkippedRecipient(
            recipient=r.address,
            reason=SkipReason.OPTED_OUT if suppressed[r.address] == OPTED_OUT else SkipReason.SUPPRESSED,
        )
        for r in audience.recipients
        if r.address in suppressed
    ]
    return Audience(recipients=kept, skipped=audience.skipped + dropped, truncated=audience.truncated)


def sms_refusal(address: str, allowed_countries: Collection[str]) -> SkipReason | None:
    """Why an SMS must not go to `address` (an E.164 number), or None: a number that is not a
    person's mobile (premium-rate, shared-cost, VoIP, pager, UAN, satellite, fixed-line, unknown)
    can cost far more than it earns or pump traffic; a country outside the allow-list likewise."""
    phone = normalize_phone(address)
    if phone is None or not phone.mobile:
        return SkipReason.BLOCKED_NUMBER_TYPE
    if phone.region not in allowed_countries:
        return SkipReason.COUNTRY_NOT_ALLOWED
    return None


def within_destinations(audience: Audience, allowed_countries: Collection[str]) -> Audience:
    """The SMS audience minus the numbers sms_refusal refuses, each skipped with its reason."""
    kept: list[Recipient] = []
    skipped = list(audience.skipped)
    for recipient in audience.recipients:
        reason = sms_refusal(recipient.address, allowed_countries)
        if reason is None:
            kept.append(recipient)
        else:
            skipped.append(SkippedRecipient(recipient=recipient.address, reason=reason))
    return Audience(recipients=kept, skipped=skipped, truncated=audience.truncated)


def pages[Item](items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while page := list(islice(items, size)):
        yield page


def unique(items: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item
