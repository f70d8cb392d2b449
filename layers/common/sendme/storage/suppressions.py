"""The suppression list in the accounts table."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sendme.domain.clock import now_iso
from sendme.storage import keys

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class SuppressionList:
    """Email addresses an organisation must not send to again (hard bounces, complaints).

    Layout in the accounts table: pk "ORG#<orgId>", sk "SUPPRESSED#<address>".
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, org_id: str, address: str, reason: str) -> None:
        self._table.put_item(
            Item={"pk": keys.org(org_id), "sk": keys.suppressed(address), "reason": reason, "at": now_iso()}
        )

    def suppressed(self, org_id: str, addresses: Iterable[str]) -> set[str]:
        """Which of `addresses` are suppressed for the organisation."""
        wanted = list(dict.fromkeys(addresses))
        hits: set[str] = set()
        for start in range(0, len(wanted), 100):
            wanted_keys = [
                {"pk": keys.org(org_id), "sk": keys.suppressed(address)} for address in wanted[start : start + 100]
            ]
            request: dict[str, Any] = {self._table.name: {"Keys": wanted_keys, "ProjectionExpression": "sk"}}
            while request:
                response = self._table.meta.client.batch_get_item(RequestItems=request)
                hits.update(
                    str(item["sk"]).removeprefix(keys.SUPPRESSED)
                    for item in response["Responses"].get(self._table.name, [])
                )
                request = response.get("UnprocessedKeys") or {}
        return hits
