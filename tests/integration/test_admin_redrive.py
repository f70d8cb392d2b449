"""sendme-admin redrive against moto: a dead-letter queue's messages go back to their queue."""

import json

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme_admin.cli import main

from .helpers import SPEC_SMS_BODY, auth, queued, sms_sent, stored_messages


def redrive(queue: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict, str]:
    status = main(["redrive", queue, "--quiet"])
    out, err = capsys.readouterr()
    return status, json.loads(out) if status == 0 else {}, err


def dead_lettered(api: Client, key: str, stack: Stack) -> None:
    """A send whose queue entries SQS moved to the dead-letter queue while its worker was stopped."""
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    sqs = boto3.client("sqs")
    entries = sqs.receive_message(QueueUrl=stack.ref("DeliveryQueue"), MaxNumberOfMessages=10)["Messages"]
    for entry in entries:
        sqs.send_message(QueueUrl=stack.ref("DeliveryDeadLetterQueue"), MessageBody=entry["Body"])
    sqs.purge_queue(QueueUrl=stack.ref("DeliveryQueue"))


def test_cli_redrive_moves_dead_letters_back_and_the_worker_delivers_them(api, demo, stack: Stack, drain, capsys):
    # Given two messages whose entries are on the delivery dead-letter queue, not yet failed
    dead_lettered(api, demo.api_key, stack)
    name = stack.ref("DeliveryDeadLetterQueue").rsplit("/", 1)[-1]
    # When the operator redrives that queue (by name, as the stack's outputs print it)
    status, report, _ = redrive(name, capsys)
    # Then both went back to the delivery queue, and the worker sends each once
    assert (status, report["moved"], report["movedTo"]) == (0, 2, stack.ref("DeliveryQueue"))
    assert (queued(stack, "DeliveryDeadLetterQueue"), queued(stack)) == (0, 2)
    drain()
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
    assert len(sms_sent()) == 2


def test_cli_redrive_of_the_send_job_dead_letter_queue_goes_to_the_send_job_queue(stack: Stack, capsys):
    # Given a send job given up on
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=stack.ref("SendJobDeadLetterQueue"), MessageBody='{"orgId": "o", "jobId": "j"}')
    # When it is redriven by URL, Then it is back on the send-job queue
    status, report, _ = redrive(stack.ref("SendJobDeadLetterQueue"), capsys)
    assert (status, report["moved"], report["movedTo"]) == (0, 1, stack.ref("SendJobQueue"))
    assert queued(stack, "SendJobQueue") == 1


def test_cli_redrive_of_a_queue_that_is_no_dead_letter_queue_is_one_line(stack: Stack, capsys):
    status, _, err = redrive(stack.ref("DeliveryQueue"), capsys)
    assert status == 1
    assert err.count("\n") == 1
    assert "dead-letter queue of 0 queues" in err


def test_cli_redrive_of_an_unknown_queue_is_one_line(stack: Stack, capsys):
    status, _, err = redrive("no-such-queue", capsys)
    assert (status, err.strip()) == (1, "sendme-admin: error: no queue named no-such-queue")
