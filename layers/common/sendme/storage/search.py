"""How GET /api/messages reads: the filter indexes, the query plan and the paged reads. Nothing scans."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key

from sendme.contracts.messages import MessageQuery
from sendme.domain.ids import highest_id_at, ids_of_millisecond, lowest_id_at
from sendme.domain.messages import Direction, Message
from sendme.storage import keys
from sendme.storage.messages import MessageRepository

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
    # byRecipient files an inbound SMS under its sender: a number's partition is the conversation.
    "number": ("byRecipient", "orgRecipient"),
}


# The indexes that hold whole status items (template.yaml): byStatus is rewritten at every
# status change anyway. The others hold keys only (a status change never writes them); what
# they find is read from the table, and any other filter is applied to what was read.
WHOLE_ITEM_INDEXES = frozenset({"byStatus"})


# One value per message: their partitions are small whatever the counters say, so they win.
HIGH_CARDINALITY = ("recipientDetails", "contactId", "number")


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
    # The same filter (and the content's, which only a content item holds) on a stored item.
    matches: "Check | None" = field(default=None, compare=False)
    content: str | None = None

    @property
    def filtered_here(self) -> bool:
        """Whether the filter is applied to the messages read rather than by DynamoDB."""
        return self.matches is not None and (self.content is not None or self.index not in {None, *WHOLE_ITEM_INDEXES})

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


type Check = Callable[[Mapping[str, Any]], bool]


def _equals(attribute: str, value: str) -> Check:
    return lambda item: str(item.get(attribute)) == value


def _contains(text: str) -> Check:
    return lambda item: text in str(item.get("content", ""))


def _sent_between(first: str, last: str) -> Check:
    return lambda item: first <= str(item.get("sentAt") or "") <= last


def _matching(attribute: str, value: str) -> tuple[ConditionBase, Check]:
    """A filter as DynamoDB applies it, and as it is applied to a message read."""
    if attribute == "number":
        # The other party: the recipient of what we sent, the sender of what we received.
        return (
            Attr("recipientDetails").eq(value) | Attr("from").eq(value),
            lambda item: value in (str(item.get("recipientDetails")), str(item.get("from"))),
        )
    return Attr(attribute).eq(value), _equals(attribute, value)


def _of_direction(direction: Direction) -> tuple[ConditionBase, Check]:
    if direction is Direction.INBOUND:
        return Attr("direction").eq(direction.value), lambda item: item.get("direction") == direction.value
    # A message stored without a direction is one we sent.
    return (
        Attr("direction").not_exists() | Attr("direction").eq(direction.value),
        lambda item: item.get("direction", direction.value) == direction.value,
    )


def plan_query(org_id: str, query: MessageQuery, sizes: Mapping[str, int]) -> QueryPlan:
    """The cheapest Query for `query`: `sizes` estimates each indexed filter's partition size."""
    equalities = query.equalities()
    indexed = [attribute for attribute in INDEXES if attribute in equalities]
    chosen = next((attribute for attribute in indexed if attribute in HIGH_CARDINALITY), None)
    if chosen is None and indexed:
        chosen = min(indexed, key=lambda attribute: sizes.get(attribute, 0))
    others = {attribute: value for attribute, value in equalities.items() if attribute != chosen}
    if chosen == "recipientDetails" and "@" not in equalities[chosen]:
        # A number's partition also holds what that number sent to the organisation's (decision
        # 31); an address's holds only what was sent to it (no email comes in).
        others[chosen] = equalities[chosen]
    filters = [_matching(attribute, value) for attribute, value in others.items()]
    if query.direction is not None:
        filters.append(_of_direction(query.direction))
    conditions: list[ConditionBase] = [condition for condition, _ in filters]
    checks = [check for _, check in filters]
    if query.content:
        checks.append(_contains(query.content))
    highest_at = _day_start(query.end_date) + timedelta(days=1, milliseconds=-1) if query.end_date else None
    if query.sent_at:
        conditions.append(Attr("sentAt").between(query.sent_at.first, query.sent_at.last))
        checks.append(_sent_between(query.sent_at.first, query.sent_at.last))
        # A message is created before it is sent, so nothing created later can match.
        highest_at = min(highest_at or query.sent_at.last_moment, query.sent_at.last_moment)
    combined: ConditionBase | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    index, partition_attribute = INDEXES[chosen] if chosen else (None, "orgId")
    lowest = [lowest_id_at(_day_start(query.start_date))] if query.start_date else []
    highest = [highest_id_at(highest_at)] if highest_at else []
    if query.queue_millis is not None:
        # A queue's messages all carry its millisecond (decision 15): the queueId's filter
        # reads that millisecond of the partition, not the organisation's history.
        first, last = ids_of_millisecond(query.queue_millis)
        lowest, highest = [*lowest, first], [*highest, last]
    return QueryPlan(
        org_id=org_id,
        index=index,
        partition_attribute=partition_attribute,
        partition_value=keys.partition(org_id, equalities[chosen]) if chosen else org_id,
        lowest_id=max(lowest, default=None),
        highest_id=min(highest, default=None),
        filter=combined,
        matches=(lambda item: all(check(item) for check in checks)) if checks else None,
        content=query.content,
    )


