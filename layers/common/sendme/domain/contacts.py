"""Contacts: the people an organisation sends to, normalised exactly as sends normalise."""

from enum import StrEnum
from typing import Annotated, Any, Self

import phonenumbers
from pydantic import BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from sendme.domain.addresses import COUNTRY, normalize_email, normalize_phone, region_of
from sendme.domain.base import REFUSE_UNKNOWN_FIELDS, CamelModel
from sendme.domain.clock import now_iso
from sendme.domain.errors import RequestInvalidError


class ContactStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    BLOCKED = "BLOCKED"


class Contact(CamelModel):
    """Someone an organisation sends to: the audience of /all and /tags sends."""

    id: str
    name: str
    phone: str | None = None
    email: str | None = None
    country_code: str | None = None
    tags: list[str] = Field(default_factory=list)
    status: ContactStatus = ContactStatus.ACTIVE
    custom_fields: dict[str, str] = Field(default_factory=dict)
    created_at: str
    updated_at: str | None = None
    # Bumped by every write: updates and deletes are conditional on it (optimistic locking).
    version: int = 1


# 40, so that any change of a contact (its item, its phone and email uniqueness items on both
# sides, its old and new tag memberships) fits one 100-item DynamoDB transaction.
MAX_TAGS = 40


class _TagSchema:
    """A tag's JSON schema, worked out only when a schema is generated (openapi.json), not at
    every cold start: its whitespace class walks the first 12,289 code points."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # What str.strip() removes, as a JSON-schema character class (none is above U+3000).
        whitespace = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x3001)) if c.isspace())
        return {"type": "string", "minLength": 1, "maxLength": 64, "pattern": f"^[^#]*[^#{whitespace}][^#]*$"}


# "#" separates the parts of a membership item's key (TAG#<tag>#<contactId>). Surrounding
# whitespace is stripped, so a tag needs one character that is neither "#" nor whitespace.
Tag = Annotated[
    str,
    BeforeValidator(lambda value: value.strip() if isinstance(value, str) else value),
    Field(min_length=1, max_length=64, pattern=r"^[^#]+$"),
    _TagSchema(),
]


MAX_CUSTOM_FIELDS = 50


FieldName = Annotated[str, Field(min_length=1, max_length=64)]


FieldValue = Annotated[str, Field(max_length=1000)]


Name = Annotated[str, Field(min_length=1, max_length=200)]


# Not yet normalised: phones go through phonenumbers, emails through pydantic, in `normalized` below.
RawPhone = Annotated[str, Field(min_length=1, max_length=64)]


RawEmail = Annotated[str, Field(min_length=1, max_length=320)]


def _upper(value: Any) -> Any:
    return value.upper().strip() if isinstance(value, str) else value


def _region_or_calling_code(value: Any) -> Any:
    """ "CO", "57" and "+57" all name Colombia; what a contact reports back ("57") reads again."""
    import phonenumbers

    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code.lstrip("+").isdigit():
        code = phonenumbers.region_code_for_country_code(int(code.lstrip("+")))
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code (CO) or a calling code (57)")
    return code


Region = Annotated[str, BeforeValidator(_region_or_calling_code), COUNTRY]


Status = Annotated[ContactStatus, BeforeValidator(_upper)]


class ContactInput(CamelModel):
    """POST /api/contacts, and one row of an import."""

    # A contact is reachable: a phone or an email (checked by _reachable below).
    model_config = ConfigDict(
        **REFUSE_UNKNOWN_FIELDS,
        json_schema_extra={
            "anyOf": [{"required": [field], "properties": {field: {"type": "string"}}} for field in ("phone", "email")]
        },
    )

    name: Name
    phone: RawPhone | None = None
    email: RawEmail | None = None
    # How to read a national phone number; the stored countryCode is the number's calling code.
    country_code: Region | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    status: Status = ContactStatus.ACTIVE
    custom_fields: dict[FieldName, FieldValue] = Field(default_factory=dict, max_length=MAX_CUSTOM_FIELDS)

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not self.phone and not self.email:
            raise ValueError("a contact needs a phone or an email")
        return self


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
