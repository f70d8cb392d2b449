"""For receivers of SendMe's status webhooks: check an event's `SendMe-Signature` header.

    from sendme.webhooks import SIGNATURE_HEADER, verify

    if not verify(secret, request.headers[SIGNATURE_HEADER], request.get_data()):
        abort(400)

The scheme itself lives in sendme.domain.webhooks, which also signs the deliveries.
"""

from sendme.domain import webhooks
from sendme.domain.webhooks import SIGNATURE_HEADER

__all__ = ["SIGNATURE_HEADER", "verify"]


def verify(secret: str, header: str, body: str | bytes, tolerance: int = 300) -> bool:
    """Whether `header` signs `body` (the raw request body, before any JSON parsing) with the
    endpoint's `secret`, made within `tolerance` seconds of now."""
    if isinstance(body, bytes):
        try:
            body = body.decode()
        except UnicodeDecodeError:
            # Every body SendMe signs is UTF-8 JSON: these bytes are not one of them.
            return False
    return webhooks.verify(secret, header, body, tolerance)
