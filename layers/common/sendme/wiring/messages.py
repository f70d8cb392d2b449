"""The messages table and its counters, and the settlement every failing path shares."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.settlement import Settlement
from sendme.storage.counters import MessageCounters
from sendme.storage.messages import MessageRepository
from sendme.wiring.accounts import ledger


def counters() -> MessageCounters:
    return MessageCounters(aws.dynamodb().Table(get_settings().accounts_table))


def messages() -> MessageRepository:
    return MessageRepository(aws.dynamodb().Table(get_settings().messages_table), counters(), ledger())


def settlement() -> Settlement:
    return Settlement(messages())
