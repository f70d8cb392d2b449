"""Contacts: create, read, list, update and delete, for one organisation."""

from collections.abc import Iterable

from sendme.contracts.contacts import ContactPage, ContactPageMeta, ContactPatch, ContactQuery
from sendme.domain.accounts import Principal, require_terms
from sendme.domain.clock import now_iso
from sendme.domain.contacts import Contact, ContactInput, ContactStatus, as_input, normalized
from sendme.domain.errors import ContactNotFoundError
from sendme.domain.ids import new_id
from sendme.storage.contacts import ContactRepository


class ContactService:
    def __init__(self, contacts: ContactRepository) -> None:
        self._contacts = contacts

    def create(self, principal: Principal, data: ContactInput) -> Contact:
        require_terms(principal)
        return self._create(principal.org_id, data)

    def add(
        self,
        org_id: str,
        name: str,
        *,
        phone: str | None = None,
        email: str | None = None,
        country: str | None = None,
        tags: Iterable[str] = (),
        status: ContactStatus = ContactStatus.ACTIVE,
    ) -> Contact:
        """An administrator's shortcut to create(): no terms check, plain arguments."""
        data = ContactInput(name=name, phone=phone, email=email, country_code=country, tags=list(tags), status=status)
        return self._create(org_id, data)

    def _create(self, org_id: str, data: ContactInput) -> Contact:
        contact = normalized(data, contact_id=new_id(), created_at=now_iso())
        self._contacts.apply(self._contacts.creation(org_id, contact))
        return contact

    def get(self, org_id: str, contact_id: str) -> Contact:
        contact = self._contacts.get(org_id, contact_id)
        if contact is None:
            raise ContactNotFoundError(f"no contact {contact_id}")
        return contact

    def list(self, org_id: str, query: ContactQuery) -> ContactPage:
        contacts, cursor = self._contacts.page(org_id, query.limit, query.cursor, tag=query.tag, status=query.status)
        return ContactPage(
            data=contacts, meta=ContactPageMeta(limit=query.limit, has_next_page=cursor is not None, next_cursor=cursor)
        )

    def update(self, principal: Principal, contact_id: str, patch: ContactPatch) -> Contact:
        require_terms(principal)
        before = self.get(principal.org_id, contact_id)
        changes = patch.model_dump(include=patch.model_fields_set)
        after = normalized(
            as_input(before, **changes), contact_id=before.id, created_at=before.created_at, version=before.version + 1
        )
        self._contacts.apply(self._contacts.change(principal.org_id, before, after))
        return after

    def delete(self, org_id: str, contact_id: str) -> None:
        """Deleting personal data is always allowed, terms accepted or not."""
        self._contacts.apply(self._contacts.removal(org_id, self.get(org_id, contact_id)))
