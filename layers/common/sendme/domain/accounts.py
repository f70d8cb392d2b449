"""Organisations, API keys and the caller they resolve to.

A key is stored only as its SHA-256 hash; its public id is a prefix of that hash.
"""

import hashlib

from sendme.domain.base import CamelModel
from sendme.domain.errors import EmailSuspendedError, TermsNotAcceptedError


class Organization(CamelModel):
    id: str
    name: str
    credits: int = 0
    sender_id: str | None = None
    # The home country (ISO 3166-1 alpha-2) national numbers are read in when a request names none.
    country: str | None = None
    # The countries SMS may go to (sendme-admin set-countries); None: the home country only.
    allowed_countries: list[str] | None = None
    accepted_terms_version: str | None = None
    created_at: str
    # Set by an operator (sendme-admin suspend): every call of the organisation is refused.
    suspended_at: str | None = None
    # Set when its bounce or complaint rate passed the threshold (decision 20): its email is
    # refused until an operator resumes it (sendme-admin resume-email); its SMS goes on.
    email_suspended_at: str | None = None
    email_suspended_reason: str | None = None
    # The organisation's own request rate limit, where an operator set one (sendme-admin set-limits).
    requests_per_minute: int | None = None
    request_burst: int | None = None
    # True while one of its status webhooks is enabled (sendme.storage.webhooks); sends copy it.
    webhooks: bool | None = None
    # The two-way number (E.164) inbound SMS reach it on, and what a HELP is answered with
    # (sendme-admin set-number; decision 31).
    two_way_number: str | None = None
    help_text: str | None = None

    def help_reply(self) -> str:
        """The answer to an inbound HELP: the organisation's own text, else who it is and how to stop."""
        return self.help_text or f"{self.name}: reply STOP to opt out of these messages."

    def destinations(self, default_country: str) -> frozenset[str]:
        """The countries the organisation's SMS may go to: its allow-list, else its home country
        (the default one for an organisation stored before organisations had one)."""
        return frozenset(self.allowed_countries or [self.country or default_country])


class ApiKey(CamelModel):
    """An API key as stored: never the key itself, only its SHA-256 hash and a short id."""

    key_id: str
    key_hash: str
    org_id: str
    created_at: str
    revoked_at: str | None = None


class Principal(CamelModel):
    """Who is calling: what the API function resolves the request's API key to."""

    org_id: str
    terms_accepted: bool
    suspended: bool = False
    # The organisation's home country, to read national numbers a request gives without one.
    country: str | None = None
    requests_per_minute: int | None = None
    request_burst: int | None = None


API_KEY_PREFIX = "sm_"


# A key's public name: enough of its hash to tell keys apart, nothing that helps guess the key.
KEY_ID_LENGTH = 16


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str:
    return hash_api_key(key)[:KEY_ID_LENGTH]


def require_terms(principal: Principal) -> None:
    """Messaging actions (and writing recipients' personal data) need the current terms accepted."""
    if not principal.terms_accepted:
        raise TermsNotAcceptedError("accept the current terms of service before performing this action")


def require_email_sending(organization: Organization) -> None:
    """Email goes out only while the organisation's email is not suspended (decision 20)."""
    if organization.email_suspended_at:
        reason = organization.email_suspended_reason or "its bounce or complaint rate passed the threshold"
        raise EmailSuspendedError(
            f"email sending is suspended for this organisation ({reason}); SMS is not affected; contact support",
            details={"emailSuspendedAt": organization.email_suspended_at},
        )
