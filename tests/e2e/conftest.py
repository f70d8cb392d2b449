"""Real HTTP against the stack E2E_TARGET names (see targets.py), started once for the session."""

import time
from collections.abc import Iterator, Set
from typing import Any

import pytest
import requests

from .targets import Stack, devstack, sam_local_stack, target


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "devstack_only(reason): needs what only the local stack does; skipped on E2E_TARGET=sam-local"
    )


@pytest.fixture(autouse=True)
def _only_where_it_applies(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("devstack_only")
    if marker and target() == "sam-local":
        pytest.skip(f"not on sam local: {marker.args[0]}")


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp(target())
    if target() == "sam-local":
        with sam_local_stack(workdir) as stack:
            yield stack
    else:
        with devstack(workdir, "--port", "0") as stack:
            yield stack


# Handed to the provider: SENT, then DELIVERED once the local stack's simulated receipt arrives.
PROVIDER_ACCEPTED = frozenset({"SENT", "DELIVERED"})

# SAM CLI's local API Gateway ignores the template's GatewayResponses: a route the template
# lacks, or a function that crashed, gets SAM's own 403/502 bodies. The 401 is the function's
# own answer (no authorizer, decision 25), so it is the same on every target.
SAM_GATEWAY_RESPONSES = "sam local ignores the template's GatewayResponses (its own 403/502 bodies)"
SPEC_401 = {"error": "Unauthorized", "message": "Invalid or missing API key"}


def assert_refused_unauthenticated(response: requests.Response) -> None:
    """The spec's 401, with no data, on every target."""
    assert (response.status_code, response.json()) == (401, SPEC_401)


class Api:
    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update({"api-key": key, "Content-Type": "application/json"})

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=10, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, json=body, timeout=30, **kwargs)

    def wait_for(self, message_id: str, statuses: Set[str], seconds: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            message: dict[str, Any] = self.get(f"/api/messages/{message_id}").json()
            if message.get("status") in statuses or time.monotonic() > deadline:
                return message
            time.sleep(0.2)


@pytest.fixture(scope="session")
def api(local_stack: dict[str, Any]) -> Api:
    return Api(local_stack["api_url"], local_stack["api_key"])
