"""The suppressions API: list an organisation's suppression list, and lift one entry (a re-consent
the customer records)."""

from sendme.contracts.contacts import ContactPageMeta
from sendme.contracts.suppressions import SuppressionPage, SuppressionQuery
from sendme.domain.accounts import Principal
from sendme.domain.addresses import normalize_email, normalize_phone
from sendme.domain.errors import SuppressionNotFoundError
from sendme.storage.suppressions import SuppressionList


class SuppressionService:
    def __init__(self, suppressions: SuppressionList) -> None:
        self._suppressions = suppressions

    def list(self, org_id: str, query: SuppressionQuery) -> SuppressionPage:
        read = self._suppressions.page(org_id, query.limit, query.cursor)
        meta = ContactPageMeta(
            limit=query.limit, has_next_page=read.next_cursor is not None, next_cursor=read.next_cursor
        )
        return SuppressionPage(data=read.items, meta=meta)

    def remove(self, principal: Principal, recipient: str) -> None:
        """Lift the suppression of an address or a number (a national one read in the organisation's
        home country); 404 when it is not suppressed."""
        if "@" in recipient:
            address = normalize_email(recipient)
        else:
            phone = normalize_phone(recipient, principal.country)
            address = phone.e164 if phone else None
        if address is None or not self._suppressions.remove(principal.org_id, address):
            raise SuppressionNotFoundError(f"{recipient} is not on the suppression list")
