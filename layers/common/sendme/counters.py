"""Message counters: how many messages an organisation has, in all and per filter value.

They give GET /api/messages its totalRecords without counting the organisation's messages on
each request. Each counter is one small item in the accounts table under its own partition
(pk "COUNTS#<orgId>", sk "<attribute>#<value>"), apart from the organisation's other items.

Counted: every message ("all"), per UTC creation day, and per value of the low-cardinality
filters (status, messageType, countryCode, contentType, provider, campaignId). A send adds one
ADD per distinct counter (about eight, whatever the number of recipients); a status change
moves one from the old status to the new (a batch of changes: one ADD per counter that
changed). A counter update that fails is logged and counted
(metric CounterUpdatesFailed), never raised. Recipients and contacts are not counted: they have
one value per message, so a 1,000-recipient send would cost 2,000 updates; their totals are
counted on their own index instead (see listing.py).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from .ids import created_at_of
from .models import Message, MessageStatus
from .observability import logger, metrics

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

ALL = "all"
# Message attribute -> counter dimension, for the filters that have a counter.
COUNTED_ATTRIBUTES = ("status", "messageType", "countryCode", "contentType", "provider", "campaignId")
_BATCH_GET_LIMIT = 100


def counter_key(attribute: str, value: str) -> str:
    return f"{attribute}#{value}"


def day_key(day: date) -> str:
    return counter_key("day", day.isoformat())


def _key(org_id: str, counter: str) -> dict[str, str]:
    return {"pk": f"COUNTS#{org_id}", "sk": counter}


def _keys_of(message: Message) -> list[str]:
    stored = message.model_dump(mode="json", by_alias=True)
    keys = [ALL, day_key(created_at_of(message.id).date())]
    keys += [counter_key(attribute, stored[attribute]) for attribute in COUNTED_ATTRIBUTES if stored.get(attribute)]
    return keys


class MessageCounters:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def record_added(self, messages: Iterable[Message]) -> None:
        increments = Counter((message.org_id, key) for message in messages for key in _keys_of(message))
        for (org_id, key), amount in increments.items():
            self._add(org_id, key, amount)

    def record_transition(self, message: Message) -> None:
        """Move `message` from its previous status's counter to its current one's.

        The previous status is the one before the last event of its history: every status
        change appends an event, so this needs no extra read.
        """
        if len(message.history) >= 2:
            self.record_moves([(message.org_id, message.history[-2].status, message.status)])

    def record_moves(self, moves: Iterable[tuple[str, MessageStatus, MessageStatus]]) -> None:
        """Record (orgId, from, to) status changes: one ADD per counter that changed, however many moved."""
        deltas: Counter[tuple[str, str]] = Counter()
        for org_id, before, after in moves:
            deltas[org_id, counter_key("status", before.value)] -= 1
            deltas[org_id, counter_key("status", after.value)] += 1
        for (org_id, key), amount in deltas.items():
            if amount:
                self._add(org_id, key, amount)

    def read(self, org_id: str, keys: Iterable[str]) -> dict[str, int]:
        """The value of each counter named (0 for one never incremented), 100 per BatchGetItem."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, int] = dict.fromkeys(wanted, 0)
        for start in range(0, len(wanted), _BATCH_GET_LIMIT):
            chunk = wanted[start : start + _BATCH_GET_LIMIT]
            request: Mapping[str, Any] = {self._table.name: {"Keys": [_key(org_id, key) for key in chunk]}}
            while request:
                response = self._table.meta.client.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self._table.name, []):
                    found[str(item["sk"])] = int(str(item["count"]))
                request = response.get("UnprocessedKeys") or {}
        return found

    def _add(self, org_id: str, key: str, amount: int) -> None:
        # Best effort: the message is already written, and failing its send or delivery over a
        # counter would lose more than a total that is off by one.
        try:
            self._table.update_item(
                Key=_key(org_id, key),
                UpdateExpression="ADD #count :amount",
                ExpressionAttributeNames={"#count": "count"},
                ExpressionAttributeValues={":amount": amount},
            )
        except (BotoCoreError, ClientError):
            logger.exception("message counter not updated", extra={"counter": key, "amount": amount})
            metrics.add_metric(name="CounterUpdatesFailed", unit="Count", value=1)
