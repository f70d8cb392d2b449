"""The local stack's API served by `sam local start-api`: each function in a Lambda container.

`python -m devstack --sam-local IMAGE` runs it (`make sam-api` by hand; the e2e tier with
E2E_TARGET=sam-local, tests/e2e/targets.py): moto, the demo organisation and the SQS worker stay
in that process as in `make run`, and in front of them `sam local start-api` serves the built
template (.aws-sam/build, `make build`) with every function pointed at moto. The containers reach
moto on a docker bridge network of this run's own (internal: no route beyond the host), and moto
listens only on that network's gateway address, so it is reachable from this host and from those
containers alone. It needs a Docker engine and a Lambda python3.13 image: tools/samlocal/ has both.
"""

import json
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from .environment import LOCAL_AWS_ENVIRONMENT
from .template import ROOT, Route, Template

if TYPE_CHECKING:
    from .stack import StackInfo

SAM = ROOT / ".venv-sam" / "bin" / "sam"
BUILT_TEMPLATE = ROOT / ".aws-sam" / "build" / "template.yaml"
# A cold container on a busy 2-core machine can take minutes to answer its first request.
WARM_UP_SECONDS = 300


class SamLocalError(RuntimeError):
    """`sam local` or docker could not do what the stack needs; the message says what."""


def _docker(*arguments: str) -> str:
    completed = subprocess.run(["docker", *arguments], capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SamLocalError(f"docker {arguments[0]} {arguments[1]}: {completed.stderr.strip()}")
    return completed.stdout.strip()


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


def write_env_vars(path: Path, function_environment: dict[str, str], aws_endpoint: str) -> Path:
    """The `--env-vars` file: every function ("Parameters") given the stack's resources and moto."""
    path.write_text(json.dumps({"Parameters": {**function_environment, "AWS_ENDPOINT_URL": aws_endpoint}}))
    return path


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
            raise SamLocalError(f"sam local invoke {function} failed:\n{completed.stderr[-3000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])


@contextmanager
def start_api(image: str, network: str, port: int, stack: "StackInfo") -> Iterator[subprocess.Popen[bytes]]:
    """`sam local start-api` on 127.0.0.1:PORT in front of a started stack, every function warm,
    until the block ends. Its output is this process's; Ctrl-C reaches it through this process."""
    if not BUILT_TEMPLATE.exists():
        raise SamLocalError("no built template: run `make build` (sam build) first")
    with socket.socket() as probe:  # else the port check below could take another server for sam
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SamLocalError(f"127.0.0.1:{port} is in use ({error.strerror}); PORT=... picks another") from error
    with tempfile.TemporaryDirectory(prefix="sendme-sam-local-") as workdir:
        env_vars = write_env_vars(Path(workdir) / "env-vars.json", stack.function_environment, stack.aws_endpoint)
        sam = SamLocal(image, network, env_vars)
        process = subprocess.Popen(
            sam.command("start-api", "--port", str(port), "--warm-containers", "LAZY"),
            cwd=ROOT,
            env=sam.environment,
            process_group=0,  # a terminal's Ctrl-C reaches this process only, which then stops sam
        )
        try:
            _wait_for_port(port, process)
            warm_up(f"http://127.0.0.1:{port}", stack.api_key)
            yield process
        finally:
            _stop(process)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            raise SamLocalError(f"sam local start-api exited ({process.returncode}) before listening on {port}")
        if time.monotonic() > deadline:
            raise SamLocalError(f"sam local start-api is not listening on {port} after 60 s")
        time.sleep(0.3)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Killed outright: its own shutdown only stops its warm containers, which `bridge_network`
    removes anyway, and prints a traceback for each of their log streams it closes."""
    process.kill()
    process.wait()


def warm_up(api_url: str, api_key: str) -> None:
    """One request per function until it answers, so that no request meets a cold start.

    SAM answers 502 when the function timed out or crashed starting; any
    other status, an error of the function's own included, means the container is warm.
    """
    first_route = {route.function: route for route in reversed(Template.load(BUILT_TEMPLATE).routes())}

    def warm(route: Route) -> None:
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
                raise SamLocalError(f"{route.function} still fails after {WARM_UP_SECONDS}s of warm-up")
            time.sleep(1)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(warm, first_route.values()))
