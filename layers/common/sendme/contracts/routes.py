"""The API's routes and the query parameters each takes: what the edge checks on every request
(a 405 for a method the path does not serve, a 400 for a parameter the route does not take).

routes.json beside this module is written from sendme.contracts.operations by `make openapi`
(`make openapi-check` fails when it is stale), so a request reads a small index instead of
building that table of every route's models and examples (decision 37).
"""

import json
from functools import cache
from pathlib import Path

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY_LENGTH = 255
# Printable ASCII, without the leading or trailing spaces HTTP would strip.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]*[!-~])?$"

ROUTES_FILE = Path(__file__).with_name("routes.json")


@cache
def _routes() -> dict[tuple[str, str], frozenset[str]]:
    """(method, path as template.yaml declares it) -> the query parameters the route takes."""
    routes: dict[tuple[str, str], frozenset[str]] = {}
    for route, names in json.loads(ROUTES_FILE.read_text(encoding="utf-8")).items():
        method, path = route.split(" ", 1)
        routes[method, path] = frozenset(names)
    return routes


def query_names(method: str, path: str) -> frozenset[str] | None:
    """The query parameters a route takes; None for a route the API does not serve."""
    return _routes().get((method.upper(), path))


def allowed_methods(path: str) -> list[str]:
    """The methods the API serves on a template path, for a 405's Allow header."""
    return sorted(method for method, route_path in _routes() if route_path == path)
