"""Each organisation's email counters in the accounts table: one item, updated in place with
ADD (no read, no scan), holding the current window's counts and the previous window's."""

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from sendme.domain.reputation import EmailTally, EmailWindows
from sendme.storage import keys
from sendme.storage.dynamodb import is_condition_failure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


def _windows(item: dict[str, Any] | None) -> EmailWindows:
    item = item or {}
    return EmailWindows(
        current=EmailTally(int(item.get("emails", 0)), int(item.get("bounces", 0)), int(item.get("complaints", 0))),
        previous=EmailTally(
            int(item.get("previousEmails", 0)),
            int(item.get("previousBounces", 0)),
            int(item.get("previousComplaints", 0)),
        ),
    )


class EmailTallies:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, org_id: str, counts: EmailTally, window: int) -> EmailWindows:
        """Count one receipt's outcome; the windows as they are after it. The update that fills
        the current window also starts the next one (only one racing update can)."""
        item = self._table.update_item(
            Key=keys.email_tally(org_id),
            UpdateExpression="ADD emails :e, bounces :b, complaints :c",
            ExpressionAttributeValues={":e": counts.emails, ":b": counts.bounces, ":c": counts.complaints},
            ReturnValues="ALL_NEW",
        )["Attributes"]
        windows = _windows(item)
        if windows.current.emails < window:
            return windows
        try:
            rolled = self._table.update_item(
                Key=keys.email_tally(org_id),
                UpdateExpression=(
                    "SET previousEmails = emails, previousBounces = bounces, previousComplaints = complaints,"
                    " emails = :zero, bounces = :zero, complaints = :zero"
                ),
                ConditionExpression="emails = :seen",
                ExpressionAttributeValues={":zero": 0, ":seen": windows.current.emails},
                ReturnValues="ALL_NEW",
            )["Attributes"]
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            return windows  # another receipt counted meanwhile; a later one rolls the window
        return _windows(rolled)

    def get(self, org_id: str) -> EmailWindows:
        return _windows(self._table.get_item(Key=keys.email_tally(org_id)).get("Item"))

    def clear(self, org_id: str) -> None:
        self._table.delete_item(Key=keys.email_tally(org_id))
