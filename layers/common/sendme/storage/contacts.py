"""Contacts in the accounts table: their reads, paged listing and transactional writes.

Layout (pk "ORG#<orgId>", see sendme.storage.keys):
- sk "CONTACT#<id>": the contact, with a `version` every write is conditional on;
- sk "PHONE#<e164>" and "EMAIL#<address>": uniqueness items naming the contact that owns the
  number or address, so a duplicate within an organisation fails a condition, never a scan;
- sk "TAG#<tag>#<id>": tag memberships, so a tag's audience is one Query.

Every change of a contact writes all of its items in one DynamoDB transaction, so the
uniqueness and membership items can never disagree with the contact.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from sendme.domain.contacts import Contact
from sendme.domain.errors import ContactConflictError
from sendme.domain.messages import Channel
from sendme.storage.dynamodb import cancellation_codes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
from sendme.storage import keys
from sendme.storage.dynamodb import decode_cursor, encode_cursor, read_items

# DynamoDB's cap on the items of one TransactWriteItems call.
TRANSACTION_ITEMS = 100


_CHANGED_MEANWHILE = "the contact changed meanwhile; read it again and retry"


def unique_keys(contact: Contact) -> dict[str, str]:
    """Uniqueness item sort key -> the field it guards."""
    owned = {keys.phone_owner(contact.phone): "phone"} if contact.phone else {}
    if contact.email:
        owned[keys.email_owner(contact.email)] = "email"
    return owned


@dataclass
class ContactWrite:
    """One contact's change: the items of its transaction, each with the error its condition means."""

    table_name: str
    org_id: str
    contact_id: str
    operations: list[tuple[dict[str, Any], ContactConflictError | None]] = field(default_factory=list)
    sort_keys: set[str] = field(default_factory=set)

    def _add(self, kind: str, sk: str, conflict: ContactConflictError | None, **spec: Any) -> None:
        self.sort_keys.add(sk)
        spec["TableName"] = self.table_name
        values = spec.pop("values", None)
        if kind == "Put":
            spec["Item"] = {"pk": keys.org(self.org_id), "sk": sk, **spec.pop("item")}
        else:
            spec["Key"] = {"pk": keys.org(self.org_id), "sk": sk}
        if values:
            spec["ExpressionAttributeValues"] = values
        self.operations.append(({kind: spec}, conflict))

    def put(self, sk: str, item: Mapping[str, Any], condition: str | None = None, **values: Any) -> None:
        spec: dict[str, Any] = {"item": item, "values": values}
        if condition:
            spec["ConditionExpression"] = condition
        conflict = ContactConflictError(_CHANGED_MEANWHILE) if condition else None
        self._add("Put", sk, conflict, **spec)

    def claim(self, sk: str, field_name: str, value: str) -> None:
        """Take a phone or email for this contact; fails if another contact has it."""
        conflict = ContactConflictError(
            f"another contact of this organisation already has the {field_name} {value}", field=field_name
        )
        self._add(
            "Put",
            sk,
            conflict,
            item={"contactId": self.contact_id},
            ConditionExpression="attribute_not_exists(pk)",
        )

    def delete(self, sk: str, condition: str | None = None, **values: Any) -> None:
        spec: dict[str, Any] = {"values": values}
        if condition:
            spec["ConditionExpression"] = condition
        self._add("Delete", sk, ContactConflictError(_CHANGED_MEANWHILE) if condition else None, **spec)


