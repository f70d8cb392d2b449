"""Makes moto's DynamoDB TransactWriteItems safe to call concurrently and cheap on big tables.

moto (5.2) backs every transaction up by deep-copying each whole table it touches, and does so
without a lock: on a table of 100,000 contacts one transaction costs seconds, and two at once
can crash with "dictionary changed size during iteration". DynamoDB itself does neither. Here a
transaction runs under a lock and backs up only the items it touches; the behaviour (all or
nothing, cancellation reasons) is moto's own. Local stack and tests only: nothing deployed.
"""

import copy
import threading
import types
from typing import Any

from moto.dynamodb import models
from moto.dynamodb.models.table import Table

_LOCK = threading.Lock()
_original = models.DynamoDBBackend.transact_write_items


def _deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    # The whole-table backup becomes the table itself; the items it touches are saved below.
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _key(backend: Any, kind: str, operation: dict[str, Any]) -> dict[str, Any]:
    if kind != "Put":
        return dict(operation["Key"])
    table = backend.get_table(operation["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: operation["Item"][name] for name in names}


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    with _LOCK:
        saved = []
        for entry in transact_items:
            kind, operation = next(iter(entry.items()))
            if "TableName" in operation and operation["TableName"] in self.tables:
                key = _key(self, kind, operation)
                current = self.get_item(operation["TableName"], key)
                saved.append((operation["TableName"], key, copy.deepcopy(current)))
        try:
            _original(self, transact_items)
        except Exception:
            for table_name, key, item in reversed(saved):
                if item is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, item.to_json()["Attributes"])
            raise


def install() -> None:
    models.copy = types.SimpleNamespace(deepcopy=_deepcopy)  # type: ignore[attr-defined,assignment]
    models.DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
