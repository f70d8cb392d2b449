"""How a send talks to AWS: batched writes and sends, counted, and retried when DynamoDB throttles.

moto never returns UnprocessedItems, so throttling is injected through botocore's own event
hooks on the real client: part of a BatchWriteItem's items are held back from moto and handed
back as UnprocessedItems, exactly as DynamoDB does under load.
"""

import math
from collections import Counter
from types import SimpleNamespace
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from werkzeug.test import Client

from devstack.provision import Stack
from sendme import aws

from .helpers import auth, credits_of, queued, stored_messages

NUMBERS = [f"+57300{i:07d}" for i in range(250)]


def count_calls(calls: Counter[str]) -> None:
    def record(event_name: str, **_: Any) -> None:
        calls[event_name.rsplit(".", 1)[-1]] += 1

    aws.dynamodb().meta.client.meta.events.register("before-call.dynamodb.*", record)
    aws.sqs().meta.events.register("before-call.sqs.*", record)


def test_send_of_250_recipients_takes_10_writes_and_25_queue_sends(api: Client, demo, stack: Stack):
    # Given every AWS call counted
    calls: Counter[str] = Counter()
    count_calls(calls)
    body = {"message": "Hi", "contacts": NUMBERS}
    # When 250 recipients are sent to (the organisation has the credits)
    from sendme.wiring.accounts import account_service

    account_service().add_credits(demo.org_id, 250)
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then writes go 25 per BatchWriteItem and queue entries 10 per SendMessageBatch
    assert response.status_code == 201
    assert calls["BatchWriteItem"] == math.ceil(250 / 25) + 1  # and the send's content item, once
    assert calls["SendMessageBatch"] == math.ceil(250 / 10)
    assert calls["PutItem"] == 1  # the request's rate-limit bucket: no message is put on its own
    assert "SendMessage" not in calls
    assert queued(stack) == 250


def test_send_of_250_recipients_finds_their_contacts_in_3_batch_gets(api: Client, demo, stack: Stack):
    # Given every AWS call counted, and 250 recipients of which the first is the demo's Juan
    calls: Counter[str] = Counter()
    count_calls(calls)
    from sendme.wiring.accounts import account_service

    account_service().add_credits(demo.org_id, 250)
    body = {"message": "Hi", "contacts": ["+573001234567", *NUMBERS[1:]]}
    # When they are sent to
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then which are contacts, and which are suppressed, is read 100 recipients per BatchGetItem,
    # not one query each
    assert response.status_code == 201
    assert calls["BatchGetItem"] == 2 * math.ceil(250 / 100)
    assert "Query" not in calls
    juan = next(m for m in stored_messages(stack) if m["recipientDetails"] == "+573001234567")
    assert juan.get("contactId")


@pytest.fixture
def throttled_writes() -> list[int]:
    """Hold back 7 items of the first BatchWriteItem and return them as UnprocessedItems."""
    held: list[Any] = []
    sizes: list[int] = []
    events = aws.dynamodb().meta.client.meta.events

    def hold_back(params: dict[str, Any], **_: Any) -> None:
        (table, requests), *_ = params["RequestItems"].items()
        if all("status" not in r["PutRequest"]["Item"] for r in requests):
            return  # the send's content item, written before its messages
        sizes.append(len(requests))
        if len(sizes) == 1:
            held.extend(requests[:7])
            params["RequestItems"][table] = requests[7:]

    def hand_back(parsed: dict[str, Any], **_: Any) -> None:
        # In DynamoDB's wire format: the resource's own hook deserialises the response next.
        if held:
            wire = [{"PutRequest": {"Item": to_wire(r["PutRequest"]["Item"])}} for r in held]
            parsed["UnprocessedItems"] = {stored_table_name(): wire}
            held.clear()

    events.register("provide-client-params.dynamodb.BatchWriteItem", hold_back)
    events.register("after-call.dynamodb.BatchWriteItem", hand_back)
    return sizes


