"""Fixtures shared by every tier."""

import json
from pathlib import Path
from typing import Any

import pytest

from devstack import moto_fixes
from devstack.environment import LOCAL_AWS_ENVIRONMENT
from tests import botocore_data

EVENTS = Path(__file__).parent / "events"


def pytest_configure(config: pytest.Config) -> None:
    """moto is patched in every test process, each xdist worker and the unit tier included, so that
    moto in a test behaves as under the local stack: the integration tier runs the handlers on it
    in-process, where unpatched deep queues and big tables take minutes and concurrent
    transactions can crash (devstack/moto_fixes). Patched here, once, rather than by the test
    that happens to need it first. (The layer is on the path through pyproject's pytest
    pythonpath, as Lambda's /opt/python.) botocore's data files are parsed once per process
    (tests/botocore_data.py), not once per boto3 session."""
    moto_fixes.install()
    botocore_data.install()


def load_event(name: str) -> dict[str, Any]:
    """A file of tests/events: the same files `sam local invoke -e` takes."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach a real AWS account, whatever the machine's configuration."""
    for name, value in LOCAL_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
