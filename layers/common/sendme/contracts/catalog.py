"""The /api/templates and /api/campaigns bodies: a template's and a campaign's input and patch, the
list query and pages, and a template's preview."""

from pydantic import Field

from sendme.domain.base import REFUSE_UNKNOWN_FIELDS, CamelModel, NullsRefused, not_null
from sendme.domain.messages import Channel
from sendme.domain.templates import BODY_LIMITS, SUBJECT_LIMIT, Campaign, Name, Template, Variables


class TemplateInput(CamelModel):
    """POST /api/templates."""

    model_config = REFUSE_UNKNOWN_FIELDS

    name: Name
    channel: Channel
    # Email only: the subject line, itself a template.
    subject: str | None = Field(default=None, min_length=1, max_length=SUBJECT_LIMIT)
    body: str = Field(min_length=1, max_length=BODY_LIMITS[Channel.EMAIL])
    # The value of a variable a recipient and the send leave unset.
    defaults: Variables = Field(default_factory=dict)


class TemplatePatch(NullsRefused):
    """PATCH /api/templates/{id}: only the fields present change (the channel never does)."""

    model_config = REFUSE_UNKNOWN_FIELDS

    name: Name | None = Field(default=None, json_schema_extra=not_null)
    subject: str | None = Field(default=None, min_length=1, max_length=SUBJECT_LIMIT, json_schema_extra=not_null)
    body: str | None = Field(
        default=None, min_length=1, max_length=BODY_LIMITS[Channel.EMAIL], json_schema_extra=not_null
    )
    defaults: Variables | None = Field(default=None, json_schema_extra=not_null)


class CampaignInput(CamelModel):
    """POST /api/campaigns."""

    model_config = REFUSE_UNKNOWN_FIELDS

    name: Name
    description: str | None = Field(default=None, max_length=2000)


class CampaignPatch(NullsRefused):
    """PATCH /api/campaigns/{id}: only the fields present change; a null description removes it."""

    model_config = REFUSE_UNKNOWN_FIELDS

    name: Name | None = Field(default=None, json_schema_extra=not_null)
    description: str | None = Field(default=None, max_length=2000)


class CatalogQuery(CamelModel):
    """GET /api/templates and /api/campaigns: a page of at most `limit`, oldest first, after `cursor`."""

    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=64, description="`meta.nextCursor` of the page before.")


class CatalogPageMeta(CamelModel):
    limit: int
    has_next_page: bool
    next_cursor: str | None


class TemplatePage(CamelModel):
    data: list[Template]
    meta: CatalogPageMeta


class CampaignPage(CamelModel):
    data: list[Campaign]
    meta: CatalogPageMeta


class CampaignStats(CamelModel):
    """GET /api/campaigns/{id}/stats: the campaign's messages, read from counters kept as they
    are sent and change status."""

    campaign_id: str
    messages: int = Field(description="Messages sent in the campaign.")
    by_status: dict[str, int] = Field(description="Its messages now at each status.")
    by_channel: dict[str, int] = Field(description="Its messages per channel (`sms`, `email`).")
    cost: int = Field(description="Credits charged when they were sent (refunds not deducted).")
    first_send_at: str | None = Field(description="When its first send was made (null: none yet).")
    last_send_at: str | None = Field(description="When its last send was made (null: none yet).")


class PreviewRequest(CamelModel):
    """POST /api/templates/{id}/preview: render for one contact (or none), with the send's variables."""

    model_config = REFUSE_UNKNOWN_FIELDS

    contact_id: str | None = Field(default=None, min_length=1, max_length=64)
    variables: Variables = Field(default_factory=dict)


class Preview(CamelModel):
    """What one recipient would receive, and what it would cost (an SMS's segments)."""

    subject: str | None
    body: str
    segments: int
    encoding: str | None
