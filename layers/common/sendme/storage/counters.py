"""Message counters: how many messages an organisation has, in all and per filter value.

They give GET /api/messages its totalRecords without counting the organisation's messages on
each request. The counters live in the accounts table under their own partition (pk
"COUNTS#<orgId>"), apart from the organisation's other items. The counters whose values are
few and fixed (all, status, messageType, countryCode, contentType, provider) are attributes
of one item (sk "totals", attribute "<attribute>#<value>"), so that a send, a status change or
a whole batch of them is one update of it; the per-day and per-campaign counters, whose
values keep growing, are one small item each (sk "<attribute>#<value>", attribute `count`).

Counted: every message ("all"), per UTC creation day (in all and per status, the console's
30-day chart), and per value of the low-cardinality
filters (status, messageType, countryCode, contentType, provider, campaignId). A campaign's item
also holds its messages per status and per channel, the credits they were charged, and when its
first and last sends were made (GET /api/campaigns/{id}/stats). A send (one
add_all) makes two or three ADDs whatever the number of recipients: the totals, its day and
its campaign; status changes move their messages from the old statuses to the new in one ADD
of the totals, one of each creation day they touch and one of each campaign they belong to.
A counter update that fails is logged and counted (metric CounterUpdatesFailed), never raised.
Recipients and contacts are not counted: they have one value per message, so a
1,000-recipient send would cost 2,000 updates; their totals are counted on their own index
instead (see listing.py).
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from sendme.domain.ids import created_at_of
from sendme.domain.messages import Channel, Message, MessageStatus
from sendme.observability import logger, metrics
from sendme.storage import keys
from sendme.storage.dynamodb import read_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


ALL = "all"


# Message attribute -> counter dimension, for the filters that have a counter.
COUNTED_ATTRIBUTES = ("status", "messageType", "countryCode", "contentType", "provider", "campaignId")


def counter_key(attribute: str, value: str) -> str:
    return f"{attribute}#{value}"


def day_key(day: date) -> str:
    return counter_key("day", day.isoformat())


def day_status_key(day: date, status: MessageStatus) -> str:
    """The messages created on `day` that are now at `status`: an attribute of the day's item."""
    return f"{day_key(day)}{_IN_ITEM}{counter_key('status', status.value)}"


def in_campaign(campaign_id: str, counter: str) -> str:
    """A counter of one campaign's messages only: an attribute of the campaign's item."""
    return f"{counter_key('campaignId', campaign_id)}{_IN_ITEM}{counter}"


COST = "cost"
FIRST_SEND, LAST_SEND = "firstSendAt", "lastSendAt"


@dataclass(frozen=True)
class CampaignCounts:
    messages: int
    by_status: dict[str, int]
    by_channel: dict[str, int]
    cost: int
    first_send_at: str | None
    last_send_at: str | None


_TOTALS_ITEM = "totals"
# Separates a counter's item from its attribute when the item is not the totals.
_IN_ITEM = "|"
# Dimensions with few values (statuses, types, providers, the countries sent to): the totals item
# stays about 1 KB, one write unit, however many messages it counts.
_IN_TOTALS = frozenset({ALL, "status", "messageType", "countryCode", "contentType", "provider"})


def _key(org_id: str, item: str) -> dict[str, str]:
    return keys.counts(org_id, item)


def _stored_at(counter: str) -> tuple[str, str]:
    """The item and the attribute that hold a counter."""
    item, _, attribute = counter.partition(_IN_ITEM)
    if attribute:
        return item, attribute
    dimension = counter.partition("#")[0]
    return (_TOTALS_ITEM, counter) if dimension in _IN_TOTALS else (counter, "count")


def _keys_of(message: Message) -> list[str]:
    stored = message.model_dump(mode="json", by_alias=True)
    day = created_at_of(message.id).date()
    keys = [ALL, day_key(day), day_status_key(day, message.status)]
    keys += [counter_key(attribute, stored[attribute]) for attribute in COUNTED_ATTRIBUTES if stored.get(attribute)]
    return keys


def _campaign_amounts(message: Message, campaign_id: str) -> dict[str, int]:
    return {
        in_campaign(campaign_id, counter_key("status", message.status.value)): 1,
        in_campaign(campaign_id, counter_key("channel", message.channel.value)): 1,
        in_campaign(campaign_id, COST): message.cost,
    }


