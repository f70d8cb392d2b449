"""Runs a template function's handler in this process, as one warm Lambda environment would."""

import importlib.util
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from sendme.observability import metrics

from .template import Template

Handler = Callable[[dict[str, Any], Any], Any]


class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_seconds: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(template: Template, function: str) -> Handler:
    """Import functions/<name>/app.py under a unique module name (every handler file is app.py)."""
    code = template.function_code(function)
    module_file, attribute = template.function_handler(function).rsplit(".", 1)
    module_name = f"sendme_function_{code.name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, code / f"{module_file}.py")
        assert spec
        assert spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    handler: Handler = getattr(sys.modules[module_name], attribute)
    return handler


class LocalLambdas:
    """Invokes functions by logical id; one invocation at a time per function, as one warm
    execution environment handles one event at a time (Powertools resolvers rely on it)."""

    def __init__(self, template: Template) -> None:
        self._template = template
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        with self._guard:
            lock = self._locks.setdefault(function, threading.Lock())
        with lock:
            handler = load_handler(self._template, function)
            try:
                return handler(event, LambdaContext(function, self._template.function_timeout(function)))
            finally:
                # Lambda ends each invocation with its metrics flushed. Here they are disabled, and
                # Powertools then keeps them: at 100 values of one metric, adding another would fail.
                metrics.clear_metrics()
