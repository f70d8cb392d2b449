"""Ending a message FAILED: the one place that also gives its reserved credits back.

The FAILED write is conditional, so of any number of concurrent or repeated attempts to fail
the same message exactly one succeeds, and only that one refunds.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from sendme.domain.messages import Message, MessageStatus
from sendme.observability import logger, metrics
from sendme.storage.accounts import AccountRepository
from sendme.storage.messages import MessageRepository


class Settlement:
    def __init__(self, messages: MessageRepository, accounts: AccountRepository) -> None:
        self._messages = messages
        self._accounts = accounts

    def fail(
        self,
        org_id: str,
        message_id: str,
        *,
        code: str,
        reason: str,
        source: str,
        only_from: Iterable[MessageStatus] | None = None,
        expect: Mapping[str, Any] | None = None,
    ) -> Message | None:
        """Mark the message FAILED with `code` and refund it; None if its status did not allow it."""
        failed = self._messages.transition(
            org_id,
            message_id,
            MessageStatus.FAILED,
            source=source,
            detail=code,
            only_from=only_from,
            expect=expect,
            fields={"errorCode": code, "errorMessage": reason},
        )
        if failed is None:
            return None
        if failed.cost:
            self._accounts.add_credits(org_id, failed.cost)
        metrics.add_metric(name="MessagesFailed", unit="Count", value=1)
        logger.warning("message failed", extra={"message_id": message_id, "code": code, "source": source})
        return failed