class MessageCounters:
    def __init__(self, table: "Table") -> None:
        self._table = table
        # The status moves held by batched(), None outside it.
        self._held: Counter[tuple[str, str]] | None = None

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Hold the status moves recorded inside the block and record their net amounts at its end:
        a worker's or a receipt batch's transitions cost one update per counter item, not one per
        message. A crash inside the block loses the held moves, as a failed update would."""
        if self._held is not None:  # already inside a batch: the outer one records
            yield
            return
        self._held = Counter()
        try:
            yield
        finally:
            held, self._held = self._held, None
            self._add(held)

    def record_added(self, messages: Iterable[Message]) -> None:
        deltas: Counter[tuple[str, str]] = Counter()
        # Each campaign item's earliest and latest creation time in these messages.
        sends: dict[tuple[str, str], tuple[str, str]] = {}
        for message in messages:
            deltas.update((message.org_id, key) for key in _keys_of(message))
            if message.campaign_id:
                for key, amount in _campaign_amounts(message, message.campaign_id).items():
                    deltas[message.org_id, key] += amount
                item = (message.org_id, counter_key("campaignId", message.campaign_id))
                first, last = sends.get(item, (message.created_at, message.created_at))
                sends[item] = (min(first, message.created_at), max(last, message.created_at))
        self._add(deltas, sends)

    def record_transition(self, message: Message) -> None:
        """Move `message` from its previous status's counter to its current one's.

        The previous status is the one before the last event of its history: every status
        change appends an event, so this needs no extra read.
        """
        if len(message.history) >= 2:
            self.record_moves([(message, message.history[-2].status)])

    def record_moves(self, moves: Iterable[tuple[Message, MessageStatus]]) -> None:
        """Record status changes, each a message (at its new status) and the status it left: one
        ADD per organisation, and one per creation day, however many moved."""
        deltas: Counter[tuple[str, str]] = Counter()
        for message, before in moves:
            day = created_at_of(message.id).date()
            for key, amount in ((before, -1), (message.status, 1)):
                deltas[message.org_id, counter_key("status", key.value)] += amount
                deltas[message.org_id, day_status_key(day, key)] += amount
                if message.campaign_id:
                    deltas[message.org_id, in_campaign(message.campaign_id, counter_key("status", key.value))] += amount
        if self._held is not None:
            self._held.update(deltas)
        else:
            self._add(deltas)

    def read(self, org_id: str, keys: Iterable[str]) -> dict[str, int]:
        """The value of each counter named (0 for one never incremented), 100 items per BatchGetItem."""
        wanted = {key: _stored_at(key) for key in dict.fromkeys(keys)}
        items = dict.fromkeys(item for item, _ in wanted.values())
        stored = {str(found["sk"]): found for found in read_items(self._table, [_key(org_id, item) for item in items])}
        return {key: int(str(stored.get(item, {}).get(attribute, 0))) for key, (item, attribute) in wanted.items()}

    def campaign(self, org_id: str, campaign_id: str) -> CampaignCounts:
        """A campaign's counters, one read of its item (zeros for a campaign never sent to)."""
        item = self._table.get_item(Key=_key(org_id, counter_key("campaignId", campaign_id))).get("Item", {})

        def amount(counter: str) -> int:
            return int(str(item.get(counter, 0)))

        def when(attribute: str) -> str | None:
            return str(item[attribute]) if attribute in item else None

        return CampaignCounts(
            messages=amount("count"),
            by_status={status.value: amount(counter_key("status", status.value)) for status in MessageStatus},
            by_channel={channel.value: amount(counter_key("channel", channel.value)) for channel in Channel},
            cost=amount(COST),
            first_send_at=when(FIRST_SEND),
            last_send_at=when(LAST_SEND),
        )

    def _add(
        self, deltas: Mapping[tuple[str, str], int], sends: Mapping[tuple[str, str], tuple[str, str]] | None = None
    ) -> None:
        """One ADD per counter item touched, of every nonzero amount it holds (and, for a
        campaign's item, the first and last send times in `sends`)."""
        updates: dict[tuple[str, str], dict[str, int]] = {}
        for (org_id, key), amount in deltas.items():
            if amount:
                item, attribute = _stored_at(key)
                updates.setdefault((org_id, item), {})[attribute] = amount
        for (org_id, item), amounts in updates.items():
            self._update(org_id, item, amounts, (sends or {}).get((org_id, item)))

    def _update(self, org_id: str, item: str, amounts: Mapping[str, int], sent: tuple[str, str] | None = None) -> None:
        # Best effort: the message is already written, and failing its send or delivery over a
        # counter would lose more than a total that is off by one.
        names: dict[str, str] = {f"#a{n}": attribute for n, attribute in enumerate(amounts)}
        values: dict[str, int | str] = {f":v{n}": amount for n, amount in enumerate(amounts.values())}
        expression = "ADD " + ", ".join(f"#a{n} :v{n}" for n in range(len(amounts)))
        if sent:
            # Two sends racing may leave the earlier one's time as the last: a stats figure, not
            # worth a conditional write that would fail and retry.
            names |= {"#first": FIRST_SEND, "#last": LAST_SEND}
            values |= {":first": sent[0], ":last": sent[1]}
            expression = f"SET #first = if_not_exists(#first, :first), #last = :last {expression}"
        try:
            self._table.update_item(
                Key=_key(org_id, item),
                UpdateExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except (BotoCoreError, ClientError):
            logger.exception("message counters not updated", extra={"counters": item, "amounts": dict(amounts)})
            metrics.add_metric(name="CounterUpdatesFailed", unit="Count", value=1)
