"""The local stack runs scheduled functions as EventBridge would: the sweeper every minute."""

import threading
from functools import partial
from typing import Any

import pytest

from devstack.lambdas import LocalLambdas
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
    assert runner.run_once() == {"settled": 0, "skipped": 0, "redriven": 0}


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
