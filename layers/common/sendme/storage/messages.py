"""The messages table: one item per message, written in batches and moved by conditional writes."""

import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase
from botocore.exceptions import ClientError

from sendme.domain.clock import now_iso
from sendme.domain.errors import MessagesNotStoredError
from sendme.domain.leases import LEASE_ATTRIBUTES, LEASE_UNTIL, REDRIVES, lease_fields
from sendme.domain.ledger import LedgerEntry
from sendme.domain.messages import Direction, Message, MessageStatus, StatusEvent
from sendme.domain.status import sources_of
from sendme.storage import keys
from sendme.storage.counters import MessageCounters
from sendme.storage.dynamodb import cancellation_codes, is_condition_failure, read_items
from sendme.storage.ledger import CreditLedger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


BATCH_WRITE_LIMIT = 25


TRANSACTION_LIMIT = 100


# DynamoDB's limit on the items of one transaction is 4 MB; this leaves room for the estimate.
TRANSACTION_BYTES = 4_000_000


# Filter index partition keys: "<orgId>#<value>", so one Query reads one org's one value.
INDEXED_ATTRIBUTES: Mapping[str, str] = {
    "orgStatus": "status",
    "orgRecipient": "recipientDetails",
    "orgCampaign": "campaignId",
    "orgContact": "contactId",
    "orgType": "messageType",
    "orgCountry": "countryCode",
}


def _to_item(message: Message) -> dict[str, Any]:
    item = {k: v for k, v in message.model_dump(mode="json", by_alias=True).items() if v is not None}
    for index_key, attribute in INDEXED_ATTRIBUTES.items():
        if attribute in item:
            item[index_key] = keys.partition(message.org_id, item[attribute])
    if message.direction is Direction.OUTBOUND:
        # Absent is OUTBOUND (as for messages stored before directions): no bytes on every
        # write of every message, and of each index that projects it.
        del item["direction"]
    else:
        # Filed under its sender in byRecipient, beside what was sent to that number: one Query
        # reads both directions of a conversation (the list's `number` filter, decision 31).
        item["orgRecipient"] = keys.partition(message.org_id, message.counterpart)
    return item


def _transaction_groups(puts: Sequence[dict[str, Any]]) -> Iterator[list[int]]:
    """The positions of `puts` in runs that fit one transaction: at most 100 items, and under its
    4 MB (an email job's messages may carry 100 KB bodies each)."""
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

    def add_all(self, messages: Iterable[Message], *, attempts: int = 6, backoff_seconds: float = 0.05) -> None:
        """Write messages 25 per BatchWriteItem, re-sending UnprocessedItems with backoff.

        Each QUEUED message is written under its birth lease, so one whose queue entry never
        comes is found by the sweeper: stored implies it will reach a final status.
        Raises MessagesNotStoredError if DynamoDB still leaves some unprocessed after
        `attempts` calls for one chunk, so the caller never takes a partial write for success.
        """
        messages = list(messages)
        items = [{"PutRequest": {"Item": self._born(message)}} for message in messages]
        client = self._table.meta.client
        stored = 0
        try:
            for start in range(0, len(items), BATCH_WRITE_LIMIT):
                pending: list[Any] = items[start : start + BATCH_WRITE_LIMIT]
                for attempt in range(attempts):
                    response = client.batch_write_item(RequestItems={self._table.name: pending})
                    pending = list((response.get("UnprocessedItems") or {}).get(self._table.name, []))
                    if not pending:
                        break
                    time.sleep(backoff_seconds * 2**attempt)
                if pending:
                    raise MessagesNotStoredError(f"DynamoDB left {len(pending)} messages unprocessed")
                stored = start + BATCH_WRITE_LIMIT
        finally:
            # Counted once per call (one update per counter item, not per 25 messages), and also
            # when a chunk fails: what a failed send did store is counted like what it fails.
            if self._counters and stored:
                self._counters.record_added(messages[:stored])

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
        new = {"ExpressionAttributeNames": {"#id": "id"}}
        puts = [self._conditional(self._born(message), "attribute_not_exists(#id)", **new) for message in messages]
        added: list[Message] = []
        for group in _transaction_groups(puts):
            refused = self._transact(group, puts, attempts=attempts, backoff_seconds=backoff_seconds)
            written = [messages[index] for index in group if index not in refused]
            # Counted group by group, so what a failed run did store is counted (counters never raise).
            if self._counters:
                self._counters.record_added(written)
            added += written
        return added

    def _born(self, message: Message) -> dict[str, Any]:
        item = _to_item(message)
        if self._queued_lease_seconds and message.status is MessageStatus.QUEUED:
            item |= lease_fields(message.id, self._queued_lease_seconds)
        return item

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
        return Message.model_validate(item) if item else None

    def get_many(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Message]:
        """The messages of these (orgId, id) keys that exist, read consistently, 100 per BatchGetItem."""
        wanted = [{"orgId": org_id, "id": message_id} for org_id, message_id in dict.fromkeys(keys)]
        messages = (Message.model_validate(item) for item in read_items(self._table, wanted, ConsistentRead=True))
        return {(message.org_id, message.id): message for message in messages}

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
                    (r.after.org_id, r.before.status, r.after.status)
                    for r in (replacements[index] for index in group if index not in lost)
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
            _to_item(replacement.after) | dict(replacement.lease),
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
        only_from: Iterable[MessageStatus] | None = None,
        expect: Mapping[str, Any] | None = None,
        paying: LedgerEntry | None = None,
    ) -> Message | None:
        """Move a message to `target` if the state machine allows it from its current status
        (and, with `expect`, only if those attributes still hold those values).

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

    def _update(self, update: dict[str, Any]) -> Message | None:
        try:
            response = self._table.update_item(**update, ReturnValues="ALL_NEW")
        except ClientError as error:
            if is_condition_failure(error):
                return None
            raise
        return Message.model_validate(response["Attributes"])

    def _update_paying(self, update: dict[str, Any], entry: LedgerEntry) -> Message | None:
        if self._ledger is None:
            raise TypeError("a MessageRepository without a ledger cannot move credits")
        if not self._ledger.record(entry, {"Update": {"TableName": self._table.name, **update}}):
            return None
        # A transaction returns no attributes; the message is read back as it now is.
        return self.get(update["Key"]["orgId"], update["Key"]["id"])
