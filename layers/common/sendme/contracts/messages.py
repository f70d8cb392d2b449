"""GET /api/messages: its query (14 filters and a cursor), the list item, the detail and the page."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar

import phonenumbers
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from sendme.domain.addresses import CALLING_CODE, normalize_email, normalize_phone
from sendme.domain.base import CamelModel
from sendme.domain.clock import to_iso
from sendme.domain.ids import millis_of
from sendme.domain.messages import ContentType, Direction, Message, MessageStatus, MessageType, StatusEvent
from sendme.domain.templates import Campaign


class Reference(CamelModel):
    id: str
    name: str | None = None


class MessageView(CamelModel):
    """One item of GET /api/messages, shaped as the contract's example."""

    id: str
    content: str
    content_type: ContentType
    status: MessageStatus
    sent_at: str | None
    error_message: str | None
    recipient_details: str
    country_code: str | None
    message_type: MessageType
    provider: str
    campaign: Reference | None
    contact: Reference | None
    organization_id: str
    created_at: str
    updated_at: str
    deleted_at: str | None
    subject: str | None = None
    segments: int
    encoding: str | None
    cost: int
    error_code: str | None
    # When a scheduled message is (or was) due; null for a message sent at once.
    scheduled_at: str | None = None
    direction: Direction = Direction.OUTBOUND
    from_: str | None = Field(default=None, alias="from")
    metadata: dict[str, str] | None = None
    # An email's first open, click, bounce and unsubscribe, from its SES events.
    opened_at: str | None = None
    clicked_at: str | None = None
    bounced_at: str | None = None
    unsubscribed_at: str | None = None

    @classmethod
    def of(
        cls,
        message: Message,
        contact_names: Mapping[str, str] | None = None,
        campaigns: Mapping[str, Campaign] | None = None,
    ) -> "MessageView":
        """The item, with its contact's and campaign's names when given (a deleted one's is null)."""
        campaign = (campaigns or {}).get(message.campaign_id or "")
        return cls(
            **message.model_dump(exclude={"org_id", "campaign_id", "contact_id", "history"}),
            organization_id=message.org_id,
            campaign=Reference(id=message.campaign_id, name=campaign.name if campaign else None)
            if message.campaign_id
            else None,
            contact=Reference(id=message.contact_id, name=(contact_names or {}).get(message.contact_id))
            if message.contact_id
            else None,
        )


class MessageDetail(MessageView):
    history: list[StatusEvent]


class PageMeta(CamelModel):
    total_records: int
    total_pages: int
    current_page: int
    limit: int
    has_next_page: bool
    has_previous_page: bool
    next_cursor: str | None = None
    # True when no counter holds the total and counting it stopped at its read budget (10,000
    # items): totalRecords and totalPages are then lower bounds; hasNextPage still tells.
    total_records_capped: bool = False


class MessagePage(CamelModel):
    data: list[MessageView]
    meta: PageMeta


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _calendar_date(value: str) -> date:
    if not _DATE.match(value):
        raise ValueError("must be a date as YYYY-MM-DD")
    return date.fromisoformat(value)


def _calling_code(value: str) -> str:
    """ "57", "+57" or "CO" -> "57", the form messages store."""
    code = value.strip().removeprefix("+")
    if code.isdigit():
        if phonenumbers.region_code_for_country_code(int(code)) == phonenumbers.UNKNOWN_REGION:
            raise ValueError("is not a country calling code (such as 57) or ISO country (such as CO)")
        return str(int(code))
    calling_code = phonenumbers.country_code_for_region(code.upper())
    if not calling_code:
        raise ValueError("is not a country calling code (such as 57) or ISO country (such as CO)")
    return str(calling_code)


@dataclass(frozen=True)
class SentWindow:
    """The instants a sentAt filter matches, as stored timestamps (UTC, milliseconds)."""

    first: str
    last: str
    last_moment: datetime


def _sent_window(value: str) -> SentWindow:
    """A date matches its whole UTC day; a date-time the second (or millisecond) it names."""
    if _DATE.match(value):
        start = datetime.combine(date.fromisoformat(value), time(), UTC)
        end = start + timedelta(days=1) - timedelta(milliseconds=1)
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD) or an ISO 8601 date-time") from None
        start = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(UTC)
        end = start if moment.microsecond else start.replace(microsecond=999_000)
    return SentWindow(first=to_iso(start), last=to_iso(end), last_moment=end)


