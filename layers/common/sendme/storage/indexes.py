"""The messages table's secondary indexes that find one message by something other than its id."""

from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key

from sendme.domain.leases import LEASE_SHARD, LEASE_UNTIL, SHARDS, ExpiredLease

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sendme.domain.messages import MessageStatus
from sendme.storage.dynamodb import read_items

PROVIDER_ID_INDEX = "byProviderMessageId"


class ProviderMessageIndex:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def find(self, provider_message_id: str) -> tuple[str, str] | None:
        """(orgId, message id) of the message the provider knows by this id, if it is ours."""
        response = self._table.query(
            IndexName=PROVIDER_ID_INDEX, KeyConditionExpression=Key("providerMessageId").eq(provider_message_id)
        )
        items = response["Items"]
        return (str(items[0]["orgId"]), str(items[0]["id"])) if items else None


LEASE_INDEX = "byLeaseExpiry"


class LeaseIndex:
    """Reads the sparse byLeaseExpiry index of the messages table."""

    def __init__(self, table: "Table") -> None:
        self._table = table

    def expired(self, before: str) -> Iterator[ExpiredLease]:
        for shard in SHARDS:
            arguments: dict[str, Any] = {
                "IndexName": LEASE_INDEX,
                "KeyConditionExpression": Key(LEASE_SHARD).eq(shard) & Key(LEASE_UNTIL).lt(before),
            }
            while True:
                response = self._table.query(**arguments)
                for item in response["Items"]:
                    yield ExpiredLease(
                        org_id=str(item["orgId"]),
                        message_id=str(item["id"]),
                        status=MessageStatus(str(item["status"])),
                        lease_until=str(item[LEASE_UNTIL]),
                    )
                if "LastEvaluatedKey" not in response:
                    break
                arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class StoredStatuses:
    """Which of a job's messages are already stored, and in which status (100 per BatchGetItem)."""

    def __init__(self, table: "Table") -> None:
        self._table = table

    def of(self, org_id: str, message_ids: Iterable[str]) -> dict[str, str]:
        items = read_items(
            self._table,
            [{"orgId": org_id, "id": message_id} for message_id in message_ids],
            ProjectionExpression="id, #status",
            ExpressionAttributeNames={"#status": "status"},
            ConsistentRead=True,
        )
        return {str(item["id"]): str(item["status"]) for item in items}
