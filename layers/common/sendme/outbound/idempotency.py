"""Idempotency-Key: a retried send returns the first answer and charges once.

Powertools Idempotency on the IdempotencyTable does the bookkeeping: the record is keyed by
the organisation and the key (so two organisations may use the same key), and the request's
fingerprint is the payload it validates, so the same key with a different body is refused.
"""

from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)

from sendme.domain.errors import IdempotencyKeyInProgressError, IdempotencyKeyReusedError

# Long enough to cover any client's retry policy; the table's TTL removes records after it.
EXPIRES_AFTER_SECONDS = 24 * 60 * 60


class IdempotentCalls:
    def __init__(self, persistence: BasePersistenceLayer, expires_after_seconds: int = EXPIRES_AFTER_SECONDS) -> None:
        self._persistence = persistence
        self._expires_after_seconds = expires_after_seconds

    def run(
        self,
        org_id: str,
        key: str,
        fingerprint: Mapping[str, Any],
        call: Callable[[], dict[str, Any]],
        lambda_context: Any = None,
    ) -> dict[str, Any]:
        """`call()`'s JSON-ready result, computed once per (organisation, key)."""
        config = IdempotencyConfig(
            event_key_jmespath="[orgId, key]",
            payload_validation_jmespath="request",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=self._expires_after_seconds,
        )
        if lambda_context is not None:
            config.register_lambda_context(lambda_context)

        @idempotent_function(
            data_keyword_argument="attempt", persistence_store=self._persistence, config=config, key_prefix="send"
        )
        def once(attempt: dict[str, Any]) -> dict[str, Any]:
            return call()

        try:
            result: dict[str, Any] = once(attempt={"orgId": org_id, "key": key, "request": dict(fingerprint)})
        except IdempotencyValidationError as error:
            raise IdempotencyKeyReusedError(
                "this Idempotency-Key was already used with a different request", details={"field": "Idempotency-Key"}
            ) from error
        except IdempotencyAlreadyInProgressError as error:
            raise IdempotencyKeyInProgressError(
                "a request with this Idempotency-Key is still in progress; retry shortly"
            ) from error
        return result
