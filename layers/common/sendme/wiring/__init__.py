"""Builds each function family's services from settings and cached AWS clients, once per warm Lambda.

One module per family, so a function imports and builds only what it uses; a factory that only
some importers call imports its service in its body (decision 26: every module a cold start
loads is paid for).
Every cached factory registers itself here, so `reset()` forgets them all.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from sendme import aws
from sendme.config import get_settings


class _Cached(Protocol):
    def cache_clear(self) -> None: ...


_factories: list[_Cached] = []


def cached[Service](build: Callable[[], Service]) -> Callable[[], Service]:
    """`build` once per process (a warm Lambda reuses it), forgotten by `reset()`."""
    factory = lru_cache(maxsize=1)(build)
    _factories.append(factory)
    return factory


def reset() -> None:
    """Forget settings, clients and services, for tests that change the environment."""
    get_settings.cache_clear()
    aws.reset_clients()
    for factory in _factories:
        factory.cache_clear()
