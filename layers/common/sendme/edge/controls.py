"""How a send request asks to be run: as a dry run, and under which Idempotency-Key."""

import re

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from sendme.contracts.routes import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY_LENGTH
from sendme.contracts.sending import SendControls
from sendme.domain.errors import RequestInvalidError

_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def send_controls(app: APIGatewayRestResolver) -> SendControls:
    """The dryRun query parameter and Idempotency-Key header of the current request, checked."""
    event = app.current_event
    given = event.get_query_string_value("dryRun")
    raw_dry_run = "false" if given is None else given.lower()
    if raw_dry_run not in _BOOLEANS:
        raise RequestInvalidError("The parameter 'dryRun' must be true or false", field="dryRun")
    key = event.headers.get(IDEMPOTENCY_HEADER)  # Powertools looks headers up case-insensitively
    if key is not None and not (len(key) <= MAX_IDEMPOTENCY_KEY_LENGTH and re.match(IDEMPOTENCY_KEY_PATTERN, key)):
        raise RequestInvalidError(
            f"The header '{IDEMPOTENCY_HEADER}' must be 1-{MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters",
            field=IDEMPOTENCY_HEADER,
        )
    return SendControls(dry_run=_BOOLEANS[raw_dry_run], idempotency_key=key, lambda_context=app.lambda_context)
