"""GET /api/webhooks/{id}/deliveries and the retry of a FAILED delivery (decision 36)."""

import time
from collections.abc import Callable

from sendme.contracts.contacts import ContactPageMeta
from sendme.contracts.webhooks import DeliveryPage, DeliveryQuery, DeliveryView
from sendme.domain.errors import WebhookDeliveryNotFoundError, WebhookDeliveryNotRetryableError, WebhookNotFoundError
from sendme.domain.webhooks import DeliveryStatus, EndpointStatus, WebhookDelivery, WebhookEndpoint
from sendme.outbound.webhooks import WebhookQueue
from sendme.storage.webhook_deliveries import WebhookDeliveryLog
from sendme.storage.webhooks import WebhookRepository


class WebhookDeliveries:
    def __init__(
        self,
        endpoints: WebhookRepository,
        log: WebhookDeliveryLog,
        queue: WebhookQueue,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._endpoints = endpoints
        self._log = log
        self._queue = queue
        self._clock = clock

    def list(self, org_id: str, endpoint_id: str, query: DeliveryQuery) -> DeliveryPage:
        self._endpoint(org_id, endpoint_id)
        read = self._log.page(org_id, endpoint_id, query.limit, query.cursor)
        meta = ContactPageMeta(
            limit=query.limit, has_next_page=read.next_cursor is not None, next_cursor=read.next_cursor
        )
        return DeliveryPage(data=[DeliveryView.of(record) for record in read.items], meta=meta)

    def retry(self, org_id: str, endpoint_id: str, delivery_id: str) -> DeliveryView:
        """Queue a FAILED delivery again now, with a fresh RETRY_WINDOW of attempts."""
        endpoint = self._endpoint(org_id, endpoint_id)
        record = self._log.get(org_id, endpoint_id, delivery_id)
        if record is None:
            raise WebhookDeliveryNotFoundError(f"no delivery {delivery_id}")
        if endpoint.status is not EndpointStatus.ENABLED:
            # The worker drops what a disabled endpoint would get: it would stay PENDING for nothing.
            raise WebhookDeliveryNotRetryableError("the webhook is disabled: enable it before retrying")
        if record.status is not DeliveryStatus.FAILED or record.body is None or not self._log.reopen(record, org_id):
            raise WebhookDeliveryNotRetryableError(f"delivery {delivery_id} is {record.status}: only FAILED is retried")
        delivery = WebhookDelivery(
            id=record.id,
            org_id=org_id,
            endpoint_id=endpoint_id,
            event_id=record.event_id,
            event_type=record.event_type,
            body=record.body,
            first_attempt_at=self._clock(),
        )
        self._queue.send_all([delivery])
        return DeliveryView.of(record.model_copy(update={"status": DeliveryStatus.PENDING}))

    def _endpoint(self, org_id: str, endpoint_id: str) -> WebhookEndpoint:
        endpoint = self._endpoints.get(org_id, endpoint_id)
        if endpoint is None:
            raise WebhookNotFoundError(f"no webhook {endpoint_id}")
        return endpoint
