"""Reads a DynamoDB stream into a function as Lambda's stream event source mapping does.

Batches of up to BatchSize records, in order; only the records its FilterCriteria patterns
match reach the function (as on AWS, where the filtered-out ones are not billed). A failed
invocation is retried with the same batch, as the mapping retries before its on-failure
destination; the local stack gives up (and logs it) after `attempts`.
"""

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

logger = logging.getLogger(__name__)


def streams_client(session: boto3.session.Session | None = None) -> Any:
    """A DynamoDB Streams client on the regional endpoint: botocore's default, an endpoint named
    after the account, is one moto (5.2) does not serve in process."""
    return (session or boto3.session.Session()).client(
        "dynamodbstreams", config=Config(account_id_endpoint_mode="disabled")
    )


def matches(pattern: dict[str, Any], value: Any) -> bool:
    """An EventBridge-style filter pattern: nested keys, and at a leaf a list of allowed values."""
    if not isinstance(value, dict):
        return False
    for key, expected in pattern.items():
        if key not in value:
            return False
        if isinstance(expected, list):
            if value[key] not in expected:
                return False
        elif not matches(expected, value[key]):
            return False
    return True


def filter_patterns(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(entry["Pattern"]) for entry in event.get("FilterCriteria", {}).get("Filters", [])]


class StreamPoller(threading.Thread):
    def __init__(
        self,
        client: Any,  # a boto3 dynamodbstreams client (no stubs installed for it)
        stream_arn: str,
        batch_size: int,
        patterns: list[dict[str, Any]],
        invoke: Callable[[dict[str, Any]], Any],
        *,
        attempts: int = 3,
    ) -> None:
        super().__init__(name=f"stream-{stream_arn.rsplit('/', 3)[-3]}", daemon=True)
        self._client = client
        self._stream_arn = stream_arn
        self._batch_size = batch_size
        self._patterns = patterns
        self._invoke = invoke
        self._attempts = attempts
        self._stopping = threading.Event()
        self._iterator: str | None = None

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                read = self.poll_once()
            except Exception as error:
                logger.warning("reading %s failed (%s); retrying", self.name, error)
                self._stopping.wait(1)
                continue
            if not read:
                self._stopping.wait(0.2)

    def poll_once(self) -> int:
        """Read one batch from where the last one ended and hand on what the filters match;
        returns how many records it read."""
        if self._iterator is None:
            shard = self._client.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]["Shards"][0]
            self._iterator = self._client.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        response = self._client.get_records(ShardIterator=self._iterator, Limit=self._batch_size)
        self._iterator = response["NextShardIterator"]
        records = response.get("Records", [])
        wanted = [r for r in records if not self._patterns or any(matches(p, r) for p in self._patterns)]
        if wanted:
            self._deliver({"Records": wanted})
        return len(records)

    def _deliver(self, event: dict[str, Any]) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                self._invoke(event)
            except Exception:
                logger.exception("%s: invocation %d of %d failed", self.name, attempt, self._attempts)
                self._stopping.wait(1)
            else:
                return
