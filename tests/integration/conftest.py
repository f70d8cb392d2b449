"""Handlers and layer against moto, with resources built from template.yaml's own properties."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from werkzeug.test import Client

from devstack.gateway import LocalApiGateway
from devstack.lambdas import LocalLambdas
from devstack.poller import QueuePoller
from devstack.provision import Stack, provision
from devstack.seed import seed_demo
from devstack.template import Template

from .helpers import replica_serving


@pytest.fixture(scope="session")
def _parsed_template() -> Template:
    """template.yaml parsed once per test process; each test's stack gets a copy of its own."""
    return Template.load()


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch, _parsed_template: Template) -> Iterator[Stack]:
    from sendme import wiring

    with mock_aws():
        provisioned = provision(Template(copy.deepcopy(_parsed_template.body)), "test")
        for name, value in provisioned.shared_environment().items():
            monkeypatch.setenv(name, value)
        wiring.reset()
        yield provisioned
    wiring.reset()


@pytest.fixture
def lambdas(stack: Stack) -> LocalLambdas:
    return LocalLambdas(stack.template)


@pytest.fixture
def api(stack: Stack, lambdas: LocalLambdas) -> Client:
    """The API as a client sees it (routing, gateway responses), in-process."""
    return Client(LocalApiGateway(stack.template, lambdas.invoke))


@pytest.fixture
def demo(stack: Stack) -> Any:
    return seed_demo(credits=100)


def _drainer(stack: Stack, lambdas: LocalLambdas, queue: str, function: str, batch_size: int = 10) -> Any:
    import boto3

    poller = QueuePoller(
        boto3.client("sqs"),
        stack.ref(queue),
        batch_size,
        lambda event: lambdas.invoke(function, event),
        retry_after_seconds=0,
    )

    def run(max_batches: int = 50) -> int:
        handled = 0
        for _ in range(max_batches):
            received = poller.poll_once()
            if not received:
                break
            handled += received
        return handled

    return run


@pytest.fixture
def drain(stack: Stack, lambdas: LocalLambdas) -> Any:
    """Run the delivery worker over everything on the queue, as the event source mapping would."""
    return _drainer(stack, lambdas, "DeliveryQueue", "DeliveryWorkerFunction")


@pytest.fixture
def run_jobs(stack: Stack, lambdas: LocalLambdas) -> Any:
    """Run the fan-out worker over the send-job queue, a job at a time as its event source mapping does."""
    return _drainer(stack, lambdas, "SendJobQueue", "FanOutWorkerFunction", batch_size=1)


@pytest.fixture
def small_sync_limit(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any audience above two contacts becomes a send job (the demo organisation has four)."""
    from sendme import wiring

    monkeypatch.setenv("AUDIENCE_SYNC_LIMIT", "2")
    wiring.reset()


@pytest.fixture
def drain_dead_letters(stack: Stack, lambdas: LocalLambdas) -> Any:
    """Run the dead-letter handler over everything on the dead-letter queue."""
    return _drainer(stack, lambdas, "DeliveryDeadLetterQueue", "DeadLetterFunction")


@pytest.fixture
def lagging_replica(stack: Stack) -> Iterator[None]:
    """Every eventually consistent GetItem answers as a replica that has seen no write yet:
    nothing found (moto's reads are all consistent; DynamoDB's eventual ones may lag)."""
    with replica_serving([]):
        yield
