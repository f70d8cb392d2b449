"""Pydantic models of the /api/contacts bodies: what a client sends, what it gets back."""

from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, model_validator

from .models import CamelModel, Contact, ContactStatus

# 40, so that any change of a contact (its item, its phone and email uniqueness items on both
# sides, its old and new tag memberships) fits one 100-item DynamoDB transaction.
MAX_TAGS = 40
# "#" separates the parts of a membership item's key (TAG#<tag>#<contactId>).
Tag = Annotated[
    str,
    BeforeValidator(lambda value: value.strip() if isinstance(value, str) else value),
    Field(min_length=1, max_length=64, pattern=r"^[^#]+$"),
]
MAX_CUSTOM_FIELDS = 50
FieldName = Annotated[str, Field(min_length=1, max_length=64)]
FieldValue = Annotated[str, Field(max_length=1000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
# Not yet normalised: phones go through phonenumbers, emails through pydantic, in sendme.contacts.
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


Region = Annotated[str, BeforeValidator(_region_or_calling_code)]
Status = Annotated[ContactStatus, BeforeValidator(_upper)]


class ContactInput(CamelModel):
    """POST /api/contacts, and one row of an import."""

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


class ContactPatch(CamelModel):
    """PATCH /api/contacts/{id}: only the fields present change; null removes a phone or email."""

    name: Name | None = None
    phone: RawPhone | None = None
    email: RawEmail | None = None
    country_code: Region | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)
    status: Status | None = None
    custom_fields: dict[FieldName, FieldValue] | None = Field(default=None, max_length=MAX_CUSTOM_FIELDS)


class ContactQuery(CamelModel):
    """GET /api/contacts: a page of at most `limit`, continuing after `cursor`."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
    tag: Tag | None = None
    status: Status | None = None


class ContactPageMeta(CamelModel):
    limit: int
    has_next_page: bool
    next_cursor: str | None


class ContactPage(CamelModel):
    data: list[Contact]
    meta: ContactPageMeta


class ImportOptions(CamelModel):
    """POST /api/contacts/import?country=CO: how to read national numbers of rows without a countryCode."""

    country: Region | None = None


class ImportRejection(CamelModel):
    line: int
    reason: str


class ImportReport(CamelModel):
    """What an import did: every row is counted once, as created, updated, unchanged or rejected."""

    created: int = 0
    updated: int = 0
    # Rows that matched an existing contact and would change nothing in it.
    unchanged: int = 0
    rejected: int = 0
    # The first rejections, with their line numbers (the count above is complete).
    rejections: list[ImportRejection] = Field(default_factory=list)
    # Set when the import stopped before the end of the file (time ran out): resend from here.
    resume_from_line: int | None = None
