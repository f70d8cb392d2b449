"""The credits ledger in the accounts table, and every write that moves an organisation's credits.

A movement is two items of one TransactWriteItems: the balance update on the organisation and
the Put of its ledger entry, which must not exist yet. Callers add the status change the
movement pays for (a message FAILED, a send job RESERVED or settled) to the same transaction,
so a crash can never leave one without the other.
"""

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from sendme.domain.errors import CreditsInsufficientError, OrganizationNotFoundError
from sendme.domain.ledger import LedgerEntry, LedgerKind
from sendme.storage import keys
from sendme.storage.dynamodb import cancellation_codes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


# One item of a TransactWriteItems request, in the resource client's plain Python values.
TransactItem = dict[str, Any]


class CreditLedger:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def items(self, entry: LedgerEntry) -> list[TransactItem]:
        """The balance update and the entry's Put: the organisation must exist, a reservation
        must be covered by the balance, and the entry must be new."""
        condition = "attribute_exists(pk)" + (" AND credits >= :taken" if entry.amount < 0 else "")
        values: dict[str, Any] = {":amount": entry.amount} | ({":taken": -entry.amount} if entry.amount < 0 else {})
        return [
            {
                "Update": {
                    "TableName": self._table.name,
                    "Key": keys.organization(entry.org_id),
                    "UpdateExpression": "ADD credits :amount",
                    "ConditionExpression": condition,
                    "ExpressionAttributeValues": values,
                }
            },
            self.put(entry),
        ]

    def put(self, entry: LedgerEntry) -> TransactItem:
        """The entry's Put alone, for a transaction that writes the organisation itself."""
        key = keys.ledger_entry(entry.org_id, entry.ordering_id, entry.kind.value, entry.cause_type.value)
        return {
            "Put": {
                "TableName": self._table.name,
                "Item": {**key, **entry.model_dump(mode="json", by_alias=True, exclude_none=True)},
                "ConditionExpression": "attribute_not_exists(sk)",
            }
        }

    def record(self, entry: LedgerEntry, *status_change: TransactItem) -> bool:
        """Move the credits of `entry` and write it, with `status_change` (conditional writes that
        must hold for the movement to happen) in the same transaction, placed first.

        Returns False when a status change's condition failed: nothing was written. Raises
        CreditsInsufficientError or OrganizationNotFoundError when the organisation refused.
        """
        try:
            self._table.meta.client.transact_write_items(TransactItems=[*status_change, *self.items(entry)])  # type: ignore[list-item]
        except ClientError as error:
            codes = cancellation_codes(error)
            if "ConditionalCheckFailed" in codes[: len(status_change)]:
                return False
            if codes[len(status_change) : len(status_change) + 1] == ["ConditionalCheckFailed"]:
                raise self._refusal(entry) from error
            raise  # the entry exists already: that cause moved these credits before
        return True

    def _refusal(self, entry: LedgerEntry) -> Exception:
        item = self._table.get_item(Key=keys.organization(entry.org_id), ConsistentRead=True).get("Item")
        if item is None:
            return OrganizationNotFoundError(f"organisation {entry.org_id} does not exist")
        what = "this send costs" if entry.kind is LedgerKind.RESERVE else "this adjustment takes"
        return CreditsInsufficientError(
            f"{what} {-entry.amount} credits and the balance does not cover it", details={"required": -entry.amount}
        )

    def entries(self, org_id: str) -> list[LedgerEntry]:
        """The organisation's whole ledger, oldest cause first."""
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(keys.LEDGER),
            "ConsistentRead": True,
        }
        entries: list[LedgerEntry] = []
        while True:
            response = self._table.query(**arguments)
            entries += [LedgerEntry.model_validate(item) for item in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return entries
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
