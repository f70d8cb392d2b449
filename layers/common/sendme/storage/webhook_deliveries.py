"""Each webhook delivery's record in the accounts table, written on every attempt's outcome.

Layout: pk "ORG#<orgId>", sk "HOOKSENT#<endpointId>#<deliveryId>" (a UUIDv7, so the endpoint's
records sort by creation), `expiresAt` 30 days after the last attempt (decision 36). Only
organisations with webhooks write any.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from sendme.domain.clock import parse_iso
from sendme.domain.webhooks import DELIVERY_RECORD_TTL, DeliveryRecord, DeliveryStatus, WebhookDelivery
from sendme.storage import keys
from sendme.storage.dynamodb import decode_cursor, encode_cursor, is_condition_failure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class DeliverySlice:
    items: list[DeliveryRecord]
    next_cursor: str | None


class WebhookDeliveryLog:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def record(self, delivery: WebhookDelivery, status: DeliveryStatus, code: int | None, at: str) -> None:
        """One attempt's outcome: count it, keep its answer; a FAILED record keeps the event's bytes."""
        values: dict[str, Any] = {
            ":endpointId": delivery.endpoint_id,
            ":eventId": delivery.event_id,
            ":eventType": delivery.event_type.value,
            ":status": status.value,
            ":lastAttemptAt": at,
            ":expiresAt": int((parse_iso(at) + DELIVERY_RECORD_TTL).timestamp()),
        }
        optional = {"lastResponseCode": code, "body": delivery.body if status is DeliveryStatus.FAILED else None}
        values |= {f":{name}": value for name, value in optional.items() if value is not None}
        assignments = ", ".join(f"{'#status' if name == ':status' else name[1:]} = {name}" for name in values)
        expression = f"SET {assignments} ADD attempts :one"
        if removed := [name for name, value in optional.items() if value is None]:
            expression += " REMOVE " + ", ".join(removed)
        values[":one"] = 1
        self._table.update_item(
            Key=keys.webhook_delivery(delivery.org_id, delivery.endpoint_id, delivery.id),
            UpdateExpression=expression,
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues=values,
        )

    def get(self, org_id: str, endpoint_id: str, delivery_id: str) -> DeliveryRecord | None:
        key = keys.webhook_delivery(org_id, endpoint_id, delivery_id)
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return _record(item) if item else None

    def page(self, org_id: str, endpoint_id: str, limit: int, cursor: str | None = None) -> DeliverySlice:
        """Up to `limit` of the endpoint's deliveries, newest first, and the next page's cursor."""
        prefix = keys.webhook_deliveries(endpoint_id)
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(prefix),
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if cursor:
            arguments["ExclusiveStartKey"] = {"pk": keys.org(org_id), "sk": decode_cursor(cursor, prefix)}
        response = self._table.query(**arguments)
        items = [_record(item) for item in response["Items"]]
        last = response.get("LastEvaluatedKey")
        return DeliverySlice(items, encode_cursor(str(last["sk"])) if last and items else None)

    def reopen(self, record: DeliveryRecord, org_id: str) -> bool:
        """FAILED -> PENDING for a retry; False if it was not FAILED (so two retries queue one)."""
        try:
            self._table.update_item(
                Key=keys.webhook_delivery(org_id, record.endpoint_id, record.id),
                UpdateExpression="SET #status = :pending",
                ConditionExpression=Attr("status").eq(DeliveryStatus.FAILED.value),
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":pending": DeliveryStatus.PENDING.value},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True


def _record(item: dict[str, Any]) -> DeliveryRecord:
    return DeliveryRecord.model_validate({**item, "id": str(item["sk"]).rsplit("#", 1)[1]})
