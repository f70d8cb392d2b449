"""botocore's data files (service models, endpoint rules) read once per test process, not per session.

Every `boto3.session.Session()` gets a loader of its own, which lists botocore's data folder and
parses again each JSON model its clients need. The product builds its clients that way once per
warm Lambda, but a test process rebuilds them after each test's `wiring.reset()`, and provisions
each test's stack with a session of its own: that was about a second of every integration test on
the 2-core machine, more than the test itself. The files do not change during a run, and botocore
already hands one loaded model to every client of a session, so here every loader of the same kind
(class and search path: moto's own loader merges its extras into the models it loads, so it keeps
its own) hands out one.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from botocore.loaders import Loader

# The loader's methods botocore itself caches per loader (its `instance_cache`).
_CACHED = (
    "list_available_services",
    "determine_latest_version",
    "list_api_versions",
    "load_service_model",
    "load_data_with_path",
)


def _once_per_kind(method: Callable[..., Any]) -> Callable[..., Any]:
    results: dict[Any, Any] = {}

    @wraps(method)
    def once(loader: Loader, *args: Any, **kwargs: Any) -> Any:
        key = (type(loader), tuple(dict.fromkeys(loader.search_paths)), args, tuple(sorted(kwargs.items())))
        if key not in results:
            results[key] = method(loader, *args, **kwargs)
        return results[key]

    once.shared_per_kind = True  # type: ignore[attr-defined]
    return once


def install() -> None:
    """Idempotent: pytest_configure calls it in every test process."""
    for name in _CACHED:
        method = getattr(Loader, name)
        if not getattr(method, "shared_per_kind", False):
            setattr(Loader, name, _once_per_kind(method))
