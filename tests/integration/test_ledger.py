"""bench/ledger.py in its short form, one fault scenario per test: after the fault, the sweeper and
the handlers, every credit is accounted for, every message settled and none sent twice."""

import subprocess
import sys
from pathlib import Path

import pytest

LEDGER = Path(__file__).resolve().parents[2] / "bench" / "ledger.py"


# Red on main until the branch named in the reason is merged (issue 13); strict, so a scenario
# that turns green fails here until its mark is removed.
def known_failing(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


SCENARIOS = [
    pytest.param(
        "sqs-raises-after-write",
        marks=known_failing("stranded: messages the API stored but never enqueued have no lease to sweep"),
    ),
    pytest.param(
        "api-killed-before-enqueue",
        marks=known_failing("stranded: messages the API stored but never enqueued have no lease to sweep"),
    ),
    "worker-killed-after-send",
    pytest.param(
        "settlement-throttled",
        marks=known_failing("ledger: the FAILED write and its refund are two writes; a throttled refund is lost"),
    ),
    pytest.param(
        "job-killed-mid-chunk",
        marks=known_failing("jobs: a retried job re-reads its changed audience and sends to more than it paid for"),
    ),
    pytest.param(
        "every-message-twice",
        marks=known_failing(
            "jobs: a send job's unconditional chunk write lands after a duplicate run of its task"
            " stored and delivered the chunk, resets those messages to QUEUED, and they are sent again"
        ),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_ledger_scenario_accounts_for_every_credit(scenario: str) -> None:
    # Given a fresh local stack with the scenario's fault injected at its exact point
    # When it sends, the queues drain, and the sweeper runs past every lease
    ledger = subprocess.run(
        [sys.executable, str(LEDGER), "--short", "--scenario", scenario],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Then nothing is unaccounted, stranded or sent twice, and the fault did fire
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr[-4000:]
    assert "0 credits unaccounted, 0 stranded, 0 sent twice" in ledger.stdout
