"""Status changes -> one queued delivery per endpoint that wants the event.

Fed by the messages table's stream, filtered to messages of organisations with webhooks
(decision 33): a change is the message after it and the status before it.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sendme.contracts.webhooks import WebhookEvent
from sendme.domain.messages import Message, MessageStatus
from sendme.domain.webhooks import EVENT_OF_STATUS, WebhookDelivery
from sendme.observability import logger, metrics
from sendme.outbound.webhooks import WebhookQueue
from sendme.storage.webhooks import WebhookRepository


@dataclass(frozen=True)
class StatusChange:
    message: Message
    # None: the message was just stored (an inbound message is born RECEIVED).
    previous: MessageStatus | None


class WebhookEvents:
    def __init__(self, endpoints: WebhookRepository, queue: WebhookQueue, clock: Callable[[], float] = time.time):
        self._endpoints = endpoints
        self._queue = queue
        self._clock = clock

    def publish(self, changes: Sequence[StatusChange]) -> int:
        """Queue the deliveries of every change that makes an event; returns how many."""
        by_org: dict[str, list[StatusChange]] = defaultdict(list)
        for change in changes:
            if change.message.status != change.previous and change.message.status in EVENT_OF_STATUS:
                by_org[change.message.org_id].append(change)
        now = self._clock()
        deliveries: list[WebhookDelivery] = []
        for org_id, org_changes in by_org.items():
            endpoints = self._endpoints.list(org_id)
            for change in org_changes:
                event = WebhookEvent.of(EVENT_OF_STATUS[change.message.status], change.message)
                body = event.model_dump_json(by_alias=True)
                deliveries.extend(
                    WebhookDelivery(
                        org_id=org_id,
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        event_type=event.type,
                        body=body,
                        first_attempt_at=now,
                    )
                    for endpoint in endpoints
                    if endpoint.wants(event.type)
                )
        self._queue.send_all(deliveries)
        if deliveries:
            metrics.add_metric(name="WebhookEventsQueued", unit="Count", value=len(deliveries))
        logger.debug("webhook events queued", extra={"deliveries": len(deliveries)})
        return len(deliveries)
