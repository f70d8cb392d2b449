"""The /api/contacts bodies: the patch, the query, the page and the import report."""

from pydantic import Field

from sendme.domain.base import REFUSE_UNKNOWN_FIELDS, CamelModel, not_null
from sendme.domain.contacts import (
    MAX_CUSTOM_FIELDS,
    MAX_TAGS,
    Contact,
    FieldName,
    FieldValue,
    Name,
    RawEmail,
    RawPhone,
    Region,
    Status,
    Tag,
)


class ContactPatch(CamelModel):
    """PATCH /api/contacts/{id}: only the fields present change; null removes a phone or email."""

    model_config = REFUSE_UNKNOWN_FIELDS

    # Only a phone, an email or a countryCode can be removed (null); the rest can only change, and
    # a null there is refused when the contact is rebuilt, so the schema does not offer it.
    name: Name | None = Field(default=None, json_schema_extra=not_null)
    phone: RawPhone | None = None
    email: RawEmail | None = None
    country_code: Region | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS, json_schema_extra=not_null)
    status: Status | None = Field(default=None, json_schema_extra=not_null)
    custom_fields: dict[FieldName, FieldValue] | None = Field(
        default=None, max_length=MAX_CUSTOM_FIELDS, json_schema_extra=not_null
    )


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
