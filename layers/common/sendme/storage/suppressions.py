"""The suppression list in the accounts table: one per organisation, for every channel."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Attr, ConditionBase, Key
from botocore.exceptions import ClientError

from sendme.domain.clock import now_iso
from sendme.domain.suppressions import Suppression
from sendme.storage import keys
from sendme.storage.dynamodb import decode_cursor, encode_cursor, is_condition_failure, read_items

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


@dataclass(frozen=True)
class SuppressionSlice:
    items: list[Suppression]
    next_cursor: str | None


class SuppressionList:
    """Recipients an organisation must not send to again: email addresses that hard-bounced or
    complained, phone numbers that opted out by SMS (decision 32).

    Layout in the accounts table: pk "ORG#<orgId>", sk "SUPPRESSED#<address or E.164 number>",
    with the reason and the time.
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, org_id: str, address: str, reason: str) -> None:
        self._table.put_item(
            Item={"pk": keys.org(org_id), "sk": keys.suppressed(address), "reason": reason, "at": now_iso()}
        )

    def remove(self, org_id: str, address: str, *, only_reason: str | None = None) -> bool:
        """Lift the suppression (only one of `only_reason`, if given); False if there was none."""
        condition: ConditionBase = Attr("pk").exists()
        if only_reason is not None:
            condition &= Attr("reason").eq(only_reason)
        try:
            self._table.delete_item(
                Key={"pk": keys.org(org_id), "sk": keys.suppressed(address)}, ConditionExpression=condition
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def reasons(self, org_id: str, addresses: Iterable[str]) -> dict[str, str]:
        """Which of `addresses` are suppressed for the organisation, and why (100 per BatchGetItem)."""
        wanted = [{"pk": keys.org(org_id), "sk": keys.suppressed(address)} for address in dict.fromkeys(addresses)]
        items = read_items(
            self._table, wanted, ProjectionExpression="sk, #reason", ExpressionAttributeNames={"#reason": "reason"}
        )
        return {str(item["sk"]).removeprefix(keys.SUPPRESSED): str(item.get("reason", "")) for item in items}

    def suppressed(self, org_id: str, addresses: Iterable[str]) -> set[str]:
        """Which of `addresses` are suppressed for the organisation."""
        return set(self.reasons(org_id, addresses))

    def page(self, org_id: str, limit: int, cursor: str | None = None) -> SuppressionSlice:
        """Up to `limit` suppressions, by recipient, and the cursor of the next page."""
        arguments: dict[str, object] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(keys.SUPPRESSED),
            "Limit": limit,
        }
        if cursor:
            arguments["ExclusiveStartKey"] = {"pk": keys.org(org_id), "sk": decode_cursor(cursor, keys.SUPPRESSED)}
        response = self._table.query(**arguments)  # type: ignore[arg-type]
        items = [
            Suppression(
                recipient=str(item["sk"]).removeprefix(keys.SUPPRESSED),
                reason=str(item.get("reason", "")),
                at=str(item.get("at", "")),
            )
            for item in response["Items"]
        ]
        last = response.get("LastEvaluatedKey")
        return SuppressionSlice(items, encode_cursor(str(last["sk"])) if last and items else None)
