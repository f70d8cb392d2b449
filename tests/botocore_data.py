"""botocore's data files (service models, endpoint rules) read once per test process, not per session.

Every `boto3.session.Session()` gets a loader of its own, which lists botocore's data folder and
parses again each JSON model its clients need. The product builds its clients that way once per
warm Lambda, but a test process rebuilds them after each test's `wiring.reset()`, and provisions
each test's stack with a session of its own: that was about a second of every integration test on
the 2-core machine, more than the test itself. The files do not change during a run, and botocore
already hands one parsed model to every client of a session, so handing it to every session is
what one session creating all the clients would do.
"""

from collections.abc import Callable
from typing import Any

from botocore.loaders import JSONFileLoader, Loader


class _ParsedOnce(JSONFileLoader):
    _parsed: dict[str, Any] = {}

    def load_file(self, file_path: str) -> Any:
        if file_path not in self._parsed:
            self._parsed[file_path] = super().load_file(file_path)
        return self._parsed[file_path]


def _listed_once(list_services: Callable[[Loader, str], list[str]]) -> Callable[[Loader, str], list[str]]:
    listed: dict[tuple[tuple[str, ...], str], list[str]] = {}

    def list_available_services(loader: Loader, type_name: str) -> list[str]:
        key = (tuple(dict.fromkeys(loader.search_paths)), type_name)
        if key not in listed:
            listed[key] = list_services(loader, type_name)
        return list(listed[key])

    return list_available_services


def install() -> None:
    """Idempotent: pytest_configure calls it in every test process."""
    if Loader.FILE_LOADER_CLASS is not _ParsedOnce:
        Loader.FILE_LOADER_CLASS = _ParsedOnce
        Loader.list_available_services = _listed_once(Loader.list_available_services)  # type: ignore[method-assign,assignment]