def to_wire(item: dict[str, Any]) -> dict[str, Any]:
    serializer = TypeSerializer()
    return {name: serializer.serialize(value) for name, value in item.items()}


def stored_table_name() -> str:
    from sendme.config import get_settings

    return get_settings().messages_table


def test_send_resends_the_items_dynamodb_left_unprocessed(api: Client, demo, stack: Stack, throttled_writes):
    # Given DynamoDB leaves 7 of the first 25 items unprocessed
    from sendme.wiring.accounts import account_service

    account_service().add_credits(demo.org_id, 100)
    body = {"message": "Hi", "contacts": NUMBERS[:30]}
    # When 30 recipients are sent to
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then the 7 are written by a further call and every message is stored and queued
    assert response.status_code == 201
    assert throttled_writes == [25, 7, 5]
    assert len(stored_messages(stack)) == 30
    assert queued(stack) == 30


def refuse_after_first_write() -> None:
    """Write the first two BatchWriteItems (the content, 25 messages); answer every later one with
    all its items unprocessed."""
    sent: list[Any] = []
    events = aws.dynamodb().meta.client.meta.events

    def remember(params: dict[str, Any], **_: Any) -> None:
        sent.append(next(iter(params["RequestItems"].values())))

    def refuse(**_: Any) -> tuple[Any, dict[str, Any]] | None:
        if len(sent) <= 2:
            return None  # the real calls: the send's content item, then its first 25 messages
        wire = [{"PutRequest": {"Item": to_wire(r["PutRequest"]["Item"])}} for r in sent[-1]]
        return SimpleNamespace(status_code=200, headers={}), {"UnprocessedItems": {stored_table_name(): wire}}

    events.register("provide-client-params.dynamodb.BatchWriteItem", remember)
    events.register("before-call.dynamodb.BatchWriteItem", refuse)  # type: ignore[arg-type]  # a response skips the call


def test_send_dynamodb_keeps_throttling_is_503_with_every_stored_message_failed_and_refunded(
    api: Client, demo, stack: Stack
):
    # Given DynamoDB writes the first 25 items, then leaves every further item unprocessed
    refuse_after_first_write()
    body = {"message": "Hi", "contacts": NUMBERS[:30]}
    # When 30 recipients are sent to
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then the caller is told to retry, nothing waits forever as QUEUED, nothing is queued or charged
    assert response.status_code == 503
    stored = stored_messages(stack)
    assert len(stored) == 25
    assert {(item["status"], item["errorCode"]) for item in stored} == {("FAILED", "STORE_FAILED")}
    assert (queued(stack), credits_of(demo.org_id)) == (0, 100)


def test_send_whose_queue_entries_sqs_refuses_fails_them_and_refunds(api: Client, demo, stack: Stack):
    # Given SQS refusing every entry as malformed (a sender fault, never retried)
    entries: list[Any] = []
    events = aws.sqs().meta.events

    def remember(params: dict[str, Any], **_: Any) -> None:
        entries[:] = params["Entries"]

    def refuse_all(**_: Any) -> tuple[Any, dict[str, Any]]:
        failed = [{"Id": e["Id"], "SenderFault": True, "Code": "InvalidMessageContents"} for e in entries]
        return SimpleNamespace(status_code=200, headers={}), {"Successful": [], "Failed": failed}

    events.register("provide-client-params.sqs.SendMessageBatch", remember)
    events.register("before-call.sqs.SendMessageBatch", refuse_all)  # type: ignore[arg-type]  # a response skips the call
    # When the spec's example is sent
    body = {"message": "Hi", "contacts": ["3001234567", "3009876543"], "country": "CO"}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    # Then no message waits forever: both are FAILED (ENQUEUE_FAILED) and nothing is charged
    assert response.status_code == 201
    assert {(item["status"], item["errorCode"]) for item in stored_messages(stack)} == {("FAILED", "ENQUEUE_FAILED")}
    assert (queued(stack), credits_of(demo.org_id)) == (0, 100)
