"""DynamoDB access. Each repository takes its boto3 Table so tests can pass a moto one."""

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from .clock import now_iso
from .counters import MessageCounters
from .dynamodb import cancellation_codes, read_items
from .errors import CreditsInsufficientError, MessagesNotStoredError, OrganizationNotFoundError
from .leases import LEASE_ATTRIBUTES
from .models import ApiKey, Contact, Message, MessageStatus, Organization, StatusEvent
from .status import sources_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

BATCH_WRITE_LIMIT = 25
TRANSACTION_LIMIT = 100

# Filter index partition keys: "<orgId>#<value>", so one Query reads one org's one value.
INDEXED_ATTRIBUTES: Mapping[str, str] = {
    "orgStatus": "status",
    "orgRecipient": "recipientDetails",
    "orgCampaign": "campaignId",
    "orgContact": "contactId",
    "orgType": "messageType",
    "orgCountry": "countryCode",
}


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _to_item(message: Message) -> dict[str, Any]:
    item = {k: v for k, v in message.model_dump(mode="json", by_alias=True).items() if v is not None}
    for index_key, attribute in INDEXED_ATTRIBUTES.items():
        if attribute in item:
            item[index_key] = f"{message.org_id}#{item[attribute]}"
    return item


@dataclass(frozen=True)
class Replacement:
    """A message as it was read and as it is to be stored, with the lease (if any) it is to carry."""

    before: Message
    after: Message
    lease: Mapping[str, str] = field(default_factory=dict)