# What a send answers as its queueId: the channel and the UUIDv7 minted when the send began.
_QUEUE_ID = re.compile(r"^(sms|email)-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _queue_id(value: str) -> str:
    if not _QUEUE_ID.match(value.strip().lower()):
        raise ValueError("is not a queueId this API issued (sms-<uuid> or email-<uuid>)")
    return value.strip().lower()


def _parsed_from_text(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


SentAt = Annotated[
    SentWindow,
    _parsed_from_text(_sent_window),
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]


CalendarDate = Annotated[date, _parsed_from_text(_calendar_date)]


CallingCode = Annotated[str, _parsed_from_text(_calling_code), CALLING_CODE]


QueueId = Annotated[str, _parsed_from_text(_queue_id)]


UpperCase = BeforeValidator(_upper)


def _between(low: int, high: int) -> AfterValidator:
    """A bound the error body states whole ("must be between 1 and 100"), in either language."""

    def check(value: int) -> int:
        if not low <= value <= high:
            raise PydanticCustomError("between", "must be between {low} and {high}", {"low": low, "high": high})
        return value

    return AfterValidator(check)


PageSize = Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": 100}), _between(1, 100)]


class MessageQuery(CamelModel):
    """The query string of GET /api/messages. An empty parameter ("status=") is an unset filter;
    a parameter not listed here is refused (sendme.contracts.operations)."""

    # from_parameters drops empty values, as an HTML form sends an unset field.
    empty_is_unset: ClassVar[bool] = True

    page: int = Field(default=1, ge=1, description="The page, from 1; ignored when `cursor` is given.")
    limit: PageSize = Field(default=10, description="Messages per page.")
    cursor: str | None = Field(
        default=None,
        max_length=2048,
        description="`meta.nextCursor` of the previous page: the next page, whatever its number, at the cost of "
        "one page. Valid with the same filters, `limit` and organisation only.",
    )
    content: str | None = Field(default=None, max_length=1600, description="A substring of the text, case-sensitive.")
    content_type: Annotated[ContentType | None, UpperCase] = Field(default=None, description="Exactly (any case).")
    status: Annotated[MessageStatus | None, UpperCase] = Field(default=None, description="Exactly (any case).")
    sent_at: SentAt | None = Field(
        default=None,
        description="A date: sent on that UTC day. A date-time (an offset, or none = UTC): sent within that "
        "second, or that millisecond if it has a fraction.",
    )
    recipient_details: str | None = Field(
        default=None,
        max_length=320,
        description="Exactly the recipient, normalised as a send stores it: a phone number (a national one read "
        "in `countryCode`'s country) or an email address. Anything else is a 400.",
    )
    country_code: CallingCode | None = Field(
        default=None, description="The recipient's country calling code (`57`, `+57`) or ISO country (`CO`)."
    )
    message_type: Annotated[MessageType | None, UpperCase] = Field(default=None, description="Exactly (any case).")
    provider_id: Annotated[str | None, UpperCase, Field(max_length=64)] = Field(
        default=None, description="The provider, `SNS` (SMS) or `SES` (email), any case."
    )
    campaign_id: str | None = Field(default=None, max_length=128, description="Exactly.")
    contact_id: str | None = Field(default=None, max_length=128, description="Exactly.")
    queue_id: QueueId | None = Field(
        default=None, description="The `queueId` a send answered: exactly that send's messages."
    )
    start_date: CalendarDate | None = Field(
        default=None, description="Created on or after this UTC day (inclusive), as YYYY-MM-DD."
    )
    end_date: CalendarDate | None = Field(
        default=None, description="Created on or before this UTC day (inclusive), as YYYY-MM-DD."
    )
    direction: Annotated[Direction | None, UpperCase] = Field(
        default=None, description="`OUTBOUND` (what the organisation sent) or `INBOUND` (SMS it received), any case."
    )
    number: str | None = Field(
        default=None,
        max_length=32,
        description="SMS to or from this phone number (the other party, either way; a national number is read "
        "in the organisation's home country). Anything that is not a phone number is a 400.",
    )

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, str] | None) -> "MessageQuery":
        # An empty parameter ("status=") is an unset filter, as an HTML form sends it.
        return cls.model_validate({name: value for name, value in (parameters or {}).items() if value != ""})

    def equalities(self) -> dict[str, str]:
        """The filters that match a stored attribute exactly: attribute -> value."""
        values = {
            "recipientDetails": self.recipient_details,
            "countryCode": self.country_code,
            "messageType": self.message_type,
            "contentType": self.content_type,
            "provider": self.provider_id,
            "campaignId": self.campaign_id,
            "contactId": self.contact_id,
            "queueId": self.queue_id,
            "number": self.number,
            # What an organisation receives is RECEIVED and stays so: its status partition is its list.
            "status": self.status or (MessageStatus.RECEIVED if self.direction is Direction.INBOUND else None),
        }
        return {attribute: str(value) for attribute, value in values.items() if value is not None}

    @property
    def has_date_range(self) -> bool:
        return self.start_date is not None or self.end_date is not None

    @property
    def queue_millis(self) -> int | None:
        """When the queue's send began: every message of it was created in that millisecond."""
        return millis_of(self.queue_id.partition("-")[2]) if self.queue_id else None

    def fingerprint(self) -> str:
        """What identifies the result set: every filter, and the page size."""
        return self.model_dump_json(include=set(type(self).model_fields) - {"page", "cursor"})


def normalized_recipient(raw: str, calling_code: str | None, home_country: str | None = None) -> str | None:
    """A recipient as sends store it: E.164 for a phone, lower-cased for an email.

    A national number is read in the country of `calling_code`, else in the organisation's
    `home_country`, as a send reads it; digits that are no number there are tried as an
    international number. None when it is neither a phone number nor an email address.
    """
    if "@" in raw:
        return normalize_email(raw)
    region = phonenumbers.region_code_for_country_code(int(calling_code)) if calling_code else home_country
    phone = normalize_phone(raw, region)
    if phone is None and calling_code is None and raw.strip().isdigit():
        phone = normalize_phone(f"+{raw.strip()}")
    return phone.e164 if phone else None
