"""Finds a message by the id its provider gave it (SNS's SMS receipts carry nothing else)."""

from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

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