class MessageRepository:
    def __init__(self, table: "Table", counters: MessageCounters | None = None) -> None:
        self._table = table
        # The list's totals (see counters.py); wiring always passes them.
        self._counters = counters

    def add_all(self, messages: Iterable[Message], *, attempts: int = 6, backoff_seconds: float = 0.05) -> None:
        """Write messages 25 per BatchWriteItem, re-sending UnprocessedItems with backoff.

        Raises MessagesNotStoredError if DynamoDB still leaves some unprocessed after
        `attempts` calls for one chunk, so the caller never takes a partial write for success.
        """
        messages = list(messages)
        items = [{"PutRequest": {"Item": _to_item(message)}} for message in messages]
        client = self._table.meta.client
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
            # Counted chunk by chunk, so what a failed send did store is counted like what it fails.
            if self._counters:
                self._counters.record_added(messages[start : start + BATCH_WRITE_LIMIT])

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
        refused: list[Replacement] = []
        for start in range(0, len(replacements), TRANSACTION_LIMIT):
            pending = list(replacements[start : start + TRANSACTION_LIMIT])
            conflicts = 0
            while pending:
                try:
                    self._table.meta.client.transact_write_items(
                        TransactItems=[self._conditional_put(replacement) for replacement in pending]  # type: ignore[misc]
                    )
                except ClientError as error:
                    codes = cancellation_codes(error)
                    lost = {index for index, code in enumerate(codes) if code == "ConditionalCheckFailed"}
                    if not lost:
                        conflicts += 1
                        if conflicts >= attempts:
                            raise
                        time.sleep(backoff_seconds * 2**conflicts)
                    refused += [pending[index] for index in sorted(lost)]
                    pending = [replacement for index, replacement in enumerate(pending) if index not in lost]
                    continue
                if self._counters:
                    self._counters.record_moves((r.after.org_id, r.before.status, r.after.status) for r in pending)
                break
        return refused

    def _conditional_put(self, replacement: Replacement) -> dict[str, Any]:
        unchanged = "#version = :version"
        if replacement.before.version == 0:
            unchanged += " OR attribute_not_exists(#version)"  # an item stored without one is at 0
        return {
            "Put": {
                "TableName": self._table.name,
                "Item": _to_item(replacement.after) | dict(replacement.lease),
                "ConditionExpression": unchanged,
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":version": replacement.before.version},
            }
        }

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
    ) -> Message | None:
        """Move a message to `target` if the state machine allows it from its current status
        (and, with `expect`, only if those attributes still hold those values).

        A lease (see sendme.leases) lives only as long as the status it was taken with: every
        transition drops it unless `fields` sets a new one.

        Returns the updated message, or None when the message is missing or its status does
        not allow the move (already done, or another worker got there first).
        """
        now = now_iso()
        allowed = sources_of(target, only_from)
        event = StatusEvent(status=target, at=now, source=source, detail=detail)
        values: dict[str, Any] = {
            ":target": target.value,
            ":orgStatus": f"{org_id}#{target.value}",
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
        condition: ConditionBase = Attr("status").is_in([status.value for status in allowed])
        for name, value in (expect or {}).items():
            condition &= Attr(name).eq(value)
        dropped = [name for name in LEASE_ATTRIBUTES if name not in (fields or {})]
        try:
            response = self._table.update_item(
                Key={"orgId": org_id, "id": message_id},
                UpdateExpression="SET "
                + ", ".join(assignments)
                + (" REMOVE " + ", ".join(dropped) if dropped else "")
                + " ADD #version :one",
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return None
            raise
        updated = Message.model_validate(response["Attributes"])
        if self._counters:
            self._counters.record_transition(updated)
        return updated


def _org_key(org_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": "PROFILE"}


def _api_key_key(key_hash: str) -> dict[str, str]:
    return {"pk": f"KEY#{key_hash}", "sk": "KEY"}


def _org_api_key_key(key: ApiKey) -> dict[str, str]:
    return {"pk": f"ORG#{key.org_id}", "sk": f"APIKEY#{key.key_id}"}


class AccountRepository:
    """Organisations and API keys in the overloaded accounts table.

    Layout: pk "ORG#<orgId>" sk "PROFILE" is the organisation; pk "KEY#<sha256>" sk "KEY" is a
    key as the authorizer reads it; pk "ORG#<orgId>" sk "APIKEY#<keyId>" is the same key listed
    under its organisation (show-org, revoke-key). Keys are never stored in clear.
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add_organization(self, organization: Organization) -> None:
        self._table.put_item(
            Item={**_org_key(organization.id), **organization.model_dump(mode="json", by_alias=True)},
            ConditionExpression=Attr("pk").not_exists(),
        )

    def get_organization(self, org_id: str) -> Organization | None:
        item = self._table.get_item(Key=_org_key(org_id), ConsistentRead=True).get("Item")
        return Organization.model_validate(item) if item else None

    def reserve_credits(self, org_id: str, amount: int) -> int:
        """Take `amount` credits atomically; returns the balance left. Never goes negative."""
        try:
            response = self._table.update_item(
                Key=_org_key(org_id),
                UpdateExpression="SET credits = credits - :amount",
                ConditionExpression=Attr("pk").exists() & Attr("credits").gte(amount),
                ExpressionAttributeValues={":amount": amount},
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            if self.get_organization(org_id) is None:
                raise OrganizationNotFoundError(f"organisation {org_id} does not exist") from error
            raise CreditsInsufficientError(
                f"this send costs {amount} credits and the balance does not cover it",
                details={"required": amount},
            ) from error
        return int(str(response["Attributes"]["credits"]))

    def add_credits(self, org_id: str, amount: int) -> int:
        try:
            response = self._table.update_item(
                Key=_org_key(org_id),
                UpdateExpression="ADD credits :amount",
                ConditionExpression=Attr("pk").exists(),
                ExpressionAttributeValues={":amount": amount},
                ReturnValues="UPDATED_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise OrganizationNotFoundError(f"organisation {org_id} does not exist") from error
            raise
        return int(str(response["Attributes"]["credits"]))

    def accept_terms(self, org_id: str, version: str) -> None:
        try:
            self._table.update_item(
                Key=_org_key(org_id),
                UpdateExpression="SET acceptedTermsVersion = :version",
                ConditionExpression=Attr("pk").exists(),
                ExpressionAttributeValues={":version": version},
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise OrganizationNotFoundError(f"organisation {org_id} does not exist") from error
            raise

    def add_api_key(self, key: ApiKey) -> None:
        """The key under its hash (what the authorizer reads) and under its organisation (to list it)."""
        item = key.model_dump(mode="json", by_alias=True, exclude_none=True)
        # The table's client converts Python values to DynamoDB's typed form, as the table does.
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self._table.name, "Item": {**_api_key_key(key.key_hash), **item}}},
                {"Put": {"TableName": self._table.name, "Item": {**_org_api_key_key(key), **item}}},
            ]
        )

    def api_key(self, key_hash: str) -> ApiKey | None:
        item = self._table.get_item(Key=_api_key_key(key_hash), ConsistentRead=True).get("Item")
        return ApiKey.model_validate(item) if item else None

    def api_keys(self, org_id: str) -> list[ApiKey]:
        response = self._table.query(
            KeyConditionExpression=Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with("APIKEY#"),
            ConsistentRead=True,
        )
        return [ApiKey.model_validate(item) for item in response["Items"]]

    def revoke_api_key(self, key: ApiKey, at: str) -> None:
        """Mark both copies of the key revoked, in one transaction."""
        update = {
            "TableName": self._table.name,
            "UpdateExpression": "SET revokedAt = if_not_exists(revokedAt, :at)",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":at": at},
        }
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {"Update": {**update, "Key": _api_key_key(key.key_hash)}},  # type: ignore[typeddict-item]
                {"Update": {**update, "Key": _org_api_key_key(key)}},  # type: ignore[typeddict-item]
            ]
        )


class ContactRepository:
    """Contacts in the accounts table: one item per contact, one membership item per tag.

    Layout (pk = "ORG#<orgId>"): sk "CONTACT#<contactId>" holds the contact; sk
    "TAG#<tag>#<contactId>" marks membership, so a tag's audience is one Query, never a Scan.
    Writes (which keep those items consistent) are in sendme.contact_store.
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def _query(self, org_id: str, prefix: str) -> Iterator[dict[str, Any]]:
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(f"ORG#{org_id}") & Key("sk").begins_with(prefix)
        }
        while True:
            response = self._table.query(**arguments)
            yield from response["Items"]
            if "LastEvaluatedKey" not in response:
                return
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def all(self, org_id: str) -> Iterator[Contact]:
        """Every contact of the organisation, page by page."""
        for item in self._query(org_id, "CONTACT#"):
            yield Contact.model_validate(item)

    def ids_with_tag(self, org_id: str, tag: str) -> Iterator[str]:
        for item in self._query(org_id, f"TAG#{tag}#"):
            yield str(item["contactId"])

    def get_many(self, org_id: str, contact_ids: Iterable[str]) -> list[Contact]:
        """The contacts with these ids (missing ones are left out), 100 per BatchGetItem."""
        keys = [{"pk": f"ORG#{org_id}", "sk": f"CONTACT#{contact_id}"} for contact_id in dict.fromkeys(contact_ids)]
        return [Contact.model_validate(item) for item in read_items(self._table, keys)]


class SuppressionList:
    """Email addresses an organisation must not send to again (hard bounces, complaints).

    Layout in the accounts table: pk "ORG#<orgId>", sk "SUPPRESSED#<address>".
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, org_id: str, address: str, reason: str) -> None:
        self._table.put_item(
            Item={"pk": f"ORG#{org_id}", "sk": f"SUPPRESSED#{address}", "reason": reason, "at": now_iso()}
        )

    def suppressed(self, org_id: str, addresses: Iterable[str]) -> set[str]:
        """Which of `addresses` are suppressed for the organisation."""
        wanted = list(dict.fromkeys(addresses))
        hits: set[str] = set()
        for start in range(0, len(wanted), 100):
            keys = [{"pk": f"ORG#{org_id}", "sk": f"SUPPRESSED#{address}"} for address in wanted[start : start + 100]]
            request: dict[str, Any] = {self._table.name: {"Keys": keys, "ProjectionExpression": "sk"}}
            while request:
                response = self._table.meta.client.batch_get_item(RequestItems=request)
                hits.update(
                    str(item["sk"]).removeprefix("SUPPRESSED#")
                    for item in response["Responses"].get(self._table.name, [])
                )
                request = response.get("UnprocessedKeys") or {}
        return hits
