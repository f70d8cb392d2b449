"""Organisations and their API keys.

A key is shown once when issued and stored only as its SHA-256 hash. Lookups go by that hash,
so no comparison of the secret itself ever depends on how many characters match; the stored
hash is still checked with a constant-time comparison before the key is trusted
(sendme.services.authentication).
"""

import secrets

from sendme.contracts.account import AccountView
from sendme.domain.accounts import (
    API_KEY_PREFIX,
    KEY_ID_LENGTH,
    ApiKey,
    Organization,
    hash_api_key,
    key_id_of,
)
from sendme.domain.addresses import normalize_phone, region_code
from sendme.domain.clock import now_iso
from sendme.domain.errors import (
    ApiKeyNotFoundError,
    OrganizationNotFoundError,
    RequestInvalidError,
)
from sendme.domain.ids import new_id
from sendme.domain.ledger import CauseType, LedgerEntry, LedgerKind, movement
from sendme.outbound.email_tenants import EmailTenants, TenantStatus
from sendme.storage.accounts import AccountRepository
from sendme.storage.ledger import CreditLedger


class AccountService:
    def __init__(
        self,
        accounts: AccountRepository,
        ledger: CreditLedger,
        terms_version: str,
        default_country: str,
        email_tenants: EmailTenants | None = None,
    ) -> None:
        self._accounts = accounts
        self._ledger = ledger
        self._terms_version = terms_version
        self._default_country = default_country
        # Where SES tenants are on (decision 21): each organisation gets its own at creation.
        self._email_tenants = email_tenants

    def create_organization(
        self,
        name: str,
        *,
        credits: int = 0,
        sender_id: str | None = None,
        accept_terms: bool = False,
        country: str | None = None,
    ) -> Organization:
        home_country = _country(country or self._default_country)
        organization = Organization(
            id=new_id(),
            name=name,
            credits=credits,
            sender_id=sender_id,
            country=home_country,
            accepted_terms_version=self._terms_version if accept_terms else None,
            created_at=now_iso(),
        )
        opening = movement(organization.id, LedgerKind.GRANT, credits, CauseType.ADMIN, organization.id, "create-org")
        if self._email_tenants:
            # First: an organisation is never stored without the tenant its emails will name.
            self._email_tenants.onboard(organization.id)
        self._accounts.add_organization(organization, opening if credits else None)
        return organization

    def onboard_email_tenant(self, org_id: str) -> TenantStatus | None:
        """(Re)create the organisation's SES tenant: for one created before tenants were on, or
        whose onboarding failed half-way. None where tenants are off."""
        self.organization(org_id)
        return self._email_tenants.onboard(org_id) if self._email_tenants else None

    @property
    def email_tenants_on(self) -> bool:
        return self._email_tenants is not None

    def email_tenant(self, org_id: str) -> TenantStatus | None:
        """Whether SES lets the organisation send email (None where tenants are off or it has none)."""
        return self._email_tenants.status(org_id) if self._email_tenants else None

    def organization(self, org_id: str) -> Organization:
        organization = self._accounts.get_organization(org_id)
        if organization is None:
            raise OrganizationNotFoundError(f"organisation {org_id} does not exist")
        return organization

    def issue_api_key(self, org_id: str, key: str | None = None) -> str:
        """Create a key for the organisation and return it: the only time it is ever seen."""
        self.organization(org_id)
        key = key or API_KEY_PREFIX + secrets.token_urlsafe(32)
        key_hash = hash_api_key(key)
        self._accounts.add_api_key(
            ApiKey(key_id=key_hash[:KEY_ID_LENGTH], key_hash=key_hash, org_id=org_id, created_at=now_iso())
        )
        return key

    def api_keys(self, org_id: str) -> list[ApiKey]:
        self.organization(org_id)
        return self._accounts.api_keys(org_id)

    def revoke_api_key(self, org_id: str, key_or_id: str) -> ApiKey:
        """Revoke one of the organisation's keys, named by its id or by the key itself."""
        for key in self.api_keys(org_id):
            if key.key_id in (key_or_id, key_id_of(key_or_id)):
                self._accounts.revoke_api_key(key, now_iso())
                return key.model_copy(update={"revoked_at": key.revoked_at or now_iso()})
        # Never echo the argument: it may be a secret key.
        raise ApiKeyNotFoundError(f"organisation {org_id} has no such API key")

    def add_credits(self, org_id: str, amount: int) -> int:
        """Grant `amount` credits (an admin action, recorded in the ledger); returns the new balance."""
        self._ledger.record(movement(org_id, LedgerKind.GRANT, amount, CauseType.ADMIN, new_id(), "add-credits"))
        return self.organization(org_id).credits

    def adjust_credits(self, org_id: str, amount: int, reason: str) -> int:
        """Correct the balance by `amount` (negative takes credits, never below zero), with the
        reason recorded in the ledger; returns the new balance."""
        self._ledger.record(movement(org_id, LedgerKind.ADJUSTMENT, amount, CauseType.ADMIN, new_id(), reason))
        return self.organization(org_id).credits

    def account(self, org_id: str) -> AccountView:
        """The organisation as its own API key sees it (GET /api/account)."""
        organization = self.organization(org_id)
        return AccountView(
            id=organization.id,
            name=organization.name,
            balance=organization.credits,
            country=organization.country or self._default_country,
            allowed_countries=sorted(organization.destinations(self._default_country)),
            terms_accepted=organization.accepted_terms_version == self._terms_version,
            suspended=organization.suspended_at is not None,
            email_suspended_at=organization.email_suspended_at,
            email_suspended_reason=organization.email_suspended_reason,
            two_way_number=organization.two_way_number,
        )

    def ledger(self, org_id: str) -> list[LedgerEntry]:
        self.organization(org_id)
        return self._ledger.entries(org_id)

    def accept_terms(self, org_id: str) -> str:
        """Record that the organisation accepted the current terms; returns their version."""
        self._accounts.accept_terms(org_id, self._terms_version)
        return self._terms_version

    def suspend(self, org_id: str) -> None:
        """Refuse every call of the organisation (403) until it is resumed."""
        self._accounts.suspend(org_id, now_iso())

    def resume(self, org_id: str) -> None:
        self._accounts.resume(org_id)

    def set_request_limit(self, org_id: str, per_minute: int, burst: int) -> None:
        self._accounts.set_request_limit(org_id, per_minute, burst)

    def set_allowed_countries(self, org_id: str, countries: list[str]) -> list[str]:
        """The countries the organisation's SMS may go to from now on (decision 18)."""
        allowed = sorted({_country(country) for country in countries})
        if not allowed:
            raise RequestInvalidError("name at least one country", field="countries")
        self._accounts.set_allowed_countries(org_id, allowed)
        return allowed

    def set_number(self, org_id: str, number: str, help_text: str | None = None) -> Organization:
        """Make `number` the organisation's two-way number (inbound SMS to it are the
        organisation's); it must be a valid international number no other organisation has."""
        phone = normalize_phone(number)
        if phone is None:
            raise RequestInvalidError(f"{number} is not an international phone number (+<country code>...)")
        organization = self.organization(org_id)
        self._accounts.set_number(org_id, phone.e164, help_text, organization.two_way_number)
        return self.organization(org_id)


def _country(value: str) -> str:
    try:
        return region_code(value)
    except ValueError as error:
        raise RequestInvalidError(f"country {error}", field="country") from None
