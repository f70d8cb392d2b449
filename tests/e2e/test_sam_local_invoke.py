"""`sam local invoke -e tests/events/...`: the functions API Gateway does not front, in their containers."""

import json
from typing import Any

import boto3
import pytest

from sendme.domain.clock import now_iso
from sendme.domain.ids import new_id
from sendme.domain.messages import Channel, Message, MessageStatus, MessageType
from sendme.storage.messages import MessageRepository
from tests.conftest import load_event
from tests.factories import sms_message

from .conftest import PROVIDER_ACCEPTED
from .targets import Stack, target

pytestmark = pytest.mark.skipif(target() != "sam-local", reason="runs with E2E_TARGET=sam-local (make sam-local)")


def invoke(stack: Stack, function: str, event: dict) -> dict:
    result: dict = stack["sam"].invoke(function, event, stack["workdir"])
    return result


def messages(stack: Stack) -> MessageRepository:
    dynamodb = boto3.resource("dynamodb", endpoint_url=stack["aws_endpoint"])
    return MessageRepository(dynamodb.Table(stack["messages_table"]))


def stored_but_not_enqueued(stack: Stack, **fields: Any) -> Message:
    """A message stored with no queue message, so the stack's own worker never sees it."""
    now = now_iso()
    message = sms_message(
        org_id=stack["org_id"], id=new_id(), queue_id="sam-local", created_at=now, updated_at=now, **fields
    )
    messages(stack).add_all([message])
    return message


def test_sam_local_invoke_delivery_worker_sends_and_reports_partial_failures(local_stack: Stack):
    # Given the SQS event file as a batch of two: a stored QUEUED SMS and a malformed record
    # (one invoke for both: each `sam local invoke` rebuilds the layer's image, ~20 s here)
    message = stored_but_not_enqueued(local_stack)
    event = load_event("sqs_delivery.json")
    good, bad = event["Records"][0], {**event["Records"][0], "messageId": "malformed-record", "body": "not json"}
    good["body"] = json.dumps({"orgId": message.org_id, "messageId": message.id})
    event["Records"] = [good, bad]
    # When the worker runs on it in its Lambda container
    result = invoke(local_stack, "DeliveryWorkerFunction", event)
    # Then only the malformed record goes back to the queue, and the message went out through SNS
    assert result == {"batchItemFailures": [{"itemIdentifier": "malformed-record"}]}
    delivered = messages(local_stack).get(message.org_id, message.id)
    assert delivered is not None
    assert delivered.status in PROVIDER_ACCEPTED
    assert delivered.provider_message_id


def test_sam_local_invoke_receipts_moves_a_sent_email_to_delivered(local_stack: Stack):
    # Given a SENT email and the SES Delivery event file, tagged with that message
    message = stored_but_not_enqueued(
        local_stack,
        channel=Channel.EMAIL,
        message_type=MessageType.EMAIL,
        recipient_details="ana@example.com",
        provider="SES",
        status=MessageStatus.SENT,
    )
    event = load_event("receipts_ses_delivery.json")
    notification = json.loads(event["Records"][0]["Sns"]["Message"])
    notification["mail"]["tags"].update(messageId=[message.id], orgId=[message.org_id])
    event["Records"][0]["Sns"]["Message"] = json.dumps(notification)
    # When the receipts function runs on it in its Lambda container
    result = invoke(local_stack, "ReceiptsFunction", event)
    # Then the email is DELIVERED, with SES as the source of that step
    assert result == {"moved": 1}
    delivered = messages(local_stack).get(message.org_id, message.id)
    assert delivered is not None
    assert delivered.status is MessageStatus.DELIVERED
    assert delivered.history[-1].source == "ses"
