"""DynamoDB access. Each repository takes its boto3 Table so tests can pass a moto one."""

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from .clock import now_iso
from .counters import MessageCounters
from .errors import CreditsInsufficientError, OrganizationNotFoundError
from .models import Contact, Message, MessageStatus, Organization, StatusEvent
from .status import sources_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

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


class MessageRepository:
    def __init__(self, table: "Table", counters: MessageCounters | None = None) -> None:
        self._table = table
        # The list's totals (see counters.py); wiring always passes them.
        self._counters = counters

    def add_all(self, messages: Iterable[Message]) -> None:
        messages = list(messages)
        # batch_writer sends 25 items per BatchWriteItem and re-sends UnprocessedItems.
        with self._table.batch_writer() as batch:
            for message in messages:
                batch.put_item(Item=_to_item(message))
        if self._counters:
            self._counters.record_added(messages)

    def get(self, org_id: str, message_id: str) -> Message | None:
        item = self._table.get_item(Key={"orgId": org_id, "id": message_id}, ConsistentRead=True).get("Item")
        return Message.model_validate(item) if item else None

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
    ) -> Message | None:
        """Move a message to `target` if the state machine allows it from its current status.

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
        }
        assignments = [
            "#status = :target",
            "orgStatus = :orgStatus",
            "updatedAt = :now",
            "history = list_append(if_not_exists(history, :empty), :event)",
        ]
        names = {"#status": "status"}
        for position, (name, value) in enumerate((fields or {}).items()):
            names[f"#f{position}"] = name
            values[f":f{position}"] = value
            assignments.append(f"#f{position} = :f{position}")
        condition: ConditionBase = Attr("status").is_in([status.value for status in allowed])
        try:
            response = self._table.update_item(
                Key={"orgId": org_id, "id": message_id},
                UpdateExpression="SET " + ", ".join(assignments),
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


class AccountRepository:
    """Organisations and API keys (and, later, contacts) in the overloaded accounts table."""

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

    def add_api_key(self, key_hash: str, org_id: str) -> None:
        self._table.put_item(Item={**_api_key_key(key_hash), "orgId": org_id, "createdAt": now_iso()})

    def org_of_api_key(self, key_hash: str) -> str | None:
        item = self._table.get_item(Key=_api_key_key(key_hash)).get("Item")
        if not item or item.get("revokedAt"):
            return None
        return str(item["orgId"])


class ContactRepository:
    """Contacts in the accounts table: one item per contact, one membership item per tag.

    Layout (pk = "ORG#<orgId>"): sk "CONTACT#<contactId>" holds the contact; sk
    "TAG#<tag>#<contactId>" marks membership, so a tag's audience is one Query, never a Scan.
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, org_id: str, contact: Contact) -> None:
        with self._table.batch_writer() as batch:
            batch.put_item(Item={"pk": f"ORG#{org_id}", "sk": f"CONTACT#{contact.id}", **contact.to_wire()})
            for tag in contact.tags:
                batch.put_item(Item={"pk": f"ORG#{org_id}", "sk": f"TAG#{tag}#{contact.id}", "contactId": contact.id})

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
        ids = list(dict.fromkeys(contact_ids))
        found: list[Contact] = []
        for start in range(0, len(ids), 100):
            keys = [{"pk": f"ORG#{org_id}", "sk": f"CONTACT#{contact_id}"} for contact_id in ids[start : start + 100]]
            request: dict[str, Any] = {self._table.name: {"Keys": keys}}
            while request:
                response = self._table.meta.client.batch_get_item(RequestItems=request)
                found.extend(Contact.model_validate(item) for item in response["Responses"].get(self._table.name, []))
                request = response.get("UnprocessedKeys") or {}
        return found


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
