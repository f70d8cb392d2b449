"""Delivery: claim a batch -> provider sends -> record the outcomes.

Guarantee: the provider is called at most once per message, and every message ends in a final
status (or, for a few minutes, under a lease the sweeper will settle).

- The claim (QUEUED -> SENDING) is one conditional write per message, on its status being
  QUEUED, that returns the message as it now is (MessageRepository.transition): nothing is read
  before it. A duplicate or redelivered queue message finds its message claimed or done and
  sends nothing, and of two workers racing for a message exactly one claim is stored.
- The claim carries a lease (`delivery_lease_seconds`, longer than the worker's timeout, so a
  worker still alive never outlives its lease). A worker that dies after claiming leaves its
  messages SENDING, sent or not; their redelivered queue messages find them claimed and send
  nothing, and once the lease expires the sweeper settles them (see sendme.services.sweeper).
- The outcomes are written for the batch at once too, under the same condition. One that is
  refused means a receipt moved the message on first (SES events carry our message id), and
  the receipt's status stands.
- The worker starts no provider call when less than `reserve_millis` of its Lambda's time is
  left: the messages not yet sent are handed back (`DELIVERY_OUT_OF_TIME`), unsent, rather than
  the worker being killed mid-batch with them claimed.
- A transient provider error hands the message back (SENDING -> QUEUED, under a lease as long
  as SQS may take to retry it) and its queue message goes back to the queue; after the last
  receive the dead-letter handler fails it. A permanent error ends it FAILED and refunds it.

A message costs its claim (a single-item write: half a transaction's units, and no read,
decision 38); a batch, one outcome write (a transaction of up to 100 items) and the counter
updates, instead of a conditional update and its counters per message.
"""

from collections.abc import Callable, Iterable

from sendme.domain.clock import now_iso
from sendme.domain.errors import ProviderError
from sendme.domain.leases import lease_fields
from sendme.domain.messages import Channel, DeliveryTask, Message, MessageStatus
from sendme.domain.status import advanced
from sendme.observability import logger, mask_recipient, metrics
from sendme.outbound.providers import Provider
from sendme.services.settlement import Settlement
from sendme.storage.messages import MessageRepository, Replacement

SOURCE = "worker"


# Why a claimed message went back to the queue unsent: the worker failed on an earlier one...
INTERRUPTED = "DELIVERY_INTERRUPTED"


# ...or its Lambda had too little time left to send it.
OUT_OF_TIME = "DELIVERY_OUT_OF_TIME"


class DeliveryService:
    def __init__(
        self,
        messages: MessageRepository,
        settlement: Settlement,
        sms: Provider,
        email: Provider,
        *,
        lease_seconds: int,
        requeue_seconds: int,
        reserve_millis: int = 0,
    ) -> None:
        self._messages = messages
        self._settlement = settlement
        self._providers: dict[Channel, Provider] = {Channel.SMS: sms, Channel.EMAIL: email}
        self._lease_seconds = lease_seconds
        self._requeue_seconds = requeue_seconds
        self._reserve_millis = reserve_millis

    def deliver_all(self, tasks: Iterable[DeliveryTask], remaining_millis: Callable[[], int] | None = None) -> set[str]:
        """Deliver a batch of queue messages; returns the ids of the messages handed back to the
        queue (a transient provider error, or too little time left), whose queue messages must
        be offered again. `remaining_millis` is the Lambda's time left."""
        outcomes: list[Replacement] = []
        # The claims and the outcomes move the counters once, together, at the end of the batch.
        with self._messages.counted_together():
            claimed = self._claim(list(dict.fromkeys((task.org_id, task.message_id) for task in tasks)))
            unsent = claimed
            try:
                while unsent and not (remaining_millis and remaining_millis() < self._reserve_millis):
                    if outcome := self._send(unsent[0]):
                        outcomes.append(outcome)
                    unsent = unsent[1:]
                outcomes += [self._hand_back(message, OUT_OF_TIME) for message in unsent]
                unsent = []
            finally:
                # After an unexpected error only the message being sent may have reached the provider:
                # it stays SENDING, for the sweeper. The ones after it never did: back to the queue.
                outcomes += [self._hand_back(message, INTERRUPTED) for message in unsent[1:]]
                self._record(outcomes)
        return {outcome.after.id for outcome in outcomes if outcome.after.status is MessageStatus.QUEUED}

    def _record(self, outcomes: list[Replacement]) -> None:
        late = {outcome.after.id for outcome in self._messages.replace_all(outcomes)}
        for message_id in late:
            logger.info("receipt recorded before the outcome", extra={"message_id": message_id})
        sent = sum(1 for outcome in outcomes if outcome.after.status is MessageStatus.SENT)
        if sent:
            metrics.add_metric(name="MessagesSent", unit="Count", value=sent)

    def _claim(self, keys: list[tuple[str, str]]) -> list[Message]:
        """Claim each message with one conditional write that returns it (QUEUED -> SENDING under
        the worker's lease): no read before it, since the condition alone decides who sends."""
        claimed = []
        for org_id, message_id in keys:
            message = self._messages.transition(
                org_id,
                message_id,
                MessageStatus.SENDING,
                source=SOURCE,
                fields=lease_fields(message_id, self._lease_seconds),
                only_from=[MessageStatus.QUEUED],
            )
            if message is None:
                logger.info("message already claimed or settled", extra={"message_id": message_id})
                continue
            claimed.append(message)
        return claimed

    def _send(self, message: Message) -> Replacement | None:
        """Call the provider; the outcome to store, or None once a permanent error settled it."""
        try:
            provider_message_id = self._providers[message.channel].send(message, message.sender_id)
        except ProviderError as error:
            if error.retryable:
                return self._hand_back(message, error.code)
            self._settlement.fail(
                message.org_id,
                message.id,
                code=error.code,
                reason=error.message,
                source=SOURCE,
                only_from=[MessageStatus.SENDING],
            )
            return None
        logger.info("message sent", extra={"message_id": message.id, "to": mask_recipient(message.recipient_details)})
        sent = advanced(
            message, MessageStatus.SENT, source=SOURCE, provider_message_id=provider_message_id, sent_at=now_iso()
        )
        return Replacement(message, sent)

    def _hand_back(self, message: Message, reason: str) -> Replacement:
        queued = advanced(message, MessageStatus.QUEUED, source=SOURCE, detail=reason)
        return Replacement(message, queued, lease_fields(message.id, self._requeue_seconds))
