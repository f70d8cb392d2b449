"""GET /api/messages's filters, and how each query is served by a DynamoDB Query.

Every index of the messages table is keyed "<orgId>#<value>" with the message id (a UUIDv7,
so creation order) as its sort key. A query therefore reads one index partition, newest first:
the most selective indexed filter picks the partition, a date range becomes a condition on
the id, and any other filter is a FilterExpression on what that reads. Nothing scans.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from typing import TYPE_CHECKING, Annotated, Any

import phonenumbers
from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from pydantic import BeforeValidator, Field

from .clock import to_iso
from .emails import normalize_email
from .ids import highest_id_at, lowest_id_at
from .models import CamelModel, ContentType, Message, MessageStatus, MessageType
from .phones import normalize_phone

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

# Filter (a message attribute) -> (index name, index partition key attribute).
INDEXES: Mapping[str, tuple[str, str]] = {
    "recipientDetails": ("byRecipient", "orgRecipient"),
    "contactId": ("byContact", "orgContact"),
    "campaignId": ("byCampaign", "orgCampaign"),
    "status": ("byStatus", "orgStatus"),
    "countryCode": ("byCountry", "orgCountry"),
    "messageType": ("byType", "orgType"),
}
# One value per message: their partitions are small whatever the counters say, so they win.
HIGH_CARDINALITY = ("recipientDetails", "contactId")
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


def _parsed_from_text(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(lambda value: parse(value) if isinstance(value, str) else value)


SentAt = Annotated[SentWindow, _parsed_from_text(_sent_window)]
CalendarDate = Annotated[date, _parsed_from_text(_calendar_date)]
CallingCode = Annotated[str, _parsed_from_text(_calling_code)]
UpperCase = BeforeValidator(_upper)


class MessageQuery(CamelModel):
    """The query string of GET /api/messages. Unknown parameters are ignored."""

    page: int = Field(default=1, ge=1)
    limit: int = Field(default=10, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)
    content: str | None = Field(default=None, max_length=1600)
    content_type: Annotated[ContentType | None, UpperCase] = None
    status: Annotated[MessageStatus | None, UpperCase] = None
    sent_at: SentAt | None = None
    recipient_details: str | None = Field(default=None, max_length=320)
    country_code: CallingCode | None = None
    message_type: Annotated[MessageType | None, UpperCase] = None
    provider_id: Annotated[str | None, UpperCase, Field(max_length=64)] = None
    campaign_id: str | None = Field(default=None, max_length=128)
    contact_id: str | None = Field(default=None, max_length=128)
    start_date: CalendarDate | None = None
    end_date: CalendarDate | None = None

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, str] | None) -> "MessageQuery":
        # An empty parameter ("status=") is an unset filter, as an HTML form sends it.
        return cls.model_validate({name: value for name, value in (parameters or {}).items() if value != ""})

    def equalities(self) -> dict[str, str]:
        """The filters that match a stored attribute exactly: attribute -> value."""
        values = {
            "status": self.status,
            "recipientDetails": self.recipient_details,
            "countryCode": self.country_code,
            "messageType": self.message_type,
            "contentType": self.content_type,
            "provider": self.provider_id,
            "campaignId": self.campaign_id,
            "contactId": self.contact_id,
        }
        return {attribute: str(value) for attribute, value in values.items() if value is not None}

    @property
    def has_date_range(self) -> bool:
        return self.start_date is not None or self.end_date is not None

    def fingerprint(self) -> str:
        """What identifies the result set: every filter, and the page size."""
        return self.model_dump_json(include=set(type(self).model_fields) - {"page", "cursor"})


def normalized_recipient(raw: str, calling_code: str | None) -> str | None:
    """A recipient as sends store it: E.164 for a phone, lower-cased for an email.

    A national number is read in the country of `calling_code`; digits without one are tried
    as an international number. None when it is neither a phone number nor an email address.
    """
    if "@" in raw:
        return normalize_email(raw)
    region = phonenumbers.region_code_for_country_code(int(calling_code)) if calling_code else None
    phone = normalize_phone(raw, region)
    if phone is None and region is None and raw.strip().isdigit():
        phone = normalize_phone(f"+{raw.strip()}")
    return phone.e164 if phone else None


@dataclass(frozen=True)
class QueryPlan:
    """One Query: which partition (of the table or an index), id bounds and a filter."""

    org_id: str
    index: str | None
    partition_attribute: str
    partition_value: str
    lowest_id: str | None = None
    highest_id: str | None = None
    filter: ConditionBase | None = field(default=None, compare=False)

    def key_condition(self) -> ConditionBase:
        condition: ConditionBase = Key(self.partition_attribute).eq(self.partition_value)
        if self.lowest_id and self.highest_id:
            return condition & Key("id").between(self.lowest_id, self.highest_id)
        if self.lowest_id:
            return condition & Key("id").gte(self.lowest_id)
        if self.highest_id:
            return condition & Key("id").lte(self.highest_id)
        return condition

    def start_key(self, last_id: str) -> dict[str, str]:
        """The ExclusiveStartKey after `last_id`, built from the caller's org, never a client's."""
        key = {"orgId": self.org_id, "id": last_id}
        if self.index:
            key[self.partition_attribute] = self.partition_value
        return key


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def plan_query(org_id: str, query: MessageQuery, sizes: Mapping[str, int]) -> QueryPlan:
    """The cheapest Query for `query`: `sizes` estimates each indexed filter's partition size."""
    equalities = query.equalities()
    indexed = [attribute for attribute in INDEXES if attribute in equalities]
    chosen = next((attribute for attribute in indexed if attribute in HIGH_CARDINALITY), None)
    if chosen is None and indexed:
        chosen = min(indexed, key=lambda attribute: sizes.get(attribute, 0))
    conditions: list[ConditionBase] = [
        Attr(attribute).eq(value) for attribute, value in equalities.items() if attribute != chosen
    ]
    if query.content:
        conditions.append(Attr("content").contains(query.content))
    highest_at = _day_start(query.end_date) + timedelta(days=1, milliseconds=-1) if query.end_date else None
    if query.sent_at:
        conditions.append(Attr("sentAt").between(query.sent_at.first, query.sent_at.last))
        # A message is created before it is sent, so nothing created later can match.
        highest_at = min(highest_at or query.sent_at.last_moment, query.sent_at.last_moment)
    combined: ConditionBase | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    index, partition_attribute = INDEXES[chosen] if chosen else (None, "orgId")
    return QueryPlan(
        org_id=org_id,
        index=index,
        partition_attribute=partition_attribute,
        partition_value=f"{org_id}#{equalities[chosen]}" if chosen else org_id,
        lowest_id=lowest_id_at(_day_start(query.start_date)) if query.start_date else None,
        highest_id=highest_id_at(highest_at) if highest_at else None,
        filter=combined,
    )


