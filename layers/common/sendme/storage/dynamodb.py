"""DynamoDB call patterns the repositories share: reading many items by key, paging a sort key
range, and telling why a transaction was cancelled."""

import base64
import binascii
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from sendme.domain.errors import RequestInvalidError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


BATCH_GET_LIMIT = 100


def read_items(table: "Table", keys: Iterable[Mapping[str, Any]], **options: Any) -> Iterator[dict[str, Any]]:
    """Every stored item of `keys` (missing ones are left out), 100 keys per BatchGetItem, asking
    again for the keys DynamoDB left unprocessed. `options` (ConsistentRead, a projection) go
    with every request."""
    wanted = list(keys)
    for start in range(0, len(wanted), BATCH_GET_LIMIT):
        request: Mapping[str, Any] = {table.name: {"Keys": wanted[start : start + BATCH_GET_LIMIT], **options}}
        while request:
            response = table.meta.client.batch_get_item(RequestItems=request)
            yield from response["Responses"].get(table.name, [])
            request = response.get("UnprocessedKeys") or {}


def cancellation_codes(error: ClientError) -> list[str]:
    """Why each item of a cancelled transaction failed ("None" for those that did not); any error
    other than a cancellation is raised again."""
    if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        raise error
    return [str(reason.get("Code", "None")) for reason in error.response.get("CancellationReasons", [])]


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def encode_cursor(sk: str) -> str:
    """A listing's next-page cursor: the last sort key it returned."""
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, prefix: str) -> str:
    """The sort key a cursor continues after; 400 unless it is one of this listing's (`prefix`)."""
    try:
        sk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        sk = ""
    # A cursor only continues the listing it came from (and always within the caller's org).
    if not sk.startswith(prefix):
        raise RequestInvalidError("cursor is not one this listing returned", field="cursor")
    return sk
