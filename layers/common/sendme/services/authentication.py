"""Who is calling: the request's API key, looked up by its SHA-256 hash on every request (so a
revoked key stops at once) and checked with a constant-time comparison before it is trusted.

Apart from the organisations' administration (sendme.services.accounts), which no API request
needs: every API function loads this, and none of that."""

import hmac

from sendme.domain.accounts import Principal, hash_api_key
from sendme.domain.errors import CredentialsInvalidError
from sendme.storage.accounts import AccountRepository


class Authenticator:
    def __init__(self, accounts: AccountRepository, terms_version: str, default_country: str) -> None:
        self._accounts = accounts
        self._terms_version = terms_version
        self._default_country = default_country

    def authenticate(self, key: str | None) -> Principal:
        key_hash = hash_api_key(key) if key else ""
        stored = self._accounts.api_key(key_hash) if key else None
        trusted = stored is not None and stored.revoked_at is None and hmac.compare_digest(stored.key_hash, key_hash)
        organization = self._accounts.get_organization(stored.org_id, consistent=False) if stored and trusted else None
        if organization is None:
            raise CredentialsInvalidError("Invalid or missing API key")
        return Principal(
            org_id=organization.id,
            terms_accepted=organization.accepted_terms_version == self._terms_version,
            suspended=organization.suspended_at is not None,
            requests_per_minute=organization.requests_per_minute,
            request_burst=organization.request_burst,
            # An organisation stored before organisations had a home country gets the default.
            country=organization.country or self._default_country,
        )
