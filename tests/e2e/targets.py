"""What the e2e suite runs against: E2E_TARGET=devstack (the default) or E2E_TARGET=sam-local.

devstack: `python -m devstack`, the whole stack in one process (`make run`).
sam-local: `python -m devstack --sam-local IMAGE` (`make sam-api`): the same backend, with
`sam local start-api` over the built template in front of it, each function in a Lambda container
of SAM_LOCAL_IMAGE (see tools/samlocal and devstack/sam_local.py).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devstack.sam_local import WARM_UP_SECONDS, SamLocal, write_env_vars

ROOT = Path(__file__).resolve().parents[2]

Stack = dict[str, Any]


def target() -> str:
    return os.environ.get("E2E_TARGET", "devstack")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def devstack(workdir: Path, *arguments: str, ready_within: float = 60) -> Iterator[Stack]:
    """`python -m devstack ARGUMENTS` until the block ends; yields its state file's contents."""
    state = workdir / "state.json"
    with (workdir / "devstack.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack", "--state-file", str(state), "--retry-after", "1", *arguments],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            # A small sync limit so the /all and /tags e2e tests also take the send-job path.
            env={**os.environ, "LOCAL_API_KEY": "", "AUDIENCE_SYNC_LIMIT": "3"},
        )
        try:
            deadline = time.monotonic() + ready_within
            while not state.exists():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the local stack did not start; see {log.name}")
                time.sleep(0.1)
            yield json.loads(state.read_text())
        finally:
            # Ctrl-C, whatever happened: under --sam-local it also removes the containers and network.
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if process.returncode != 0:
            raise RuntimeError(f"the local stack did not stop cleanly on Ctrl-C; see {log.name}")


@contextmanager
def sam_local_stack(workdir: Path) -> Iterator[Stack]:
    """The API served by `sam local start-api`, warm, on a free port; with `sam local invoke`."""
    image = os.environ.get("SAM_LOCAL_IMAGE") or "sendme-lambda-python3.13:local"
    port = str(free_port())
    # Ready once every function has answered: cold containers, two at a time.
    with devstack(workdir, "--sam-local", image, "--port", port, ready_within=3 * WARM_UP_SECONDS) as stack:
        env_vars = write_env_vars(workdir / "env-vars.json", stack["function_environment"], stack["aws_endpoint"])
        yield {**stack, "sam": SamLocal(image, stack["docker_network"], env_vars), "workdir": workdir}
