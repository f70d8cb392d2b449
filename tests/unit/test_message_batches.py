"""MessageRepository's batched writes. add_all: 25 items per BatchWriteItem, UnprocessedItems
re-sent, never dropped. add_new: conditional transactions within DynamoDB's limits, a stored
message never overwritten. Both write a send's shared content item once, before its messages."""

import json
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sendme.domain.errors import MessagesNotStoredError
from sendme.domain.messages import Message
from sendme.storage.messages import TRANSACTION_BYTES, MessageRepository
from tests.factories import sms_message


class ThrottlingDynamoDb:
    """Leaves the first `unprocessed` items of each of the first `throttled_calls` calls unwritten."""

    def __init__(self, unprocessed: int = 0, throttled_calls: int = 0) -> None:
        self.calls: list[int] = []
        self.written: list[str] = []
        # Content items, written before any message (never throttled here); calls counts messages'.
        self.contents: list[dict[str, Any]] = []
        self._unprocessed = unprocessed
        self._throttled_calls = throttled_calls

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        (requests,) = RequestItems.values()
        if all("status" not in r["PutRequest"]["Item"] for r in requests):
            self.contents += [r["PutRequest"]["Item"] for r in requests]
            return {"UnprocessedItems": {}}
        assert self.contents, "a message written before its content"
        self.calls.append(len(requests))
        refused = requests[: self._unprocessed] if len(self.calls) <= self._throttled_calls else []
        self.written.extend(r["PutRequest"]["Item"]["id"] for r in requests[len(refused) :])
        return {"UnprocessedItems": {"Messages": refused} if refused else {}}


class RecordingCounters:
    """Records how many messages each record_added call counts."""

    def __init__(self) -> None:
        self.counted: list[int] = []

    def record_added(self, messages: list[Message]) -> None:
        self.counted.append(len(messages))


def repository(dynamodb: object, counters: RecordingCounters | None = None) -> MessageRepository:
    table = SimpleNamespace(name="Messages", meta=SimpleNamespace(client=dynamodb))
    return MessageRepository(table, counters)  # type: ignore[arg-type]


def messages(count: int) -> list[Message]:
    return [sms_message(id=f"m{i}") for i in range(count)]


def test_add_all_writes_25_items_per_call():
    dynamodb = ThrottlingDynamoDb()
    repository(dynamodb).add_all(messages(60))
    assert dynamodb.calls == [25, 25, 10]
    assert sorted(dynamodb.written) == sorted(f"m{i}" for i in range(60))


def test_add_all_writes_the_content_of_a_send_once():
    # Given a send of 60 messages with the same text
    dynamodb = ThrottlingDynamoDb()
    # When they are written
    repository(dynamodb).add_all(messages(60))
    # Then one content item holds the text, and no message item carries it
    assert [item["content"] for item in dynamodb.contents] == ["Hola"]


def test_add_all_resends_only_the_unprocessed_items():
    # Given DynamoDB leaves 5 items of the first call unprocessed
    dynamodb = ThrottlingDynamoDb(unprocessed=5, throttled_calls=1)
    # When 30 messages are written
    repository(dynamodb).add_all(messages(30), backoff_seconds=0)
    # Then the 5 are sent again on their own, and every message is written exactly once
    assert dynamodb.calls == [25, 5, 5]
    assert sorted(dynamodb.written) == sorted(f"m{i}" for i in range(30))


def test_add_all_raises_when_dynamodb_keeps_refusing():
    dynamodb = ThrottlingDynamoDb(unprocessed=3, throttled_calls=100)
    with pytest.raises(MessagesNotStoredError):
        repository(dynamodb).add_all(messages(10), attempts=3, backoff_seconds=0)
    assert dynamodb.calls == [10, 3, 3]


def test_add_all_counts_the_messages_once_per_call():
    # Given a send of 60 messages, three BatchWriteItem chunks
    counters = RecordingCounters()
    # When they are written
    repository(ThrottlingDynamoDb(), counters).add_all(messages(60))
    # Then the counters are updated once for all 60, not once per chunk
    assert counters.counted == [60]


class FailingSecondChunk(ThrottlingDynamoDb):
    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        (requests,) = RequestItems.values()
        if "status" not in requests[0]["PutRequest"]["Item"]:
            return super().batch_write_item(RequestItems)  # the content item
        self.calls.append(len(requests))
        return {"UnprocessedItems": {"Messages": requests} if len(self.calls) > 1 else {}}


def test_add_all_counts_what_it_stored_before_failing():
    # Given DynamoDB refuses every chunk after the first
    counters = RecordingCounters()
    # When 30 messages are written
    with pytest.raises(MessagesNotStoredError):
        repository(FailingSecondChunk(), counters).add_all(messages(30), attempts=2, backoff_seconds=0)
    # Then the 25 it stored are counted, once
    assert counters.counted == [25]


class ConditionalDynamoDb:
    """Refuses, as a cancelled transaction does, each Put of an id already stored."""

    def __init__(self, stored: set[str] | None = None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self.stored = set(stored or ())
        self.contents: list[dict[str, Any]] = []

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        (requests,) = RequestItems.values()
        self.contents += [r["PutRequest"]["Item"] for r in requests]
        return {"UnprocessedItems": {}}

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(TransactItems)
        ids = [item["Put"]["Item"]["id"] for item in TransactItems]
        if any(id_ in self.stored for id_ in ids):
            reasons = [{"Code": "ConditionalCheckFailed" if id_ in self.stored else "None"} for id_ in ids]
            error: Any = {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons}
            raise ClientError(error, "TransactWriteItems")
        self.stored.update(ids)
        return {}


def test_add_new_writes_up_to_100_conditional_puts_per_transaction():
    dynamodb = ConditionalDynamoDb()
    added = repository(dynamodb).add_new(messages(250))
    assert [len(call) for call in dynamodb.calls] == [100, 100, 50]
    assert {put["Put"]["ConditionExpression"] for call in dynamodb.calls for put in call} == {
        "attribute_not_exists(#id)"
    }
    assert [m.id for m in added] == [f"m{i}" for i in range(250)]


def test_add_new_writes_a_shared_body_once_outside_its_transactions():
    # Given 100 emails of 100 KB each with the same body (10 MB if each carried it)
    emails = [sms_message(id=f"m{i}", content="x" * 100_000) for i in range(100)]
    dynamodb = ConditionalDynamoDb()
    # When they are written
    repository(dynamodb).add_new(emails)
    # Then the body is written once, and the messages' transaction carries small items only
    assert [len(item["content"]) for item in dynamodb.contents] == [100_000]
    sizes = [sum(len(json.dumps(put["Put"]["Item"])) for put in call) for call in dynamodb.calls]
    assert len(sizes) == 1
    assert max(sizes) <= TRANSACTION_BYTES / 10
    assert sorted(dynamodb.stored) == sorted(f"m{i}" for i in range(100))


def test_add_new_leaves_stored_messages_out_and_writes_the_rest():
    # Given two of ten messages already stored (by another run)
    dynamodb = ConditionalDynamoDb(stored={"m3", "m7"})
    # When the ten are written
    added = repository(dynamodb).add_new(messages(10))
    # Then the transaction is written again without them, and only the eight are returned
    assert [len(call) for call in dynamodb.calls] == [10, 8]
    assert [m.id for m in added] == [f"m{i}" for i in range(10) if i not in (3, 7)]
