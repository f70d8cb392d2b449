"""The inbound SMS function."""

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.providers import SmsProvider
from sendme.outbound.queues import DeliveryQueue
from sendme.services import inbound
from sendme.services.dispatch import Dispatcher
from sendme.services.inbound import InboundService
from sendme.storage.indexes import ProviderMessageIndex
from sendme.wiring import cached
from sendme.wiring.accounts import accounts
from sendme.wiring.contacts import contacts, suppressions
from sendme.wiring.messages import messages, settlement


@cached
def inbound_service() -> InboundService:
    settings = get_settings()
    queue = DeliveryQueue(aws.sqs(), settings.delivery_queue_url)
    return InboundService(
        messages(),
        accounts(),
        contacts(),
        suppressions(),
        Dispatcher(queue, settlement(), source=inbound.SOURCE),
        SmsProvider(aws.sns()),
        ProviderMessageIndex(aws.dynamodb().Table(settings.messages_table)),
    )
