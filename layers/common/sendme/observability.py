"""Logger, Tracer and Metrics shared by every function, and masking of personal data."""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
metrics = Metrics()

Handler = Callable[[Any, Any], Any]


@cache
def tracer() -> Tracer:
    """Built on first use: building it loads the X-Ray SDK (a third of a cold start), even when
    tracing is off."""
    return Tracer()


def capture_lambda_handler[H: Handler](handler: H) -> H:
    """`handler` traced (its response never recorded) where tracing is on, decided at its first
    invocation: outside Lambda (tests, the local stack, sam local) the X-Ray SDK is never loaded,
    and in Lambda it loads with the first event rather than with the import."""
    chosen: list[Handler] = []

    @wraps(handler)
    def run(event: Any, context: Any) -> Any:
        if not chosen:
            # Powertools' own rule (the tracing env var, a Lambda environment, not sam local).
            on = not Tracer._is_tracer_disabled()
            chosen.append(tracer().capture_lambda_handler(handler, capture_response=False) if on else handler)
        return chosen[0](event, context)

    return run  # type: ignore[return-value]


def mask_recipient(recipient: str) -> str:
    """Enough of a phone number or address to correlate logs, not enough to identify anyone."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-4:]}" if len(recipient) > 7 else "***"
