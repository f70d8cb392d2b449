"""The credits audit: does an organisation's balance equal the sum of its ledger, and which of
its messages wait past their lease for the sweeper to settle them."""

from sendme.domain.clock import now_iso
from sendme.domain.errors import OrganizationNotFoundError
from sendme.domain.ledger import AuditReport, audit
from sendme.storage.accounts import AccountRepository
from sendme.storage.indexes import LeaseIndex
from sendme.storage.ledger import CreditLedger


class CreditAudit:
    def __init__(self, accounts: AccountRepository, ledger: CreditLedger, leases: LeaseIndex) -> None:
        self._accounts = accounts
        self._ledger = ledger
        self._leases = leases

    def run(self, org_id: str) -> AuditReport:
        # A movement landing between these two reads shows as an imbalance: an audit that finds
        # one is run again before anyone is alarmed.
        entries = self._ledger.entries(org_id)
        organization = self._accounts.get_organization(org_id)
        if organization is None:
            raise OrganizationNotFoundError(f"organisation {org_id} does not exist")
        # The lease index spans every organisation; an audit is rare enough to read it whole.
        overdue = [lease for lease in self._leases.expired(before=now_iso()) if lease.org_id == org_id]
        return audit(org_id, organization.credits, entries, overdue)
