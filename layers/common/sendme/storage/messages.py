"""The messages table: a small status item per message, moved by conditional writes, and its
content item, written once per send (storage.message_items)."""

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from sendme.domain.clock import now_iso
from sendme.domain.errors import MessagesNotStoredError
from sendme.domain.ids import ids_of_millisecond, millis_of
from sendme.domain.leases import LEASE_ATTRIBUTES, LEASE_UNTIL, REDRIVES, lease_fields, lease_until
from sendme.domain.ledger import LedgerEntry
from sendme.domain.messages import Message, MessageStatus, StatusEvent
from sendme.domain.status import sources_of
from sendme.storage import keys
from sendme.storage.counters import MessageCounters
from sendme.storage.dynamodb import cancellation_codes, is_condition_failure, read_items
from sendme.storage.ledger import CreditLedger
from sendme.storage.message_items import ContentCache, content_key, joined, split

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


BATCH_WRITE_LIMIT = 25


TRANSACTION_LIMIT = 100


# DynamoDB's limit on the items of one transaction is 4 MB; this leaves room for the estimate.
TRANSACTION_BYTES = 4_000_000


# Content items read so far, in this process (they never change: see message_items).
_CONTENTS = ContentCache()


def _transaction_groups(puts: Sequence[dict[str, Any]]) -> Iterator[list[int]]:
    """The positions of `puts` in runs that fit one transaction: at most 100 items, and under its
    4 MB (status items are small, but nothing bounds a provider's error message)."""
    group: list[int] = []
    size = 0
    for position, put in enumerate(puts):
        # Its JSON is a little longer than DynamoDB's measure of the item: a safe estimate.
        item_size = len(json.dumps(put["Put"]["Item"], default=str).encode())
        if group and (len(group) == TRANSACTION_LIMIT or size + item_size > TRANSACTION_BYTES):
            yield group
            group, size = [], 0
        group.append(position)
        size += item_size
    if group:
        yield group


@dataclass(frozen=True)
class Replacement:
    """A message as it was read and as it is to be stored, with the lease (if any) it is to carry."""

    before: Message
    after: Message
    lease: Mapping[str, str] = field(default_factory=dict)


