"""Assertions on moto's state: what was stored, queued and sent."""

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from boto3.dynamodb.types import TypeSerializer
from botocore.awsrequest import AWSResponse, HTTPHeaders
from moto.sns.models import sns_backends

from devstack.provision import ACCOUNT_ID as DEFAULT_ACCOUNT_ID
from devstack.provision import Stack
from sendme import aws
from sendme.storage.message_items import content_key
from sendme_admin.cli import main as admin_main

SPEC_SMS_BODY = {
    "message": "Hello, this is a test message from SendMe",
    "contacts": ["3001234567", "3009876543"],
    "type": "SMS",
    "country": "CO",
}


def sms_sent() -> dict[str, tuple[str, str]]:
    """Every SMS moto's SNS published: provider message id -> (phone number, text)."""
    return dict(sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"].sms_messages)


def stored_messages(stack: Stack) -> list[dict[str, Any]]:
    """Every stored message: its status item with its content item's attributes."""
    table = boto3.resource("dynamodb").Table(stack.ref("MessagesTable"))
    items: list[dict[str, Any]] = table.scan()["Items"]
    contents = {(item["orgId"], item["id"]): item for item in items if "status" not in item}
    return [{**contents[tuple(content_key(item).values())], **item} for item in items if "status" in item]


def queued(stack: Stack, queue: str = "DeliveryQueue") -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack.ref(queue),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def credits_of(org_id: str) -> int:
    from sendme.wiring.accounts import account_service

    organization = account_service()._accounts.get_organization(org_id)
    assert organization is not None
    return organization.credits


def auth(key: str) -> dict[str, str]:
    return {"api-key": key, "Content-Type": "application/json"}


def organization(credits: int, *, accept_terms: bool = True) -> tuple[str, str]:
    """A new organisation with `credits`: its id and an API key."""
    from sendme.wiring.accounts import account_service

    created = account_service().create_organization("Test", credits=credits, accept_terms=accept_terms)
    return created.id, account_service().issue_api_key(created.id)


class Crash(Exception):
    """Stands for the Lambda dying mid-call: the DynamoDB request it was making never arrives."""


def crash_once_at(wanted: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """Kill the first DynamoDB write (an UpdateItem, or a transaction holding such an update)
    whose update `wanted` matches, before it reaches the table; returns the updates that crashed."""
    from sendme import aws

    crashed: list[dict[str, Any]] = []

    def crash(params: dict[str, Any], model: Any, **_: Any) -> None:
        updates = [params] if model.name == "UpdateItem" else []
        updates += [item["Update"] for item in params.get("TransactItems", []) if "Update" in item]
        hit = [update for update in updates if wanted(update)]
        if hit and not crashed:
            crashed.extend(hit)
            raise Crash(f"died writing {hit[0]['Key']}")

    events = aws.dynamodb().meta.client.meta.events
    for operation in ("UpdateItem", "TransactWriteItems"):
        events.register(f"provide-client-params.dynamodb.{operation}", crash)
    return crashed


def admin_runner(capsys: pytest.CaptureFixture[str], *options: str) -> Callable[..., tuple[int, Any, str]]:
    """Runs sendme-admin with `options` before each call's arguments; each call returns (exit
    status, stdout as JSON or text, stderr)."""

    def run(*arguments: str) -> tuple[int, Any, str]:
        status = admin_main([*options, *arguments])
        out, err = capsys.readouterr()
        try:
            return status, json.loads(out), err
        except json.JSONDecodeError:
            return status, out, err

    return run


@contextmanager
def replica_serving(items: Sequence[Mapping[str, Any]]) -> Iterator[None]:
    """Every eventually consistent GetItem answers from `items`, as a replica that has seen no
    write since they were read (moto's reads are all consistent; DynamoDB's eventual ones may lag)."""
    serialize = TypeSerializer().serialize
    snapshot = [{name: serialize(value) for name, value in item.items()} for item in items]

    def from_snapshot(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        request = json.loads(params["body"])
        if request.get("ConsistentRead"):
            return None
        key = request["Key"]
        found = next((item for item in snapshot if all(item.get(k) == v for k, v in key.items())), None)
        return AWSResponse("https://dynamodb.local", 200, HTTPHeaders(), None), (
            {"Item": found} if found else {"ResponseMetadata": {}}
        )

    events = aws.dynamodb().meta.client.meta.events
    # A before-call handler's answer stands in for the call's (the stubs type it as None).
    events.register("before-call.dynamodb.GetItem", from_snapshot, unique_id="replica")  # type: ignore[arg-type]
    try:
        yield
    finally:
        events.unregister("before-call.dynamodb.GetItem", unique_id="replica")
