"""The messages table and its counters, the send jobs, the delivery queues, and the settlement every
failing path shares."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.storage.counters import MessageCounters
from sendme.storage.messages import MessageRepository
from sendme.wiring.accounts import ledger

if TYPE_CHECKING:
    from sendme.outbound.queues import DeliveryQueue
    from sendme.services.settlement import Settlement
    from sendme.storage.send_jobs import SendJobRepository


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


def send_jobs() -> "SendJobRepository":
    # Loaded when built: the send jobs' rules (audiences, templates) are not every function's.
    from sendme.storage.send_jobs import SendJobRepository

    return SendJobRepository(aws.dynamodb().Table(get_settings().accounts_table))


# Each loads when built: a function that only reads messages never imports what settles or
# queues them (decision 26).
def settlement() -> "Settlement":
    from sendme.services.settlement import Settlement

    return Settlement(messages())


def delivery_queue() -> "DeliveryQueue":
    from sendme.outbound.queues import DeliveryQueue

    settings = get_settings()
    return DeliveryQueue(
        aws.sqs(), settings.delivery_queue_url, priority_queue_url=settings.priority_delivery_queue_url
    )
