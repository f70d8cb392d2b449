"""Rate-limit buckets in the accounts table: one item per organisation and bucket, holding the
bucket's theoretical arrival time (sendme.domain.limits)."""

import time
from typing import TYPE_CHECKING

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from sendme.domain.limits import Allowance, RateLimit, admit
from sendme.storage import keys
from sendme.storage.dynamodb import is_condition_failure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

# Requests that race for one bucket re-read it; past this many losses the request is refused
# rather than admitted unmetered. (The first read is eventually consistent: one more.)
_ATTEMPTS = 4


class RateLimitRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def take(self, org_id: str, bucket: str, limit: RateLimit, cost: int = 1) -> Allowance:
        """Admit a request of `cost` against the organisation's bucket, or say when to come back.

        Read the bucket, decide, then write the new arrival time only if nobody wrote it
        meanwhile: every Lambda instance shares the one bucket. The first read is eventually
        consistent (half the units, decision 38): the write is conditional on what it read, so a
        stale read costs a retry, never a wrong admission; and a refusal is read again
        consistently, for its exact Retry-After."""
        key = keys.rate_bucket(org_id, bucket)
        for attempt in range(_ATTEMPTS):
            consistent = attempt > 0
            item = self._table.get_item(Key=key, ConsistentRead=consistent).get("Item")
            stored = int(str(item["tat"])) if item else None
            allowance, tat = admit(stored, time.time_ns() // 1_000_000, limit, cost)
            if not allowance.allowed:
                if consistent:
                    return allowance
                continue
            unchanged = Attr("tat").not_exists() if stored is None else Attr("tat").eq(stored)
            try:
                self._table.put_item(Item={**key, "tat": tat}, ConditionExpression=unchanged)
            except ClientError as error:
                if not is_condition_failure(error):
                    raise
                continue
            return allowance
        return Allowance(allowed=False, limit=limit.burst, remaining=0, reset_seconds=1, retry_after_seconds=1)