@dataclass
class PageRead:
    messages: list[Message]
    # Items DynamoDB read to find them (its ScannedCount): what the page cost.
    scanned: int


# A filtered read asks for more items than it still needs, in proportion to how many it has
# had to read per match so far, but never more than this per request.
_MAX_READ_PER_REQUEST = 1000


# How many items a totalRecords that no counter holds may count (as a dry run reads at most 10,000
# contacts): about 1,250 read units for 1 KB messages, a second or so.
COUNT_READ_LIMIT = 10_000


class MessageSearch:
    """Runs QueryPlans against the messages table and its indexes, newest first."""

    def __init__(self, table: "Table", messages: MessageRepository) -> None:
        self._table = table
        self._messages = messages

    def _query(self, plan: QueryPlan, limit: int, after: str | None, **extra: Any) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "KeyConditionExpression": plan.key_condition(),
            "ScanIndexForward": False,
            "Limit": limit,
            **extra,
        }
        if plan.index:
            arguments["IndexName"] = plan.index
        if plan.filter is not None and not plan.filtered_here:
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
            found = response["Items"]
            if plan.filtered_here and plan.matches and found:
                matching = {m.id for m in self._messages.join(found) if plan.matches(m.model_dump(by_alias=True))}
                found = [item for item in found if item["id"] in matching]
            items.extend(found[:missing])
            if "LastEvaluatedKey" not in response:
                break
            after = str(response["LastEvaluatedKey"]["id"])
        return items, scanned

    def page(self, plan: QueryPlan, limit: int, after: str | None = None) -> PageRead:
        items, scanned = self._read(plan, limit, after)
        return PageRead(messages=self._messages.join(items), scanned=scanned)

    def id_at(self, plan: QueryPlan, position: int) -> str | None:
        """The id of the `position`-th match (1-based), reading keys only; None if fewer match."""
        items, _ = self._read(plan, position, None, ProjectionExpression="orgId, id")
        return str(items[-1]["id"]) if len(items) == position else None

    def ids(self, plan: QueryPlan, count: int) -> list[str]:
        """The ids of the first `count` matches, newest first, reading keys only."""
        items, _ = self._read(plan, count, None, ProjectionExpression="orgId, id")
        return [str(item["id"]) for item in items]

    def count(self, plan: QueryPlan) -> tuple[int, bool]:
        """How many messages match, counted on the plan's partition (Select=COUNT), or on the
        messages read when the filter is applied to them, up to COUNT_READ_LIMIT: (the count,
        whether it is complete). Past the budget the count is of the newest items only, a lower
        bound, so no request reads a partition whole."""
        if plan.filtered_here:
            matches = len(self._read(plan, COUNT_READ_LIMIT, None, ProjectionExpression="orgId, id")[0])
            return matches, matches < COUNT_READ_LIMIT
        total, read, after, budget = 0, 0, None, COUNT_READ_LIMIT
        while True:
            response = self._query(plan, min(_MAX_READ_PER_REQUEST, budget - read), after, Select="COUNT")
            total += int(response["Count"])
            read += int(response["ScannedCount"])
            if "LastEvaluatedKey" not in response:
                return total, True
            if read >= budget:
                return total, False
            after = str(response["LastEvaluatedKey"]["id"])

    def oldest_id(self, org_id: str) -> str | None:
        response = self._table.query(KeyConditionExpression=Key("orgId").eq(org_id), Limit=1, ProjectionExpression="id")
        return str(response["Items"][0]["id"]) if response["Items"] else None
