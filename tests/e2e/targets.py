"""What the e2e suite runs against: E2E_TARGET=devstack (the default) or E2E_TARGET=sam-local.

devstack: `python -m devstack`, the whole stack in one process (`make run`).
sam-local: `sam local start-api` over the built template, each function in a Lambda container
(SAM_LOCAL_IMAGE, see tools/samlocal); behind it `python -m devstack --no-api` provides moto,
the demo organisation and the delivery worker. The containers reach moto on a docker bridge
network this run creates (internal: no route beyond the host) and moto listens only on that
network's gateway address, so it is reachable from this host and from those containers alone.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import Any

import requests

from devstack.environment import LOCAL_AWS_ENVIRONMENT
from devstack.template import Template

ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / ".venv-sam" / "bin" / "sam"
BUILT_TEMPLATE = ROOT / ".aws-sam" / "build" / "template.yaml"
# A cold container on a busy 2-core machine can take longer than the authorizer's 5 s timeout.
WARM_UP_SECONDS = 300

Stack = dict[str, Any]


def target() -> str:
    return os.environ.get("E2E_TARGET", "devstack")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def devstack(workdir: Path, *arguments: str) -> Iterator[Stack]:
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
        deadline = time.monotonic() + 60
        while not state.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the local stack did not start; see {log.name}")
            time.sleep(0.1)
        yield json.loads(state.read_text())
        process.send_signal(signal.SIGINT)
        if process.wait(timeout=20) != 0:
            raise RuntimeError("the local stack did not stop cleanly on Ctrl-C")


def _docker(*arguments: str) -> str:
    return subprocess.run(["docker", *arguments], check=True, capture_output=True, text=True).stdout.strip()


@contextmanager
def bridge_network() -> Iterator[tuple[str, str]]:
    """A docker network of this run's own: yields (name, the host's address on it)."""
    name = f"sendme-samlocal-{os.getpid()}"
    _docker("network", "create", "--internal", name)
    try:
        yield name, _docker("network", "inspect", name, "--format", "{{(index .IPAM.Config 0).Gateway}}")
    finally:
        # SAM leaves its warm containers behind when stopped; every container on the network is ours.
        if containers := _docker("ps", "--all", "--quiet", "--filter", f"network={name}").split():
            _docker("rm", "--force", *containers)
        _docker("network", "rm", name)


class SamLocal:
    """The `sam local` command line for one run: image, network and environment fixed."""

    def __init__(self, image: str, network: str, env_vars: Path) -> None:
        self._options = [
            "--template",
            str(BUILT_TEMPLATE),
            "--invoke-image",
            image,
            "--skip-pull-image",
            "--docker-network",
            network,
            "--env-vars",
            str(env_vars),
        ]
        # Credentials and region of moto, never of a real account.
        self.environment = {
            **{k: v for k, v in os.environ.items() if k != "AWS_PROFILE"},
            **LOCAL_AWS_ENVIRONMENT,
            "SAM_CLI_TELEMETRY": "0",
        }

    def command(self, *arguments: str) -> list[str]:
        return [str(SAM), "local", *arguments, *self._options]

    def invoke(self, function: str, event: dict[str, Any], workdir: Path) -> Any:
        """`sam local invoke FUNCTION -e EVENT`: the function's result, parsed."""
        event_file = workdir / f"{function}-event.json"
        event_file.write_text(json.dumps(event))
        completed = subprocess.run(
            self.command("invoke", function, "--event", str(event_file)),
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if completed.returncode != 0 or not completed.stdout.strip():
            raise RuntimeError(f"sam local invoke {function} failed:\n{completed.stderr[-3000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])


def _warm_up(api_url: str, api_key: str) -> None:
    """One request per function until it answers, so that no test meets a cold start.

    SAM answers 502 when the function (or the authorizer) timed out or crashed starting; any
    other status, an error of the function's own included, means the container is warm.
    """
    first_route = {route.function: route for route in reversed(Template.load(BUILT_TEMPLATE).routes())}

    def warm(route: Any) -> None:
        url = api_url + route.path.replace("{", "").replace("}", "")
        deadline = time.monotonic() + WARM_UP_SECONDS
        while True:
            try:
                response = requests.request(route.method, url, headers={"api-key": api_key}, json={}, timeout=60)
                if response.status_code != HTTPStatus.BAD_GATEWAY:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{route.function} still fails after {WARM_UP_SECONDS}s of warm-up")
            time.sleep(1)

    # The authorizer runs before every function: warm it alone first, then the rest side by side.
    routes = list(first_route.values())
    warm(routes[0])
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(warm, routes[1:]))


@contextmanager
def sam_local_stack(workdir: Path) -> Iterator[Stack]:
    """The API served by `sam local start-api`, warm, on a free port."""
    if not BUILT_TEMPLATE.exists():
        raise RuntimeError("no built template: run `make build` (sam build) first")
    image = os.environ.get("SAM_LOCAL_IMAGE") or "sendme-lambda-python3.13:local"
    with bridge_network() as (network, gateway), devstack(workdir, "--no-api", "--host", gateway) as backend:
        env_vars = workdir / "env-vars.json"
        environment = {**backend["function_environment"], "AWS_ENDPOINT_URL": backend["aws_endpoint"]}
        env_vars.write_text(json.dumps({"Parameters": environment}))
        sam = SamLocal(image, network, env_vars)
        port = free_port()
        with (workdir / "sam-local.log").open("w") as log:
            process = subprocess.Popen(
                sam.command("start-api", "--port", str(port), "--warm-containers", "LAZY"),
                cwd=ROOT,
                env=sam.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                api_url = f"http://127.0.0.1:{port}"
                _wait_for_port(port, process, log.name)
                _warm_up(api_url, backend["api_key"])
                yield {**backend, "api_url": api_url, "sam": sam, "workdir": workdir}
            finally:
                process.terminate()
                process.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"sam local start-api did not start; see {log}")
        time.sleep(0.3)
