"""Status webhooks on the local stack: a real receiver on 127.0.0.1 gets each signed event."""

import json
import time
from typing import Any

import pytest

from sendme.domain.webhooks import SIGNATURE_HEADER, verify
from tests.webhook_receiver import Receiver, webhook_receiver

from .tenants import new_tenant


def wait_for_events(receiver: Receiver, count: int, seconds: float = 20) -> float:
    """Seconds until the receiver holds `count` events."""
    started = time.monotonic()
    while len(receiver.received) < count and time.monotonic() - started < seconds:
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.mark.devstack_only(
    "the receiver listens on the test's own 127.0.0.1, which sam local's containers do not share"
)
def test_webhooks_an_sms_sent_then_delivered_reaches_a_real_receiver_signed(local_stack: dict[str, Any]):
    with webhook_receiver() as receiver:
        # Given an organisation with a webhook for message.sent and message.delivered
        tenant = new_tenant(local_stack, "--accept-terms")
        created = tenant.api.post(
            "/api/webhooks", {"url": receiver.url, "events": ["message.sent", "message.delivered"]}
        ).json()
        # When it sends an SMS, which the stack sends and then receipts as delivered
        sent = tenant.api.post(
            "/api/messages/sms/contacts",
            {"message": "Hola", "contacts": ["3001234567"], "type": "SMS", "country": "CO"},
        )
        assert sent.status_code == 201, sent.text
        first = wait_for_events(receiver, 1)
        latency = first + wait_for_events(receiver, 2)
        # Then the receiver got message.sent then message.delivered, each signed with the secret
        assert [json.loads(r.body)["type"] for r in receiver.received] == ["message.sent", "message.delivered"], latency
        assert all(verify(created["secret"], r.headers[SIGNATURE_HEADER], r.body) for r in receiver.received)
        assert json.loads(receiver.received[-1].body)["data"]["status"] == "DELIVERED"
        print(f"local stack webhook latency: message.sent {first:.2f} s, message.delivered {latency:.2f} s")
