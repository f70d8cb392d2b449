"""Delivery: claim -> provider send -> record the outcome.

The claim (QUEUED -> SENDING, conditional) makes a duplicate or redelivered queue message a
no-op. A transient provider error hands the message back (SENDING -> QUEUED) and raises, so
SQS retries it; a permanent one ends it FAILED and refunds its credits.
"""

from .clock import now_iso
from .errors import ProviderError, SendMeError
from .models import Channel, DeliveryTask, Message, MessageStatus
from .observability import logger, mask_recipient, metrics
from .providers import EmailProvider, SmsProvider
from .repositories import AccountRepository, MessageRepository

SOURCE = "worker"


class DeliveryDeferredError(SendMeError):
    """The provider could not take the message now; the queue will offer it again."""


class DeliveryService:
    def __init__(
        self,
        messages: MessageRepository,
        accounts: AccountRepository,
        sms: SmsProvider,
        email: EmailProvider,
    ) -> None:
        self._messages = messages
        self._accounts = accounts
        self._providers: dict[Channel, SmsProvider | EmailProvider] = {Channel.SMS: sms, Channel.EMAIL: email}

    def deliver(self, task: DeliveryTask) -> MessageStatus | None:
        """Deliver one message; returns its new status, or None if there was nothing to do."""
        claimed = self._messages.transition(
            task.org_id, task.message_id, MessageStatus.SENDING, source=SOURCE, only_from=[MessageStatus.QUEUED]
        )
        if claimed is None:
            logger.info("message already claimed or settled", extra={"message_id": task.message_id})
            return None
        try:
            provider_message_id = self._providers[claimed.channel].send(claimed, claimed.sender_id)
        except ProviderError as error:
            return self._record_failure(claimed, error)
        self._messages.transition(
            claimed.org_id,
            claimed.id,
            MessageStatus.SENT,
            source=SOURCE,
            only_from=[MessageStatus.SENDING],
            fields={"providerMessageId": provider_message_id, "sentAt": now_iso()},
        )
        metrics.add_metric(name="MessagesSent", unit="Count", value=1)
        logger.info("message sent", extra={"message_id": claimed.id, "to": mask_recipient(claimed.recipient_details)})
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
            )
            raise DeliveryDeferredError(f"provider unavailable ({error.code}); will retry")
        failed = self._messages.transition(
            message.org_id,
            message.id,
            MessageStatus.FAILED,
            source=SOURCE,
            detail=error.code,
            only_from=[MessageStatus.SENDING],
            fields={"errorCode": error.code, "errorMessage": error.message},
        )
        if failed:
            self._accounts.add_credits(message.org_id, message.cost)
        metrics.add_metric(name="MessagesFailed", unit="Count", value=1)
        logger.warning("message failed", extra={"message_id": message.id, "code": error.code})
        return MessageStatus.FAILED
