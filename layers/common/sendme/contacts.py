"""Contacts: the people an organisation sends to, normalised exactly as sends normalise."""

from collections.abc import Iterable

from .clock import now_iso
from .emails import normalize_email
from .errors import RequestInvalidError
from .ids import new_id
from .models import Contact, ContactStatus
from .phones import normalize_phone
from .repositories import ContactRepository


class ContactService:
    def __init__(self, contacts: ContactRepository) -> None:
        self._contacts = contacts

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
        normalized_phone = normalize_phone(phone, country) if phone else None
        if phone and normalized_phone is None:
            raise RequestInvalidError(f"{phone!r} is not a valid phone number", field="phone")
        normalized_email = normalize_email(email) if email else None
        if email and normalized_email is None:
            raise RequestInvalidError(f"{email!r} is not a valid email address", field="email")
        contact = Contact(
            id=new_id(),
            name=name,
            phone=normalized_phone.e164 if normalized_phone else None,
            email=normalized_email,
            country_code=normalized_phone.calling_code if normalized_phone else None,
            tags=sorted(set(tags)),
            status=status,
            created_at=now_iso(),
        )
        self._contacts.add(org_id, contact)
        return contact
