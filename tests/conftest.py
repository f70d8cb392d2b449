"""Fixtures shared by every tier."""

import json
from pathlib import Path
from typing import Any

import pytest

import devstack  # noqa: F401  (puts the layer on sys.path as Lambda's /opt/python)

EVENTS = Path(__file__).parent / "events"


def load_event(name: str) -> dict[str, Any]:
    """A file of tests/events: the same files `sam local invoke -e` takes."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach a real AWS account, whatever the machine's configuration."""
    from devstack.stack import LOCAL_AWS_ENVIRONMENT

    for name, value in LOCAL_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
