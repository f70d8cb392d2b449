"""One webhook delivery attempt: sign, POST within 5 s, then retry later, give up, or disable.

A failed attempt goes back on the webhook queue as a new SQS message delayed by the backoff
(SQS delays at most 15 min, so a longer wait is a few hops, each checking `notBefore`). After
24 h of failures the delivery is given up and counted on the endpoint; an endpoint that has
failed every delivery for 3 days is disabled, which its owner sees in its `status` (decision 34).
Each attempt's outcome also updates the delivery's own record, which the API lists (decision 36).
"""

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sendme.domain.clock import to_iso
from sendme.domain.webhooks import (
    RETRY_WINDOW,
    SIGNATURE_HEADER,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    retry_delay,
    signature,
)
from sendme.observability import logger, metrics
from sendme.outbound.webhooks import PostOutcome, WebhookPoster, WebhookQueue
from sendme.storage.webhook_deliveries import WebhookDeliveryLog
from sendme.storage.webhooks import WebhookRepository


class WebhookDeliverer:
    def __init__(
        self,
        endpoints: WebhookRepository,
        queue: WebhookQueue,
        poster: WebhookPoster,
        log: WebhookDeliveryLog,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._endpoints = endpoints
        self._queue = queue
        self._poster = poster
        self._log = log
        self._clock = clock
        self._rng = rng or random.Random()

    def deliver(self, delivery: WebhookDelivery) -> None:
        now = self._clock()
        if delivery.not_before > now:
            self._queue.send_all([delivery], delay_seconds=int(delivery.not_before - now) + 1)
            return
        endpoint = self._endpoints.get(delivery.org_id, delivery.endpoint_id)
        if endpoint is None or not endpoint.wants(delivery.event_type):
            logger.info("webhook delivery dropped: endpoint gone or disabled", extra={"event_id": delivery.event_id})
            return
        outcome = self._poster.post(endpoint.url, delivery.body, self._headers(endpoint, delivery, now))
        if outcome.delivered:
            self._endpoints.record_success(endpoint)
            self._log.record(
                delivery, DeliveryStatus.SUCCEEDED, outcome.status_code, to_iso(datetime.fromtimestamp(now, UTC))
            )
            metrics.add_metric(name="WebhooksDelivered", unit="Count", value=1)
            return
        self._failed(endpoint, delivery, outcome, now)

    def _headers(self, endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: float) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": "SendMe-Webhooks/1",
            SIGNATURE_HEADER: signature(endpoint.secret, int(now), delivery.body),
            "SendMe-Event-Id": delivery.event_id,
        }

    def _failed(self, endpoint: WebhookEndpoint, delivery: WebhookDelivery, outcome: PostOutcome, now: float) -> None:
        moment = datetime.fromtimestamp(now, UTC)
        endpoint = self._endpoints.record_failure(endpoint, to_iso(moment), outcome.status_code)
        logger.warning(
            "webhook attempt failed",
            extra={"event_id": delivery.event_id, "attempt": delivery.attempt, "reason": outcome.reason or None},
        )
        if endpoint.failed_too_long(moment):
            self._endpoints.disable(endpoint, to_iso(moment))
            self._endpoints.refresh_organization(endpoint.org_id)
            self._give_up(endpoint, delivery, outcome, moment, "endpoint disabled")
            return
        delay = retry_delay(delivery.attempt, self._rng)
        if now + delay - delivery.first_attempt_at > RETRY_WINDOW.total_seconds():
            self._give_up(endpoint, delivery, outcome, moment, "retries exhausted")
            return
        self._log.record(delivery, DeliveryStatus.PENDING, outcome.status_code, to_iso(moment))
        retry = delivery.model_copy(update={"attempt": delivery.attempt + 1, "not_before": now + delay})
        self._queue.send_all([retry], delay_seconds=int(delay))

    def _give_up(
        self, endpoint: WebhookEndpoint, delivery: WebhookDelivery, outcome: PostOutcome, moment: datetime, why: str
    ) -> None:
        self._endpoints.record_given_up(endpoint)
        self._log.record(delivery, DeliveryStatus.FAILED, outcome.status_code, to_iso(moment))
        metrics.add_metric(name="WebhooksFailed", unit="Count", value=1)
        logger.warning("webhook delivery given up", extra={"event_id": delivery.event_id, "why": why})
