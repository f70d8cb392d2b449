"""Contacts: the people an organisation sends to, normalised exactly as sends normalise."""

from collections.abc import Iterable
from typing import Any

import phonenumbers

from .accounts import require_terms
from .clock import now_iso
from .contact_models import ContactInput, ContactPage, ContactPageMeta, ContactPatch, ContactQuery
from .contact_store import ContactStore
from .emails import normalize_email
from .errors import ContactNotFoundError, RequestInvalidError
from .ids import new_id
from .models import Contact, ContactStatus, Principal
from .phones import normalize_phone


def region_of(calling_code: str | None) -> str | None:
    """The main region of a calling code ("57" -> "CO"), to read a national number again."""
    if not calling_code or not calling_code.isdigit():
        return None
    region = phonenumbers.region_code_for_country_code(int(calling_code))
    return None if region == phonenumbers.UNKNOWN_REGION else region


def normalized(data: ContactInput, *, contact_id: str, created_at: str, version: int = 1) -> Contact:
    """The contact as stored: E.164 phone, normalised email, the number's calling code."""
    phone = normalize_phone(data.phone, data.country_code) if data.phone else None
    if data.phone and phone is None:
        raise RequestInvalidError(f"{data.phone!r} is not a valid phone number", field="phone")
    email = normalize_email(data.email) if data.email else None
    if data.email and email is None:
        raise RequestInvalidError(f"{data.email!r} is not a valid email address", field="email")
    region_code = data.country_code and str(phonenumbers.country_code_for_region(data.country_code))
    return Contact(
        id=contact_id,
        name=data.name.strip(),
        phone=phone.e164 if phone else None,
        email=email,
        country_code=phone.calling_code if phone else region_code,
        tags=sorted(set(data.tags)),
        status=data.status,
        custom_fields=data.custom_fields,
        created_at=created_at,
        updated_at=now_iso(),
        version=version,
    )


def as_input(contact: Contact, **changes: Any) -> ContactInput:
    """The input that would produce `contact`, with `changes` applied: the base of every update."""
    fields = {
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "country_code": region_of(contact.country_code),
        "tags": contact.tags,
        "status": contact.status,
        "custom_fields": contact.custom_fields,
        **changes,
    }
    if not fields["phone"] and not fields["email"]:
        raise RequestInvalidError("a contact needs a phone or an email", field="phone")
    return ContactInput.model_validate(fields)


class ContactService:
    def __init__(self, contacts: ContactStore) -> None:
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
