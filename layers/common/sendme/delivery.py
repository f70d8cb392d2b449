"""Delivery: claim -> provider send -> record the outcome.

Guarantee: the provider is called at most once per message, and every message ends in a final
status (or, for a few minutes, under a lease the sweeper will settle).

- The claim (QUEUED -> SENDING, conditional) makes a duplicate or redelivered queue message a
  no-op: only the one worker whose claim succeeded ever calls the provider.
- The claim carries a lease (`delivery_lease_seconds`, longer than the worker's timeout, so a
  worker still alive never outlives its lease). A worker that dies between the provider call
  and the SENT write leaves the message SENDING; its redelivered queue message finds it claimed
  and sends nothing, and once the lease expires the sweeper settles it (see sendme.sweeper).
- A transient provider error hands the message back (SENDING -> QUEUED, under a lease as long
  as SQS may take to retry it) and raises, so SQS offers it again; after the last receive the
  dead-letter handler fails it. A permanent error ends it FAILED and refunds its credits.
"""

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import Json

from .clock import now_iso
from .errors import ProviderError, SendMeError
from .leases import lease_fields
from .models import Channel, DeliveryTask, Message, MessageStatus
from .observability import logger, mask_recipient, metrics
from .providers import EmailProvider, SmsProvider
from .repositories import MessageRepository
from .settlement import Settlement

SOURCE = "worker"


class DeliveryRecord(SqsRecordModel):
    """One delivery (or dead-letter) queue record, its body parsed as the task."""

    body: Json[DeliveryTask]


class DeliveryDeferredError(SendMeError):
    """The provider could not take the message now; the queue will offer it again."""


class DeliveryService:
    def __init__(
        self,
        messages: MessageRepository,
        settlement: Settlement,
        sms: SmsProvider,
        email: EmailProvider,
        *,
        lease_seconds: int,
        requeue_seconds: int,
    ) -> None:
        self._messages = messages
        self._settlement = settlement
        self._providers: dict[Channel, SmsProvider | EmailProvider] = {Channel.SMS: sms, Channel.EMAIL: email}
        self._lease_seconds = lease_seconds
        self._requeue_seconds = requeue_seconds

    def deliver(self, task: DeliveryTask) -> MessageStatus | None:
        """Deliver one message; returns its new status, or None if there was nothing to do."""
        claimed = self._messages.transition(
            task.org_id,
            task.message_id,
            MessageStatus.SENDING,
            source=SOURCE,
            only_from=[MessageStatus.QUEUED],
            fields=lease_fields(task.message_id, self._lease_seconds),
        )
        if claimed is None:
            logger.info("message already claimed or settled", extra={"message_id": task.message_id})
            return None
        try:
            provider_message_id = self._providers[claimed.channel].send(claimed, claimed.sender_id)
        except ProviderError as error:
            return self._record_failure(claimed, error)
        sent = self._messages.transition(
            claimed.org_id,
            claimed.id,
            MessageStatus.SENT,
            source=SOURCE,
            only_from=[MessageStatus.SENDING],
            fields={"providerMessageId": provider_message_id, "sentAt": now_iso()},
        )
        metrics.add_metric(name="MessagesSent", unit="Count", value=1)
        logger.info("message sent", extra={"message_id": claimed.id, "to": mask_recipient(claimed.recipient_details)})
        if sent is None:
            # A receipt got there first (SES events carry our id and the send time): nothing to add.
            logger.info("receipt recorded before SENT", extra={"message_id": claimed.id})
        return MessageStatus.SENT

    def _record_failure(self, message: Message, error: ProviderError) -> MessageStatus:
        if error.retryable:
            self._messages.transition(
                message.org_id,
                message.id,
                MessageStatus.QUEUED,
                source=SOURCE,
                detail=error.code,
                only_from=[MessageStatus.SENDING],
                fields=lease_fields(message.id, self._requeue_seconds),
            )
            raise DeliveryDeferredError(f"provider unavailable ({error.code}); will retry")
        self._settlement.fail(
            message.org_id,
            message.id,
            code=error.code,
            reason=error.message,
            source=SOURCE,
            only_from=[MessageStatus.SENDING],
        )
        return MessageStatus.FAILED
