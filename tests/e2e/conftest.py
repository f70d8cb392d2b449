"""Real HTTP against the local stack (`python -m devstack`), started once for the session."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    state = tmp_path_factory.mktemp("stack") / "state.json"
    log = (tmp_path_factory.getbasetemp() / "devstack.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "--port",
            str(free_port()),
            "--state-file",
            str(state),
            "--retry-after",
            "1",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LOCAL_API_KEY": ""},
    )
    deadline = time.monotonic() + 60
    while not state.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the local stack did not start; see {log.name}")
        time.sleep(0.1)
    yield json.loads(state.read_text())
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0, "the local stack did not stop cleanly on Ctrl-C"


class Api:
    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update({"api-key": key, "Content-Type": "application/json"})

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=10, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, json=body, timeout=30, **kwargs)

    def wait_for(self, message_id: str, statuses: set[str], seconds: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            message: dict[str, Any] = self.get(f"/api/messages/{message_id}").json()
            if message.get("status") in statuses or time.monotonic() > deadline:
                return message
            time.sleep(0.2)


@pytest.fixture(scope="session")
def api(local_stack: dict[str, Any]) -> Api:
    return Api(local_stack["api_url"], local_stack["api_key"])