class ContactRepository:
    """Contacts' reads (audiences, the paged listing of /api/contacts) and their transactional writes."""

    def __init__(self, table: "Table", *, workers: int = 8) -> None:
        self._table = table
        self._client = table.meta.client
        self._workers = workers

    def _query(self, org_id: str, prefix: str) -> Iterator[dict[str, Any]]:
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(prefix)
        }
        while True:
            response = self._table.query(**arguments)
            yield from response["Items"]
            if "LastEvaluatedKey" not in response:
                return
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def all(self, org_id: str) -> Iterator[Contact]:
        """Every contact of the organisation, page by page."""
        for item in self._query(org_id, keys.CONTACT):
            yield Contact.model_validate(item)

    def ids_with_tag(self, org_id: str, tag: str) -> Iterator[str]:
        for item in self._query(org_id, keys.member(tag)):
            yield str(item["contactId"])

    def get_many(self, org_id: str, contact_ids: Iterable[str]) -> list[Contact]:
        """The contacts with these ids (missing ones are left out), 100 per BatchGetItem."""
        wanted = [{"pk": keys.org(org_id), "sk": keys.contact(contact_id)} for contact_id in dict.fromkeys(contact_ids)]
        return [Contact.model_validate(item) for item in read_items(self._table, wanted)]

    def get(self, org_id: str, contact_id: str) -> Contact | None:
        item = self._table.get_item(Key={"pk": keys.org(org_id), "sk": keys.contact(contact_id)}, ConsistentRead=True)
        return Contact.model_validate(item["Item"]) if "Item" in item else None

    def owners(self, org_id: str, unique_keys: Iterable[str], *, consistent: bool = True) -> dict[str, str]:
        """Uniqueness sort key ("PHONE#+57...", "EMAIL#...") -> id of the contact that has it."""
        wanted = [{"pk": keys.org(org_id), "sk": sk} for sk in dict.fromkeys(unique_keys)]
        return {
            str(item["sk"]): str(item["contactId"])
            for item in read_items(self._table, wanted, ConsistentRead=consistent, ProjectionExpression="sk, contactId")
        }

    def owners_of(self, org_id: str, channel: Channel, addresses: Iterable[str]) -> dict[str, str]:
        """Address -> id of the contact with that phone (SMS) or email, 100 per BatchGetItem.

        Eventually consistent (half the read cost): a contact created a moment ago may not be found."""
        owner_key = keys.phone_owner if channel is Channel.SMS else keys.email_owner
        by_key = {owner_key(address): address for address in addresses}
        return {by_key[sk]: contact_id for sk, contact_id in self.owners(org_id, by_key, consistent=False).items()}

    def count(self, org_id: str) -> int:
        total = 0
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(keys.CONTACT),
            "Select": "COUNT",
        }
        while True:
            response = self._table.query(**arguments)
            total += response["Count"]
            if "LastEvaluatedKey" not in response:
                return total
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def page(
        self, org_id: str, limit: int, cursor: str | None, *, tag: str | None = None, status: str | None = None
    ) -> tuple[list[Contact], str | None]:
        """Up to `limit` contacts (by id, or by tag membership) and the cursor of the next page."""
        prefix = keys.member(tag) if tag else keys.CONTACT
        found: list[Contact] = []
        last_sk = ""
        for sk, contact in self._walk(org_id, prefix, decode_cursor(cursor, prefix) if cursor else None):
            if status and contact.status != status:
                continue
            if len(found) == limit:
                return found, encode_cursor(last_sk)
            found.append(contact)
            last_sk = sk
        return found, None

    def _walk(self, org_id: str, prefix: str, after: str | None) -> Iterator[tuple[str, Contact]]:
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(prefix),
            "Limit": 100,
        }
        if after:
            arguments["ExclusiveStartKey"] = {"pk": keys.org(org_id), "sk": after}
        while True:
            response = self._table.query(**arguments)
            items = response["Items"]
            if prefix == keys.CONTACT:
                yield from ((str(item["sk"]), Contact.model_validate(item)) for item in items)
            else:
                contacts = {c.id: c for c in self.get_many(org_id, (str(item["contactId"]) for item in items))}
                for item in items:
                    if contact := contacts.get(str(item["contactId"])):
                        yield str(item["sk"]), contact
            if "LastEvaluatedKey" not in response:
                return
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def creation(self, org_id: str, contact: Contact) -> ContactWrite:
        """A new contact, its phone and email claimed, its tags joined."""
        write = ContactWrite(self._table.name, org_id, contact.id)
        write.put(keys.contact(contact.id), contact.to_wire(), "attribute_not_exists(pk)")
        for sk, field_name in unique_keys(contact).items():
            write.claim(sk, field_name, sk.split("#", 1)[1])
        for tag in contact.tags:
            write.put(keys.member(tag, contact.id), {"contactId": contact.id})
        return write

    def change(self, org_id: str, before: Contact, after: Contact) -> ContactWrite:
        """`before` becomes `after` if nobody changed it meanwhile; claims and tags follow."""
        write = ContactWrite(self._table.name, org_id, before.id)
        write.put(keys.contact(after.id), after.to_wire(), "version = :version", **{":version": before.version})
        old, new = unique_keys(before), unique_keys(after)
        for sk in old.keys() - new.keys():
            write.delete(sk, "contactId = :id", **{":id": before.id})
        for sk in new.keys() - old.keys():
            write.claim(sk, new[sk], sk.split("#", 1)[1])
        for tag in set(before.tags) - set(after.tags):
            write.delete(keys.member(tag, before.id))
        for tag in set(after.tags) - set(before.tags):
            write.put(keys.member(tag, after.id), {"contactId": after.id})
        return write

    def removal(self, org_id: str, contact: Contact) -> ContactWrite:
        """The contact and every item that refers to it."""
        write = ContactWrite(self._table.name, org_id, contact.id)
        write.delete(keys.contact(contact.id), "version = :version", **{":version": contact.version})
        for sk in unique_keys(contact):
            write.delete(sk, "contactId = :id", **{":id": contact.id})
        for tag in contact.tags:
            write.delete(keys.member(tag, contact.id))
        return write

    def apply(self, write: ContactWrite) -> None:
        """Write one contact's change atomically, or raise the conflict that stopped it."""
        if failure := self._transact([write]).get(write.contact_id):
            raise failure

    def apply_all(self, writes: Sequence[ContactWrite]) -> dict[str, ContactConflictError]:
        """Write many contacts' changes, packed into transactions written in parallel.

        Returns the conflict of each contact (by id) that could not be written; the others are.
        """
        batches: list[list[ContactWrite]] = []
        size, keys = TRANSACTION_ITEMS, set[str]()
        for write in writes:
            write_keys = write.sort_keys
            # One transaction may not touch an item twice: overlapping writes go to the next one.
            if size + len(write.operations) > TRANSACTION_ITEMS or keys & write_keys:
                batches.append([])
                size, keys = 0, set()
            batches[-1].append(write)
            size += len(write.operations)
            keys |= write_keys
        failures: dict[str, ContactConflictError] = {}
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            for batch_failures in pool.map(self._transact, batches):
                failures.update(batch_failures)
        return failures

    def _transact(self, writes: list[ContactWrite]) -> dict[str, ContactConflictError]:
        operations = [operation for write in writes for operation in write.operations]
        try:
            self._client.transact_write_items(TransactItems=[item for item, _ in operations])  # type: ignore[misc]
        except ClientError as error:
            codes = cancellation_codes(error)
            if len(writes) > 1:
                # One contact's conflict cancels the whole transaction: find it by writing singly.
                failures: dict[str, ContactConflictError] = {}
                for write in writes:
                    failures.update(self._transact([write]))
                return failures
            return {writes[0].contact_id: _conflict_of(codes, [conflict for _, conflict in operations])}
        return {}


def _conflict_of(codes: Sequence[str], conflicts: list[ContactConflictError | None]) -> ContactConflictError:
    for code, conflict in zip(codes, conflicts, strict=False):
        if code == "ConditionalCheckFailed" and conflict is not None:
            return conflict
    # TransactionConflict: another request was writing the same items at that moment.
    return ContactConflictError(_CHANGED_MEANWHILE)
