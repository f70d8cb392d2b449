"""Logger, Tracer and Metrics shared by every function, and masking of personal data."""

from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
metrics = Metrics()


@cache
def tracer() -> Tracer:
    """Built on first use: the X-Ray SDK costs a third of a cold start, and the authorizer,
    which runs before every request, traces nothing."""
    return Tracer()


def mask_recipient(recipient: str) -> str:
    """Enough of a phone number or address to correlate logs, not enough to identify anyone."""
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-4:]}" if len(recipient) > 7 else "***"
