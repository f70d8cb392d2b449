"""Status changes -> one queued delivery per endpoint that wants the event.

Fed by the messages table's stream, filtered to messages of organisations with webhooks
(decision 33): a change is the message's status item after it and the status before it; the
message's content (its own item, decision 23) is joined only for the changes that make an event.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sendme.contracts.webhooks import WebhookEvent
from sendme.domain.messages import Message, MessageStatus
from sendme.domain.webhooks import EVENT_OF_STATUS, WebhookDelivery
from sendme.observability import logger, metrics
from sendme.outbound.webhooks import WebhookQueue
from sendme.storage.messages import MessageRepository
from sendme.storage.webhooks import WebhookRepository


@dataclass(frozen=True)
class StatusChange:
    # The message's status item as the stream holds it.
    item: Mapping[str, Any]
    status: MessageStatus
    # None: the message was just stored (an inbound message is born RECEIVED).
    previous: MessageStatus | None


class WebhookEvents:
    def __init__(
        self,
        endpoints: WebhookRepository,
        queue: WebhookQueue,
        messages: MessageRepository,
        clock: Callable[[], float] = time.time,
    ):
        self._endpoints = endpoints
        self._queue = queue
        self._messages = messages
        self._clock = clock

    def publish(self, changes: Sequence[StatusChange]) -> int:
        """Queue the deliveries of every change that makes an event; returns how many."""
        eventful = [c for c in changes if c.status != c.previous and c.status in EVENT_OF_STATUS]
        by_org: dict[str, list[Message]] = defaultdict(list)
        for message in self._messages.join([change.item for change in eventful]):
            by_org[message.org_id].append(message)
        now = self._clock()
        deliveries: list[WebhookDelivery] = []
        for org_id, messages in by_org.items():
            endpoints = self._endpoints.list(org_id)
            for message in messages:
                event = WebhookEvent.of(EVENT_OF_STATUS[message.status], message)
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
