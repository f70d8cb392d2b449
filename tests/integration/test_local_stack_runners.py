"""The local stack runs its functions as AWS would: the sweeper every minute, the worker's poller
through a queue that is briefly gone."""

import threading
from functools import partial
from typing import Any

import pytest

from devstack.lambdas import LocalLambdas
from devstack.poller import QueuePoller
from devstack.provision import Stack
from devstack.schedules import ScheduleRunner, rate_seconds


def test_schedule_rate_reads_the_templates_sweeper_schedule(stack: Stack):
    ((function, event),) = stack.template.events("Schedule")
    assert (function, rate_seconds(event["Schedule"])) == ("SweeperFunction", 60)


def test_schedule_rate_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="unsupported schedule"):
        rate_seconds("cron(0 12 * * ? *)")


def test_schedule_runner_invokes_the_sweeper_with_a_scheduled_event(stack: Stack, lambdas: LocalLambdas):
    runner = ScheduleRunner("SweeperFunction", 60, partial(lambdas.invoke, "SweeperFunction"), region="us-east-1")
    assert runner.run_once() == {
        "settled": 0,
        "skipped": 0,
        "redriven": 0,
        "failed": 0,
        "fired": 0,
        "jobs_fired": 0,
    }


def test_schedule_runner_runs_again_at_each_interval_until_stopped():
    # Given a runner every 10 ms
    events: list[dict[str, Any]] = []
    twice = threading.Event()

    def invoke(event: dict[str, Any]) -> None:
        events.append(event)
        if len(events) >= 2:
            twice.set()

    runner = ScheduleRunner("SweeperFunction", 0.01, invoke, region="us-east-1")
    # When it runs for a moment, Then it invoked the function with scheduled events, and stops
    runner.start()
    assert twice.wait(timeout=5)
    runner.stop()
    runner.join(timeout=5)
    assert not runner.is_alive()
    assert {event["detail-type"] for event in events} == {"Scheduled Event"}


class QueueBrieflyGone:
    """An SQS client whose queue does not exist for its first receive."""

    meta = type("Meta", (), {"region_name": "us-east-1"})()

    def __init__(self) -> None:
        self.receives = 0
        self.again = threading.Event()

    def receive_message(self, **_: Any) -> dict[str, Any]:
        self.receives += 1
        if self.receives == 1:
            raise RuntimeError("The specified queue does not exist")
        self.again.set()
        return {"Messages": []}


def test_poller_keeps_polling_after_the_queue_was_briefly_gone():
    # Given a queue that is gone when the poller first receives from it
    sqs = QueueBrieflyGone()
    poller = QueuePoller(sqs, "https://sqs/123/q", 10, lambda event: None)  # type: ignore[arg-type]
    # When the poller runs, Then it receives again once the queue is back, and still stops
    poller.start()
    assert sqs.again.wait(timeout=5)
    poller.stop()
    poller.join(timeout=5)
    assert not poller.is_alive()
