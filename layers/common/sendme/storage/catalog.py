"""Message templates and campaigns in the accounts table: one item each under the organisation
(pk "ORG#<orgId>", sk "TEMPLATE#<id>" or "CAMPAIGN#<id>"), listed by one Query of the prefix."""

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from sendme.domain.ids import is_uuid
from sendme.domain.templates import Campaign, Template
from sendme.storage import keys
from sendme.storage.dynamodb import is_condition_failure, read_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class OrgItems[Item: (Template, Campaign)]:
    """The items of one kind an organisation owns, by id (ids are UUIDv7: listed oldest first)."""

    def __init__(self, table: "Table", model: type[Item], prefix: str) -> None:
        self._table = table
        self._model: type[Item] = model
        self._prefix = prefix

    def _key(self, org_id: str, item_id: str) -> dict[str, str]:
        return {"pk": keys.org(org_id), "sk": f"{self._prefix}{item_id}"}

    def put(self, org_id: str, item: Item) -> None:
        self._table.put_item(Item={**self._key(org_id, item.id), **item.to_wire()})

    def replace(self, org_id: str, item: Item) -> bool:
        """Overwrite an item that still exists; False if it was deleted meanwhile."""
        try:
            self._table.put_item(
                Item={**self._key(org_id, item.id), **item.to_wire()}, ConditionExpression="attribute_exists(pk)"
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def get(self, org_id: str, item_id: str) -> Item | None:
        # Not a UUID is no item's id: it must not reach DynamoDB's key validation either.
        if not is_uuid(item_id):
            return None
        found = self._table.get_item(Key=self._key(org_id, item_id)).get("Item")
        return self._model.model_validate(found) if found else None

    def delete(self, org_id: str, item_id: str) -> bool:
        """False if there was no such item."""
        if not is_uuid(item_id):
            return False
        answer = self._table.delete_item(Key=self._key(org_id, item_id), ReturnValues="ALL_OLD")
        return "Attributes" in answer

    def get_many(self, org_id: str, item_ids: set[str]) -> dict[str, Item]:
        """The items with these ids that exist, by id (one BatchGetItem per 100)."""
        wanted = [self._key(org_id, item_id) for item_id in item_ids]
        return {str(item["id"]): self._model.model_validate(item) for item in read_items(self._table, wanted)}

    def page(self, org_id: str, limit: int, after: str | None) -> tuple[list[Item], str | None]:
        """Up to `limit` items after the id `after`, and the id to continue after (None: no more)."""
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(self._prefix),
            "Limit": limit + 1,
        }
        if after:
            arguments["ExclusiveStartKey"] = self._key(org_id, after)
        found: list[Item] = []
        while len(found) <= limit:
            response = self._table.query(**arguments)
            found += [self._model.model_validate(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                break
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        more = len(found) > limit
        return found[:limit], found[limit - 1].id if more else None
