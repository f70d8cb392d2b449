"""The DynamoDB call patterns every repository relies on."""

from typing import Any

import pytest
from botocore.exceptions import ClientError

from sendme.storage.dynamodb import cancellation_codes, read_items


class ThrottledTable:
    """A table whose first BatchGetItem of each request leaves its last key unprocessed, as DynamoDB
    does when a partition is over capacity."""

    name = "messages"

    def __init__(self, stored: dict[str, dict[str, Any]]) -> None:
        self.stored = stored
        self.requests: list[list[str]] = []
        self.meta = self
        self.client = self

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        keys = [key["id"] for key in RequestItems[self.name]["Keys"]]
        self.requests.append(keys)
        answered, left = (keys[:-1], keys[-1:]) if len(keys) > 1 else (keys, [])
        unprocessed = {self.name: {**RequestItems[self.name], "Keys": [{"id": k} for k in left]}} if left else {}
        found = [self.stored[key] for key in answered if key in self.stored]
        return {"Responses": {self.name: found}, "UnprocessedKeys": unprocessed}


def test_read_items_asks_again_for_unprocessed_keys_and_reads_100_keys_a_call():
    stored = {f"m{n}": {"id": f"m{n}"} for n in range(150)}
    table = ThrottledTable(stored)
    items = list(read_items(table, [{"id": f"m{n}"} for n in range(151)], ConsistentRead=True))  # type: ignore[arg-type]
    assert sorted(item["id"] for item in items) == sorted(stored)  # m150 is not stored: left out
    assert [len(keys) for keys in table.requests] == [100, 1, 51, 1]


def _error(code: str, **response: Any) -> ClientError:
    return ClientError({"Error": {"Code": code}, **response}, "TransactWriteItems")  # type: ignore[typeddict-item]


def test_cancellation_codes_say_why_each_item_failed():
    reasons = [{"Code": "None"}, {"Code": "ConditionalCheckFailed"}]
    error = _error("TransactionCanceledException", CancellationReasons=reasons)
    assert cancellation_codes(error) == ["None", "ConditionalCheckFailed"]


def test_cancellation_codes_raise_any_other_error_again():
    error = _error("ProvisionedThroughputExceededException")
    with pytest.raises(ClientError) as raised:
        cancellation_codes(error)
    assert raised.value is error
