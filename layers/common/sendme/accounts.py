"""Organisations and their API keys.

A key is shown once when issued and stored only as its SHA-256 hash. Lookups go by that hash,
so no comparison of the secret itself ever depends on how many characters match.
"""

import hashlib
import secrets
from collections.abc import Mapping

from .clock import now_iso
from .errors import CredentialsInvalidError, OrganizationNotFoundError
from .ids import new_id
from .models import Organization, Principal
from .repositories import AccountRepository

API_KEY_PREFIX = "sm_"


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def presented_api_key(headers: Mapping[str, str] | None) -> str | None:
    """The key from `api-key: <key>` or `Authorization: Bearer <key>` (header names in any case)."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    if key := lowered.get("api-key", "").strip():
        return key
    scheme, _, token = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class AccountService:
    def __init__(self, accounts: AccountRepository, terms_version: str) -> None:
        self._accounts = accounts
        self._terms_version = terms_version

    def create_organization(
        self, name: str, *, credits: int = 0, sender_id: str | None = None, accept_terms: bool = False
    ) -> Organization:
        organization = Organization(
            id=new_id(),
            name=name,
            credits=credits,
            sender_id=sender_id,
            accepted_terms_version=self._terms_version if accept_terms else None,
            created_at=now_iso(),
        )
        self._accounts.add_organization(organization)
        return organization

    def issue_api_key(self, org_id: str, key: str | None = None) -> str:
        """Create a key for the organisation and return it: the only time it is ever seen."""
        if self._accounts.get_organization(org_id) is None:
            raise OrganizationNotFoundError(f"organisation {org_id} does not exist")
        key = key or API_KEY_PREFIX + secrets.token_urlsafe(32)
        self._accounts.add_api_key(hash_api_key(key), org_id)
        return key

    def authenticate(self, key: str | None) -> Principal:
        org_id = self._accounts.org_of_api_key(hash_api_key(key)) if key else None
        organization = self._accounts.get_organization(org_id) if org_id else None
        if organization is None:
            raise CredentialsInvalidError("Invalid or missing API key")
        return Principal(
            org_id=organization.id,
            terms_accepted=organization.accepted_terms_version == self._terms_version,
        )
