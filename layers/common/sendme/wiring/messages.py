"""The messages table and its counters, the send jobs, the delivery queues, and the settlement every
failing path shares."""

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.queues import DeliveryQueue
from sendme.services.settlement import Settlement
from sendme.storage.counters import MessageCounters
from sendme.storage.messages import MessageRepository
from sendme.storage.send_jobs import SendJobRepository
from sendme.wiring.accounts import ledger


def counters() -> MessageCounters:
    return MessageCounters(aws.dynamodb().Table(get_settings().accounts_table))


def messages() -> MessageRepository:
    settings = get_settings()
    return MessageRepository(
        aws.dynamodb().Table(settings.messages_table),
        counters(),
        ledger(),
        queued_lease_seconds=settings.queued_lease_seconds,
    )


def send_jobs() -> SendJobRepository:
    return SendJobRepository(aws.dynamodb().Table(get_settings().accounts_table))


def settlement() -> Settlement:
    return Settlement(messages())


def delivery_queue() -> DeliveryQueue:
    settings = get_settings()
    return DeliveryQueue(
        aws.sqs(), settings.delivery_queue_url, priority_queue_url=settings.priority_delivery_queue_url
    )