@dataclass
class PageRead:
    messages: list[Message]
    # Items DynamoDB read to find them (its ScannedCount): what the page cost.
    scanned: int


# A filtered read asks for more items than it still needs, in proportion to how many it has
# had to read per match so far, but never more than this per request.
_MAX_READ_PER_REQUEST = 1000


class MessageSearch:
    """Runs QueryPlans against the messages table and its indexes, newest first."""

    def __init__(self, table: "Table") -> None:
        self._table = table

    def _query(self, plan: QueryPlan, limit: int, after: str | None, **extra: Any) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "KeyConditionExpression": plan.key_condition(),
            "ScanIndexForward": False,
            "Limit": limit,
            **extra,
        }
        if plan.index:
            arguments["IndexName"] = plan.index
        if plan.filter is not None:
            arguments["FilterExpression"] = plan.filter
        if after:
            arguments["ExclusiveStartKey"] = plan.start_key(after)
        return dict(self._table.query(**arguments))

    def _read(self, plan: QueryPlan, wanted: int, after: str | None, **extra: Any) -> tuple[list[dict[str, Any]], int]:
        """Up to `wanted` matching items after `after`, and how many items were read."""
        items: list[dict[str, Any]] = []
        scanned = 0
        while len(items) < wanted:
            missing = wanted - len(items)
            # Past a filter, ask for as many items as finding the missing matches has taken so far.
            read_per_match = scanned / len(items) if items else (2 * scanned / missing if scanned else 1.0)
            limit = min(max(ceil(missing * read_per_match), missing), _MAX_READ_PER_REQUEST)
            response = self._query(plan, limit, after, **extra)
            scanned += response["ScannedCount"]
            items.extend(response["Items"][:missing])
            if "LastEvaluatedKey" not in response:
                break
            after = str(response["LastEvaluatedKey"]["id"])
        return items, scanned

    def page(self, plan: QueryPlan, limit: int, after: str | None = None) -> PageRead:
        items, scanned = self._read(plan, limit, after)
        return PageRead(messages=[Message.model_validate(item) for item in items], scanned=scanned)

    def id_at(self, plan: QueryPlan, position: int) -> str | None:
        """The id of the `position`-th match (1-based), reading keys only; None if fewer match."""
        items, _ = self._read(plan, position, None, ProjectionExpression="id")
        return str(items[-1]["id"]) if len(items) == position else None

    def count(self, plan: QueryPlan) -> int:
        """How many messages match, counted on the plan's partition (Select=COUNT)."""
        total, after = 0, None
        while True:
            response = self._query(plan, _MAX_READ_PER_REQUEST, after, Select="COUNT")
            total += int(response["Count"])
            if "LastEvaluatedKey" not in response:
                return total
            after = str(response["LastEvaluatedKey"]["id"])

    def oldest_id(self, org_id: str) -> str | None:
        response = self._table.query(KeyConditionExpression=Key("orgId").eq(org_id), Limit=1, ProjectionExpression="id")
        return str(response["Items"][0]["id"]) if response["Items"] else None
