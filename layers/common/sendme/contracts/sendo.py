"""Sendo's `GET /v1/message/list` (sendo-list-messages.txt): its query, its list and its error body,
so a client written for Sendo reads our messages. Its field names and status words are the one
mapping table's (sendme.contracts.dialects); this module only gives them types."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from sendme.contracts.dialects import SENDO_STATUSES, SENDO_TYPE, sendo_fields
from sendme.contracts.messages import MessageQuery, PageSize, UpperCase
from sendme.domain.base import CamelModel, not_null
from sendme.domain.messages import Channel, Direction, Message

# The largest offset: an offset reads every message it skips (sendme.services.sendo).
MAX_SKIP = 10_000


class SendoQuery(CamelModel):
    """The query string of GET /v1/message/list; a parameter not listed here is refused."""

    campaign: str | None = Field(default=None, max_length=128, description="A campaign's id: its messages only.")
    limit: PageSize = Field(default=10, description="Messages to return.")
    skip: int = Field(
        default=0,
        ge=0,
        json_schema_extra={"maximum": MAX_SKIP},
        description="Messages to skip (an offset: it reads what it skips, so at most 10,000; page a long list "
        "with GET /api/messages's cursor).",
    )
    direction: Annotated[Direction | None, UpperCase] = Field(
        default=None, description="`INBOUND` (SMS the organisation received) or `OUTBOUND` (what it sent)."
    )
    number: str | None = Field(
        default=None,
        max_length=32,
        description="SMS to or from this phone number (a national number is read in the organisation's home country).",
    )

    def as_message_query(self, page_size: int) -> "SmsQuery":
        """The same filters as our GET /api/messages query, read `page_size` at a time."""
        return SmsQuery(campaign_id=self.campaign, direction=self.direction, number=self.number, limit=page_size)


class SmsQuery(MessageQuery):
    """Our list's query with one more filter, SMS only: Sendo has no email."""

    def equalities(self) -> dict[str, str]:
        return {**super().equalities(), "channel": Channel.SMS.value}


def _left_out_if_null(value: object) -> bool:
    return value is None


Optional = Field(default=None, exclude_if=_left_out_if_null, json_schema_extra=not_null)


class SendoMessage(CamelModel):
    """One message in Sendo's shape: a null field is left out, as Sendo's examples leave it out."""

    # A field FIELD_TABLE names that this model lacks is an error, not a field dropped.
    model_config = ConfigDict(extra="forbid")

    id: str
    type: str = Field(json_schema_extra={"enum": [SENDO_TYPE]}, description="We send no MMS (nor `mediaUrls`).")
    created_at: str
    sent_at: str | None = Optional
    updated_at: str
    scheduled_at: str | None = Optional
    direction: Direction
    from_: str | None = Field(default=None, alias="from", exclude_if=_left_out_if_null, json_schema_extra=not_null)
    to: str
    body: str
    metadata: dict[str, str] | None = Optional
    num_segments: int
    error_code: str | None = Optional
    error_message: str | None = Optional
    campaign_id: str | None = Optional
    status: Annotated[str, Field(json_schema_extra={"enum": list(SENDO_STATUSES)})]

    @classmethod
    def of(cls, message: Message) -> "SendoMessage":
        return cls.model_validate(sendo_fields(message))


class SendoMessages(CamelModel):
    messages: list[SendoMessage]


class SendoError(BaseModel):
    """Sendo's error body: what went wrong, in its `error` field."""

    # Built at the first error answered, not at every cold start.
    model_config = ConfigDict(defer_build=True)

    error: str


def sendo_error_body(title: str, message: str, extra: dict[str, Any]) -> dict[str, Any]:
    """An error of ours in Sendo's shape: the status says what kind, `error` the details."""
    return SendoError(error=message).model_dump()