class MessageRepository:
    def __init__(
        self,
        table: "Table",
        counters: MessageCounters | None = None,
        ledger: CreditLedger | None = None,
        *,
        queued_lease_seconds: int | None = None,
    ) -> None:
        self._table = table
        # The list's totals (see counters.py); wiring always passes them.
        self._counters = counters
        # Where a transition that moves credits records them (see ledger.py); wiring always passes it.
        self._ledger = ledger
        # The lease every QUEUED message is born with (sendme.domain.leases); wiring always passes it.
        self._queued_lease_seconds = queued_lease_seconds

    def counted_together(self) -> AbstractContextManager[None]:
        """The status changes made inside the block update the counters once, at its end."""
        return self._counters.batched() if self._counters else nullcontext()

    def add_all(self, messages: Iterable[Message], *, attempts: int = 6, backoff_seconds: float = 0.05) -> None:
        """Write messages 25 per BatchWriteItem, re-sending UnprocessedItems with backoff.

        Each QUEUED message is written under its birth lease, so one whose queue entry never
        comes is found by the sweeper: stored implies it will reach a final status.
        Raises MessagesNotStoredError if DynamoDB still leaves some unprocessed after
        `attempts` calls for one chunk, so the caller never takes a partial write for success.
        """
        messages = list(messages)
        statuses, contents = self._born_all(messages)
        stored = 0
        try:
            # The contents first: a status item is never seen without its content.
            self._write(contents, attempts=attempts, backoff_seconds=backoff_seconds)
            for start in range(0, len(statuses), BATCH_WRITE_LIMIT):
                self._write(
                    statuses[start : start + BATCH_WRITE_LIMIT], attempts=attempts, backoff_seconds=backoff_seconds
                )
                stored = start + BATCH_WRITE_LIMIT
        finally:
            # Counted once per call (one update per counter item, not per 25 messages), and also
            # when a chunk fails: what a failed send did store is counted like what it fails.
            if self._counters and stored:
                self._counters.record_added(messages[:stored])

    def _write(self, items: Sequence[dict[str, Any]], *, attempts: int, backoff_seconds: float) -> None:
        """Put `items`, 25 per BatchWriteItem, re-sending UnprocessedItems with backoff."""
        client = self._table.meta.client
        for start in range(0, len(items), BATCH_WRITE_LIMIT):
            pending: list[Any] = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE_LIMIT]]
            for attempt in range(attempts):
                response = client.batch_write_item(RequestItems={self._table.name: pending})
                pending = list((response.get("UnprocessedItems") or {}).get(self._table.name, []))
                if not pending:
                    break
                time.sleep(backoff_seconds * 2**attempt)
            if pending:
                raise MessagesNotStoredError(f"DynamoDB left {len(pending)} items unprocessed")

    def add_new(
        self, messages: Iterable[Message], *, attempts: int = 4, backoff_seconds: float = 0.05
    ) -> list[Message]:
        """Write each message only if no message has its id yet, in transactions of conditional
        Puts (up to 100, under 4 MB). Returns the messages written; a stored one, whatever its
        status, is left as it is: nothing written here ever resets a message another write moved on.

        Messages refused are left out of their transaction and the rest written again; a
        transaction that conflicts with another write is retried with backoff, then raises.
        """
        messages = list(messages)
        statuses, contents = self._born_all(messages)
        # Contents are idempotent (keyed by their digest): written plainly, before their messages.
        self._write(contents, attempts=attempts, backoff_seconds=backoff_seconds)
        new = {"ExpressionAttributeNames": {"#id": "id"}}
        puts = [self._conditional(status, "attribute_not_exists(#id)", **new) for status in statuses]
        added: list[Message] = []
        for group in _transaction_groups(puts):
            refused = self._transact(group, puts, attempts=attempts, backoff_seconds=backoff_seconds)
            written = [messages[index] for index in group if index not in refused]
            # Counted group by group, so what a failed run did store is counted (counters never raise).
            if self._counters:
                self._counters.record_added(written)
            added += written
        return added

    def _born_all(self, messages: Sequence[Message]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The messages' status items, each QUEUED one under its birth lease and each SCHEDULED one
        under a lease that ends at its time, and their distinct content items."""
        statuses, contents = [], {}
        for message in messages:
            status, content = split(message)
            if self._queued_lease_seconds and message.status is MessageStatus.QUEUED:
                status |= lease_fields(message.id, self._queued_lease_seconds)
            if message.status is MessageStatus.SCHEDULED and message.scheduled_at:
                status |= lease_until(message.id, message.scheduled_at)
            statuses.append(status)
            contents[content["id"]] = content
        return statuses, list(contents.values())

    def redrive(self, org_id: str, message_id: str, *, held: str, seconds: int, max_redrives: int) -> bool:
        """Renew the lease `held` of a QUEUED message for `seconds`, counting one more re-drive.

        False if the message moved on or took another lease since (it is not the sweeper's to
        re-drive), or if it was re-driven `max_redrives` times already.
        """
        below: ConditionBase = Attr(REDRIVES).lt(max_redrives)
        if max_redrives > 0:
            below |= Attr(REDRIVES).not_exists()
        try:
            self._table.update_item(
                Key={"orgId": org_id, "id": message_id},
                # A new version, as for every write: a claim built from an earlier read is refused,
                # and the re-driven queue entry delivers the message instead.
                UpdateExpression="SET #until = :until ADD #redrives :one, #version :one",
                ConditionExpression=Attr("status").eq(MessageStatus.QUEUED.value) & Attr(LEASE_UNTIL).eq(held) & below,
                ExpressionAttributeNames={"#until": LEASE_UNTIL, "#redrives": REDRIVES, "#version": "version"},
                ExpressionAttributeValues={":until": lease_fields(message_id, seconds)[LEASE_UNTIL], ":one": 1},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def get(self, org_id: str, message_id: str) -> Message | None:
        item = self._table.get_item(Key={"orgId": org_id, "id": message_id}, ConsistentRead=True).get("Item")
        return self.join([item])[0] if item else None

    def in_queue(self, org_id: str, queue_id: str) -> Iterator[Message]:
        """Every message of one send or send job, read consistently: their ids all carry the queue
        id's millisecond (decision 15), so this reads that millisecond's ids and filters the rest."""
        first, last = ids_of_millisecond(millis_of(queue_id.partition("-")[2]))
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("orgId").eq(org_id) & Key("id").between(first, last),
            "FilterExpression": Attr("queueId").eq(queue_id),
            "ConsistentRead": True,
        }
        while True:
            response = self._table.query(**arguments)
            yield from self.join(response["Items"])
            if "LastEvaluatedKey" not in response:
                return
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Message]:
        """The messages of these (orgId, id) keys that exist, read consistently, 100 per BatchGetItem."""
        wanted = [{"orgId": org_id, "id": message_id} for org_id, message_id in dict.fromkeys(keys)]
        messages = self.join(list(read_items(self._table, wanted, ConsistentRead=True)))
        return {(message.org_id, message.id): message for message in messages}

    def join(self, items: Sequence[Mapping[str, Any]]) -> list[Message]:
        """The messages of these items of the table or an index, in their order: a keys-only
        index's items are read from the table (eventually consistent, then consistently for any
        not there yet), and each status item is joined to its content item."""
        partial = [{"orgId": item["orgId"], "id": item["id"]} for item in items if "status" not in item]
        found = {_at(item): item for item in read_items(self._table, partial)}
        missing = [key for key in partial if _at(key) not in found]
        found |= {_at(item): item for item in read_items(self._table, missing, ConsistentRead=True)}
        statuses = [item if "status" in item else found.get(_at(item)) for item in items]
        present = [status for status in statuses if status is not None]
        wanted = {_at(key): key for key in map(content_key, present)}
        contents = {at: content for at, key in wanted.items() if (content := _CONTENTS.get(key)) is not None}
        unread = [key for at, key in wanted.items() if at not in contents]
        # Contents are never written after their messages, so a consistent read finds them all.
        for content in read_items(self._table, unread, ConsistentRead=True):
            _CONTENTS.put(content)
            contents[_at(content)] = content
        return [joined(status, contents[_at(content_key(status))]) for status in present]

    def replace_all(
        self, replacements: Sequence[Replacement], *, attempts: int = 4, backoff_seconds: float = 0.05
    ) -> list[Replacement]:
        """Store each replacement's `after` only if its message is still at `before`'s version,
        up to 100 in one transaction. Returns the refused ones: their message changed meanwhile.

        A refusal cancels the whole transaction, so the rest is written again without it. A
        transaction that conflicts with another write is retried with backoff, then raises.
        Each message may appear once.
        """
        puts = [self._conditional_put(replacement) for replacement in replacements]
        refused: list[Replacement] = []
        for group in _transaction_groups(puts):
            lost = self._transact(group, puts, attempts=attempts, backoff_seconds=backoff_seconds)
            refused += [replacements[index] for index in group if index in lost]
            if self._counters:
                self._counters.record_moves(
                    (r.after, r.before.status) for r in (replacements[index] for index in group if index not in lost)
                )
        return refused

    def _transact(
        self, group: Sequence[int], puts: Sequence[dict[str, Any]], *, attempts: int, backoff_seconds: float
    ) -> set[int]:
        """Write `puts` at the positions `group` in one transaction; the positions whose condition
        failed (left out, the rest written again) are returned."""
        pending, refused, conflicts = list(group), set[int](), 0
        while pending:
            try:
                self._table.meta.client.transact_write_items(TransactItems=[puts[index] for index in pending])  # type: ignore[misc]
            except ClientError as error:
                codes = cancellation_codes(error)
                lost = {pending[n] for n, code in enumerate(codes) if code == "ConditionalCheckFailed"}
                if not lost:
                    conflicts += 1
                    if conflicts >= attempts:
                        raise
                    time.sleep(backoff_seconds * 2**conflicts)
                refused |= lost
                pending = [index for index in pending if index not in lost]
                continue
            break
        return refused

    def _conditional_put(self, replacement: Replacement) -> dict[str, Any]:
        unchanged = "#version = :version"
        if replacement.before.version == 0:
            unchanged += " OR attribute_not_exists(#version)"  # an item stored without one is at 0
        return self._conditional(
            split(replacement.after)[0] | dict(replacement.lease),
            unchanged,
            ExpressionAttributeNames={"#version": "version"},
            ExpressionAttributeValues={":version": replacement.before.version},
        )

    def _conditional(self, item: dict[str, Any], condition: str, **expression: Any) -> dict[str, Any]:
        return {"Put": {"TableName": self._table.name, "Item": item, "ConditionExpression": condition, **expression}}

    def transition(
        self,
        org_id: str,
        message_id: str,
        target: MessageStatus,
        *,
        source: str,
        detail: str | None = None,
        fields: Mapping[str, Any] | None = None,
        first: Mapping[str, str] | None = None,
        only_from: Iterable[MessageStatus] | None = None,
        expect: Mapping[str, Any] | None = None,
        paying: LedgerEntry | None = None,
    ) -> Message | None:
        """Move a message to `target` if the state machine allows it from its current status
        (and, with `expect`, only if those attributes still hold those values). `first`:
        attributes set only where the message has none yet (an email's engagement timestamps).

        A lease (see sendme.domain.leases) lives only as long as the status it was taken with: every
        transition drops it unless `fields` sets a new one. With `paying`, the credit movement
        is written in the same transaction as the status change: both or neither.

        Returns the updated message, or None when the message is missing or its status does
        not allow the move (already done, or another worker got there first).
        """
        allowed = sources_of(target, only_from)
        if not allowed:
            return None
        now = now_iso()
        event = StatusEvent(status=target, at=now, source=source, detail=detail)
        values: dict[str, Any] = {
            ":target": target.value,
            ":orgStatus": keys.partition(org_id, target.value),
            ":now": now,
            ":event": [event.to_wire()],
            ":empty": [],
            ":one": 1,
        }
        assignments = [
            "#status = :target",
            "orgStatus = :orgStatus",
            "updatedAt = :now",
            "history = list_append(if_not_exists(history, :empty), :event)",
        ]
        names = {"#status": "status", "#version": "version"}
        for position, (name, value) in enumerate((fields or {}).items()):
            names[f"#f{position}"] = name
            values[f":f{position}"] = value
            assignments.append(f"#f{position} = :f{position}")
        assignments += _first_assignments(first or {}, names, values)
        # Spelled out rather than built with Attr: boto3 expands those only at the top of a call,
        # never inside a transaction's items.
        clauses = ["#status IN (" + ", ".join(f":from{n}" for n in range(len(allowed))) + ")"]
        values |= {f":from{n}": status.value for n, status in enumerate(sorted(allowed))}
        for position, (name, value) in enumerate((expect or {}).items()):
            names[f"#e{position}"], values[f":e{position}"] = name, value
            clauses.append(f"#e{position} = :e{position}")
        dropped = [name for name in LEASE_ATTRIBUTES if name not in (fields or {})]
        update: dict[str, Any] = {
            "Key": {"orgId": org_id, "id": message_id},
            "UpdateExpression": "SET "
            + ", ".join(assignments)
            + (" REMOVE " + ", ".join(dropped) if dropped else "")
            + " ADD #version :one",
            "ConditionExpression": " AND ".join(clauses),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
        updated = self._update(update) if paying is None else self._update_paying(update, paying)
        if updated and self._counters:
            self._counters.record_transition(updated)
        return updated

    def set_first(self, org_id: str, message_id: str, first: Mapping[str, str]) -> bool:
        """Set those of `first` the message has none of yet, leaving its status as it is: an
        engagement event that cannot move the status (a click on a READ email, a bounce after
        DELIVERED). One UpdateItem, no read; False if the message is missing or has them all."""
        names, values = {"#id": "id", "#version": "version"}, {":one": 1}
        assignments = _first_assignments(first, names, values)
        absent = " OR ".join(f"attribute_not_exists(#g{position})" for position in range(len(first)))
        try:
            self._table.update_item(
                Key={"orgId": org_id, "id": message_id},
                # A new version, as for every write: a replacement built from an earlier read
                # would otherwise drop what this sets.
                UpdateExpression="SET " + ", ".join(assignments) + " ADD #version :one",
                ConditionExpression=f"attribute_exists(#id) AND ({absent})",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def _update(self, update: dict[str, Any]) -> Message | None:
        try:
            response = self._table.update_item(**update, ReturnValues="ALL_NEW")
        except ClientError as error:
            if is_condition_failure(error):
                return None
            raise
        return self.join([response["Attributes"]])[0]

    def _update_paying(self, update: dict[str, Any], entry: LedgerEntry) -> Message | None:
        if self._ledger is None:
            raise TypeError("a MessageRepository without a ledger cannot move credits")
        if not self._ledger.record(entry, {"Update": {"TableName": self._table.name, **update}}):
            return None
        # A transaction returns no attributes; the message is read back as it now is.
        return self.get(update["Key"]["orgId"], update["Key"]["id"])


def _first_assignments(first: Mapping[str, str], names: dict[str, str], values: dict[str, Any]) -> list[str]:
    """SET clauses that keep an attribute's first value: `#gN = if_not_exists(#gN, :gN)`."""
    for position, (name, value) in enumerate(first.items()):
        names[f"#g{position}"], values[f":g{position}"] = name, value
    return [f"#g{position} = if_not_exists(#g{position}, :g{position})" for position in range(len(first))]


def _at(key: Mapping[str, Any]) -> tuple[str, str]:
    """An item's (orgId, id)."""
    return str(key["orgId"]), str(key["id"])
