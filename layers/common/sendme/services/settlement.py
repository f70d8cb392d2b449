"""Ending a message FAILED: the one place that also gives its reserved credits back.

The FAILED write, the refund and its ledger entry are one transaction, conditional on the
message's status: of any number of concurrent or repeated attempts to fail the same message
exactly one succeeds, and a crash can leave the message neither FAILED without its refund nor
refunded without being FAILED. The ledger entry is keyed by the message, so even a refund
attempted outside that condition could be written only once.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.messages import Message, MessageStatus
from sendme.domain.status import sources_of
from sendme.observability import logger, metrics
from sendme.storage.messages import MessageRepository


class Settlement:
    def __init__(self, messages: MessageRepository) -> None:
        self._messages = messages

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
        only_from = list(only_from) if only_from is not None else None
        # The refund's amount must be known before the transaction that pays it.
        current = self._messages.get(org_id, message_id)
        if current is None or current.status not in sources_of(MessageStatus.FAILED, only_from):
            return None
        refund = movement(org_id, LedgerKind.REFUND, current.cost, CauseType.MESSAGE, message_id, note=code)
        failed = self._messages.transition(
            org_id,
            message_id,
            MessageStatus.FAILED,
            source=source,
            detail=code,
            only_from=only_from,
            expect=expect,
            fields={"errorCode": code, "errorMessage": reason},
            # A free message moves no credits: a plain conditional update, half the write units.
            paying=refund if current.cost else None,
        )
        if failed is None:
            return None
        metrics.add_metric(name="MessagesFailed", unit="Count", value=1)
        logger.warning("message failed", extra={"message_id": message_id, "code": code, "source": source})
        return failed
