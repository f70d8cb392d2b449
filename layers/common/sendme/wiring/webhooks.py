"""Status webhooks: the /api/webhooks function, the stream publisher and the delivery worker."""

from sendme import aws
from sendme.config import get_settings
from sendme.outbound.webhooks import WebhookPoster, WebhookQueue
from sendme.services.webhook_deliveries import WebhookDeliveries
from sendme.services.webhook_delivery import WebhookDeliverer
from sendme.services.webhook_events import WebhookEvents
from sendme.services.webhooks import WebhookService
from sendme.storage.webhook_deliveries import WebhookDeliveryLog
from sendme.storage.webhooks import WebhookRepository
from sendme.wiring import cached
from sendme.wiring.messages import messages


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
def webhook_events() -> WebhookEvents:
    return WebhookEvents(_endpoints(), _queue(), messages())


@cached
def webhook_deliverer() -> WebhookDeliverer:
    poster = WebhookPoster(loopback_only=get_settings().webhook_loopback_only)
    return WebhookDeliverer(_endpoints(), _queue(), poster, _log())
