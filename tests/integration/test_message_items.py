"""A message as stored: its status item moves, its content item (shared by the send) does not."""

import json
from decimal import Decimal
from typing import Any

import boto3
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from sendme.contracts.messages import MessageQuery
from sendme.domain.leases import LEASE_ATTRIBUTES
from sendme.storage.message_items import ENVELOPE_ATTRIBUTES, INDEXED_ATTRIBUTES, STATUS_ATTRIBUTES
from sendme.storage.search import INDEXES, WHOLE_ITEM_INDEXES

from .helpers import auth
from .test_receipts import ses_event_for

BODY = "<p>" + "Spring sale. " * 1600 + "</p>"  # about 20 KB


def messages_table(stack: Stack) -> Any:
    return boto3.client("dynamodb").describe_table(TableName=stack.ref("MessagesTable"))["Table"]


def dynamodb_size(value: Any) -> int:
    """An item's (or a value's) size as DynamoDB bills it: names and values, a few bytes per list
    or map and per element, numbers about a byte per two digits."""
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, Decimal):
        return len(str(value)) // 2 + 1
    if isinstance(value, list):
        return 3 + sum(dynamodb_size(element) + 1 for element in value)
    if isinstance(value, dict):
        return 3 + sum(len(name) + dynamodb_size(element) + 1 for name, element in value.items())
    return 1


def raw_items(stack: Stack) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = boto3.resource("dynamodb").Table(stack.ref("MessagesTable")).scan()["Items"]
    return items


def test_message_items_a_delivered_email_keeps_its_body_out_of_its_status_items(
    lambdas: LocalLambdas, api: Client, demo: Any, stack: Stack, drain: Any
):
    # Given a 20 KB email sent to three addresses, delivered and receipted
    body = {"subject": "Sale", "message": BODY, "contentType": "HTML", "contacts": ["a@example.com", "b@example.com"]}
    ids = [
        m["id"]
        for m in api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key)).json["messages"]
    ]
    drain()
    for message_id in ids:
        lambdas.invoke("ReceiptsFunction", ses_event_for("delivery", demo.org_id, message_id))
    # When the table is read
    items = raw_items(stack)
    statuses = [item for item in items if "status" in item]
    contents = [item for item in items if "status" not in item]
    # Then the body is stored once, and each status item, history and all, stays under 1 KB
    assert [item["content"] for item in contents] == [BODY]
    assert {item["status"] for item in statuses} == {"DELIVERED"}
    assert max(map(dynamodb_size, statuses)) <= 1024, json.dumps(statuses[0], default=str)
    # and the API still shows each message whole
    shown = api.get(f"/api/messages/{ids[0]}", headers=auth(demo.api_key)).json
    assert (shown["content"], shown["subject"], shown["status"]) == (BODY, "Sale", "DELIVERED")


def test_message_items_every_index_keys_on_status_item_attributes(stack: Stack):
    # Given the attributes a status item carries
    on_status_item = {*STATUS_ATTRIBUTES, *ENVELOPE_ATTRIBUTES, *INDEXED_ATTRIBUTES, *LEASE_ATTRIBUTES}
    # When the template's indexes of the messages table are read
    keys = {
        key["AttributeName"] for index in messages_table(stack)["GlobalSecondaryIndexes"] for key in index["KeySchema"]
    }
    # Then each keys on one of them: a content item is in no index
    assert keys <= on_status_item, keys - on_status_item


def test_message_items_every_list_filter_reads_a_status_item_attribute():
    # Given every equality filter of GET /api/messages, sentAt and direction; `number` reads the
    # two sides of a conversation (recipientDetails and from)
    every: dict[str, Any] = dict.fromkeys(MessageQuery.model_fields, "x")
    filters = set(MessageQuery.model_construct(**every).equalities()) - {"number"}
    # Then each is an attribute of the status item, where the index or FilterExpression reads it
    read = {*filters, "sentAt", "direction", "recipientDetails", "from"}
    assert read <= {*STATUS_ATTRIBUTES, *ENVELOPE_ATTRIBUTES}


def test_message_items_only_the_status_index_projects_whole_items(stack: Stack):
    # When the template's filter indexes are read
    projections = {
        index["IndexName"]: index["Projection"]["ProjectionType"]
        for index in messages_table(stack)["GlobalSecondaryIndexes"]
    }
    filter_indexes = {index for index, _ in INDEXES.values()}
    # Then the one the search reads whole items from projects them; the others keys only
    assert {name for name in filter_indexes if projections[name] == "ALL"} == WHOLE_ITEM_INDEXES
    assert {projections[name] for name in filter_indexes - WHOLE_ITEM_INDEXES} == {"KEYS_ONLY"}
