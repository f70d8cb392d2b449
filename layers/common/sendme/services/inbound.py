"""Inbound SMS: a two-way number's notification -> the organisation's RECEIVED message, and the
keywords that opt its sender out, back in, or ask for help (decisions 31 and 32).

SNS may deliver a notification more than once: the message's id is derived from the provider's
inbound message id (and the time SNS published it), so a redelivery finds it stored and changes
nothing; the same inbound id published again (a new notification) is found by its provider id.
A keyword is acted on before the message is stored, so a crash in between is redone by the
retry; opting out and in again are idempotent, and the HELP answer, a message with an id derived
the same way, is stored and queued at most once.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from sendme.contracts.events import InboundSms, Notification
from sendme.domain.addresses import PhoneNumber, normalize_phone
from sendme.domain.clock import now_iso
from sendme.domain.ids import derived_id
from sendme.domain.messages import Channel, DeliveryTask, Direction, Message, MessageStatus, MessageType, StatusEvent
from sendme.domain.segments import count_segments
from sendme.domain.suppressions import OPTED_OUT, Keyword, keyword_of
from sendme.observability import logger, mask_recipient, metrics
from sendme.outbound.providers import SmsProvider
from sendme.services.dispatch import Dispatcher
from sendme.storage.accounts import AccountRepository
from sendme.storage.contacts import ContactRepository
from sendme.storage.indexes import ProviderMessageIndex
from sendme.storage.messages import MessageRepository
from sendme.storage.suppressions import SuppressionList

SOURCE = "inbound"


@dataclass(frozen=True)
class _Received:
    org_id: str
    sender: PhoneNumber
    number: str
    sms: InboundSms
    millis: int
    contact_id: str | None

    def message(self, message_id: str, status: MessageStatus, content: str, **fields: object) -> Message:
        now = now_iso()
        segments = count_segments(content)
        return Message.model_validate(
            {
                "org_id": self.org_id,
                "id": message_id,
                "channel": Channel.SMS,
                "message_type": MessageType.SMS,
                "content": content,
                "status": status,
                "country_code": self.sender.calling_code,
                "contact_id": self.contact_id,
                "provider": SmsProvider.name,
                "segments": segments.segments,
                "encoding": segments.encoding.value,
                # Its own queue, as a send's messages share theirs: the queueId filter finds it.
                "queue_id": f"sms-{message_id}",
                "created_at": now,
                "updated_at": now,
                "history": [StatusEvent(status=status, at=now, source=SOURCE)],
                **fields,
            }
        )


class InboundService:
    def __init__(
        self,
        messages: MessageRepository,
        accounts: AccountRepository,
        contacts: ContactRepository,
        suppressions: SuppressionList,
        dispatcher: Dispatcher,
        sms: SmsProvider,
        provider_ids: ProviderMessageIndex,
    ) -> None:
        self._messages = messages
        self._accounts = accounts
        self._contacts = contacts
        self._suppressions = suppressions
        self._dispatcher = dispatcher
        self._sms = sms
        self._provider_ids = provider_ids

    def receive_all(self, notifications: Iterable[Notification]) -> int:
        """Store each notification's message; returns how many were new."""
        return sum(self.receive(notification) for notification in notifications)

    def receive(self, notification: Notification) -> bool:
        received = self._received(notification)
        if received is None:
            return False
        message_id = derived_id(received.millis, "inbound", received.sms.inbound_message_id)
        if self._messages.get(received.org_id, message_id) or self._provider_ids.find(received.sms.inbound_message_id):
            logger.info("inbound SMS delivered again; already stored", extra={"message_id": message_id})
            return False
        self._act_on(received, keyword_of(received.sms.message_body))
        inbound = received.message(
            message_id,
            MessageStatus.RECEIVED,
            received.sms.message_body,
            direction=Direction.INBOUND,
            from_=received.sender.e164,
            recipient_details=received.number,
            provider_message_id=received.sms.inbound_message_id,
        )
        added = bool(self._messages.add_new([inbound]))
        if added:
            metrics.add_metric(name="MessagesReceived", unit="Count", value=1)
        return added

    def _received(self, notification: Notification) -> _Received | None:
        """The notification read and matched to its organisation, or None (logged) when it cannot be."""
        try:
            sms = InboundSms.model_validate_json(notification.body)
        except ValidationError:
            _dropped("unreadable inbound SMS dropped", "InboundUnreadable")
            return None
        sender, number = normalize_phone(sms.origination_number), normalize_phone(sms.destination_number)
        if sender is None or number is None:
            _dropped("inbound SMS without valid numbers dropped", "InboundUnreadable")
            return None
        org_id = self._accounts.org_of_number(number.e164)
        if org_id is None:
            _dropped("inbound SMS to a number of no organisation dropped", "InboundUnknownNumber", number.e164)
            return None
        owners = self._contacts.owners_of(org_id, Channel.SMS, [sender.e164])
        millis = int(notification.published_at.timestamp() * 1000)
        return _Received(org_id, sender, number.e164, sms, millis, owners.get(sender.e164))

    def _act_on(self, received: _Received, keyword: Keyword | None) -> None:
        org_id, sender = received.org_id, received.sender.e164
        if keyword is Keyword.OPT_OUT:
            self._suppressions.add(org_id, sender, OPTED_OUT)
            metrics.add_metric(name="SmsOptOuts", unit="Count", value=1)
        elif keyword is Keyword.OPT_IN:
            self._suppressions.remove(org_id, sender, only_reason=OPTED_OUT)
            # SNS keeps an account-wide list of its own: a number on it gets nothing until opted in.
            self._sms.opt_in(sender)
        elif keyword is Keyword.HELP:
            self._answer_help(received)

    def _answer_help(self, received: _Received) -> None:
        organization = self._accounts.get_organization(received.org_id)
        if organization is None:
            return
        reply_id = derived_id(received.millis, "help", received.sms.inbound_message_id)
        # Free (cost 0: no credits move) and never screened: a HELP is answered even after a STOP.
        reply = received.message(
            reply_id,
            MessageStatus.QUEUED,
            organization.help_reply(),
            from_=received.number,
            recipient_details=received.sender.e164,
        )
        if self._messages.add_new([reply]):
            self._dispatcher.dispatch([DeliveryTask(org_id=received.org_id, message_id=reply_id)])


def _dropped(reason: str, metric: str, number: str | None = None) -> None:
    logger.warning(reason, extra={"to": mask_recipient(number)} if number else None)
    metrics.add_metric(name=metric, unit="Count", value=1)
