"""OTP codes ahead of promotional traffic within one organisation: the priority delivery queue."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from devstack.template import Template

from .conftest import _drainer
from .helpers import auth, organization, queued, stored_messages


def send(api: Client, key: str, count: int, message_type: str) -> list[str]:
    body = {"message": "Hola", "contacts": [f"300{n:07d}" for n in range(count)], "country": "CO", "type": message_type}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(key))
    assert response.status_code == 201, response.json
    return [message["id"] for message in response.json["messages"]]


@pytest.fixture
def drain_urgent(stack: Stack, lambdas: LocalLambdas) -> Any:
    return _drainer(stack, lambdas, "PriorityDeliveryQueue", "DeliveryWorkerFunction")


def test_otp_priority_code_is_sent_while_the_same_organisations_campaign_still_waits(
    api: Client, stack: Stack, drain_urgent
):
    # Given an organisation's 30-message campaign queued, then one OTP code
    _, key = organization(credits=1000)
    campaign = send(api, key, 30, "SMS")
    (code,) = send(api, key, 1, "OTP")
    # When the worker's priority event source runs (its capacity is its own)
    drain_urgent()
    # Then the code is sent, and the whole campaign still waits on the delivery queue
    status = {item["id"]: item["status"] for item in stored_messages(stack)}
    assert status[code] == "SENT"
    assert {status[i] for i in campaign} == {"QUEUED"}
    assert queued(stack, "DeliveryQueue") == 30


def test_otp_priority_promotional_messages_never_take_the_priority_queue(api: Client, stack: Stack):
    _, key = organization(credits=100)
    send(api, key, 3, "SMS")
    assert (queued(stack, "PriorityDeliveryQueue"), queued(stack, "DeliveryQueue")) == (0, 3)


def test_otp_priority_queue_has_workers_of_its_own_within_the_reserved_concurrency():
    # Given the worker's two event sources
    worker = Template.load().resources["DeliveryWorkerFunction"]["Properties"]
    events = worker["Events"]
    sources = {event["Properties"]["Queue"]["Fn::GetAtt"][0]: event["Properties"] for event in events.values()}
    ceilings = [source["ScalingConfig"]["MaximumConcurrency"] for source in sources.values()]
    # Then each has a ceiling, and together they never exceed the reserved concurrency (no throttled batch)
    assert set(sources) == {"DeliveryQueue", "PriorityDeliveryQueue"}
    assert sum(ceilings) <= worker["ReservedConcurrentExecutions"]
    assert min(ceilings) >= 2


def test_otp_priority_queue_retries_and_dead_letters_as_the_delivery_queue_does():
    queues = Template.load().of_type("AWS::SQS::Queue")
    assert queues["PriorityDeliveryQueue"] == queues["DeliveryQueue"]
