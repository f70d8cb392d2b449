"""Status webhooks: the /api/webhooks function, the stream publisher and the delivery worker.
The API's services load with this module; each worker's loads when first built, so the API
function never imports the publisher (and the messages table's wiring) or the deliverer."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.webhooks import WebhookQueue
from sendme.services.webhook_deliveries import WebhookDeliveries
from sendme.services.webhooks import WebhookService
from sendme.storage.webhook_deliveries import WebhookDeliveryLog
from sendme.storage.webhooks import WebhookRepository
from sendme.wiring import cached

if TYPE_CHECKING:
    from sendme.services.webhook_delivery import WebhookDeliverer
    from sendme.services.webhook_events import WebhookEvents


def _endpoints() -> WebhookRepository:
    return WebhookRepository(aws.dynamodb().Table(get_settings().accounts_table))


def _log() -> WebhookDeliveryLog:
    return WebhookDeliveryLog(aws.dynamodb().Table(get_settings().accounts_table))


def _queue() -> WebhookQueue:
    return WebhookQueue(aws.sqs(), get_settings().webhook_queue_url)


@cached
def webhook_service() -> WebhookService:
    return WebhookService(_endpoints(), loopback_only=get_settings().webhook_loopback_only)


@cached
def webhook_deliveries() -> WebhookDeliveries:
    return WebhookDeliveries(_endpoints(), _log(), _queue())


@cached
def webhook_events() -> "WebhookEvents":
    from sendme.services.webhook_events import WebhookEvents
    from sendme.wiring.messages import messages

    return WebhookEvents(_endpoints(), _queue(), messages())


@cached
def webhook_deliverer() -> "WebhookDeliverer":
    from sendme.outbound.webhooks import WebhookPoster
    from sendme.services.webhook_delivery import WebhookDeliverer

    poster = WebhookPoster(loopback_only=get_settings().webhook_loopback_only)
    return WebhookDeliverer(_endpoints(), _queue(), poster, _log())
