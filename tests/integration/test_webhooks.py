"""Status webhooks against moto: the API, the stream publisher and a real receiver on 127.0.0.1."""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from devstack.streams import StreamPoller, filter_patterns, streams_client
from sendme.domain.clock import to_iso
from sendme.domain.ids import new_id
from sendme.domain.webhooks import SIGNATURE_HEADER, EndpointStatus, WebhookDelivery, verify
from tests.integration.conftest import _drainer
from tests.integration.helpers import SPEC_SMS_BODY, auth, organization, queued
from tests.webhook_receiver import Receiver, webhook_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


@pytest.fixture
def publish(stack: Stack, lambdas: LocalLambdas) -> Callable[[], int]:
    """Run WebhookEventsFunction over the messages stream as its filtered event source would;
    returns how many stream records it read."""
    table = boto3.client("dynamodb").describe_table(TableName=stack.ref("MessagesTable"))["Table"]
    ((_, event),) = stack.template.events("DynamoDB")
    poller = StreamPoller(
        streams_client(),
        table["LatestStreamArn"],
        100,
        filter_patterns(event),
        lambda records: lambdas.invoke("WebhookEventsFunction", records),
    )

    def run() -> int:
        read = 0
        while batch := poller.poll_once():
            read += batch
        return read

    return run


@pytest.fixture
def deliver_webhooks(stack: Stack, lambdas: LocalLambdas) -> Any:
    return _drainer(stack, lambdas, "WebhookQueue", "WebhookDeliveryFunction")


def create_webhook(api: Client, key: str, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = api.post(
        "/api/webhooks", json={"url": url, "events": events or ["message.sent", "message.failed"]}, headers=auth(key)
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def send_sms(api: Client, key: str) -> None:
    response = api.post(
        "/api/messages/sms/contacts", json={**SPEC_SMS_BODY, "contacts": ["3001234567"]}, headers=auth(key)
    )
    assert response.status_code == 201, response.get_json()


def test_webhooks_api_shows_the_secret_only_when_created(api: Client, receiver: Receiver):
    # Given an organisation
    _, key = organization(credits=10)
    # When it creates a webhook, then reads it back
    created = create_webhook(api, key, receiver.url)
    read = api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).get_json()
    # Then the creation answer held the secret, and no later read does
    assert created["secret"].startswith("whsec_")
    assert "secret" not in read
    assert read["status"] == "ENABLED"
    assert "secret" not in json.dumps(api.get("/api/webhooks", headers=auth(key)).get_json())


@pytest.mark.parametrize(
    ("url", "events"),
    [
        ("http://example.com/hooks", ["message.sent"]),  # not HTTPS
        ("https://10.0.0.7/hooks", ["message.sent"]),  # a private address
        ("https://169.254.169.254/latest", ["message.sent"]),  # the instance metadata service
        ("https://example.com/hooks", ["message.opened"]),  # an unknown event type
        ("https://example.com/hooks", []),  # no event type
    ],
)
def test_webhooks_api_refuses_a_url_or_events_it_cannot_serve(api: Client, url: str, events: list[str]):
    # Given an organisation
    _, key = organization(credits=10)
    # When it asks for a webhook to a URL a deployed stack may not call, or for no known event
    response = api.post("/api/webhooks", json={"url": url, "events": events}, headers=auth(key))
    # Then it is a 400, and nothing is stored
    assert response.status_code == 400, response.get_json()
    assert api.get("/api/webhooks", headers=auth(key)).get_json() == {"data": []}


def test_webhooks_api_deleting_the_last_endpoint_clears_the_organisation_flag(api: Client, receiver: Receiver):
    # Given an organisation with one webhook
    org_id, key = organization(credits=10)
    created = create_webhook(api, key, receiver.url)
    # When it deletes it
    response = api.delete(f"/api/webhooks/{created['id']}", headers=auth(key))
    # Then its sends no longer carry the flag that feeds the webhook pipeline
    assert response.status_code == 204
    assert organization_flag(org_id) is None
    assert api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).status_code == 404


def organization_flag(org_id: str) -> Any:
    from sendme.wiring.accounts import account_service

    found = account_service()._accounts.get_organization(org_id)
    assert found is not None
    return found.webhooks


def test_webhook_delivery_posts_a_signed_list_item_to_a_real_receiver(
    api: Client, drain: Any, publish: Any, deliver_webhooks: Any, receiver: Receiver
):
    # Given an organisation with a webhook for message.sent
    _, key = organization(credits=10)
    secret = create_webhook(api, key, receiver.url)["secret"]
    # When it sends an SMS, the worker sends it and the stream's changes are published and delivered
    send_sms(api, key)
    drain()
    publish()
    deliver_webhooks()
    # Then the receiver got one message.sent event, signed with the endpoint's secret
    (received,) = receiver.received
    assert verify(secret, received.headers[SIGNATURE_HEADER], received.body)
    event = json.loads(received.body)
    assert event["type"] == "message.sent"
    # and its data is the message exactly as GET /api/messages lists it now
    (listed,) = api.get("/api/messages", headers=auth(key)).get_json()["data"]
    assert event["data"] == listed


def test_webhook_events_none_for_an_organisation_without_webhooks(stack: Stack, api: Client, drain: Any, publish: Any):
    # Given an organisation with no webhook
    _, key = organization(credits=10)
    # When it sends an SMS that the worker sends
    send_sms(api, key)
    drain()
    # Then its status changes pass the stream (INSERT, SENDING, SENT) but none makes a delivery:
    # the event source's filter drops them, so on AWS no function is even invoked
    assert publish() >= 3
    assert queued(stack, "WebhookQueue") == 0


def delayed(stack: Stack) -> int:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=stack.ref("WebhookQueue"), AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessagesDelayed"])


def test_webhook_delivery_failure_is_queued_again_after_a_backoff(
    stack: Stack, api: Client, drain: Any, publish: Any, deliver_webhooks: Any
):
    with webhook_receiver(500) as failing:
        # Given a webhook whose receiver answers 500
        _, key = organization(credits=10)
        created = create_webhook(api, key, failing.url)
        send_sms(api, key)
        drain()
        publish()
        # When its first attempt is made
        deliver_webhooks()
        # Then the endpoint shows the failure, and the next attempt waits on the queue, delayed
        endpoint = api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).get_json()
        assert (endpoint["lastStatusCode"], endpoint["status"]) == (500, "ENABLED")
        assert endpoint["failingSince"] is not None
        assert len(failing.received) == 1
        assert delayed(stack) == 1
        assert deliver_webhooks() == 0  # not offered before its delay


class RecordingQueue:
    """Stands for the webhook queue where a test plays the delays itself."""

    def __init__(self) -> None:
        self.sent: list[tuple[WebhookDelivery, int]] = []

    def send_all(self, deliveries: list[WebhookDelivery], delay_seconds: int = 0) -> None:
        self.sent.extend((delivery, delay_seconds) for delivery in deliveries)


def test_webhook_delivery_retried_with_growing_delays_reaches_the_receiver_once(
    api: Client, drain: Any, publish: Any, receiver: Receiver
):
    # Given an event whose receiver fails 3 times, then answers 200
    _, key = organization(credits=10)
    created = create_webhook(api, key, receiver.url)
    receiver.answers.extend([500, 503, 502])
    send_sms(api, key)
    drain()
    publish()
    (delivery,) = taken_deliveries(stack_queue_url())
    retries = RecordingQueue()
    now = delivery.first_attempt_at
    # When each attempt is made once its backoff is over
    for attempt in range(1, 5):
        deliverer_at(datetime.fromtimestamp(now, UTC), queue=retries).deliver(delivery)
        if len(retries.sent) < attempt:
            break
        delivery = retries.sent[-1][0]
        now = delivery.not_before + 1
    # Then the receiver got the one event four times (one id) and answered 200 the last time
    assert len(receiver.received) == 4
    assert len({r.headers["SendMe-Event-Id"] for r in receiver.received}) == 1
    assert len(retries.sent) == 3
    # after delays that grow (30 s, 60 s, 120 s ceilings, each with jitter in its upper half)
    delays = [delay for _, delay in retries.sent]
    assert [15 <= delays[0] <= 30, 30 <= delays[1] <= 60, 60 <= delays[2] <= 120] == [True] * 3
    endpoint = api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).get_json()
    assert endpoint["failingSince"] is None


def stack_queue_url() -> str:
    from sendme.config import get_settings

    return get_settings().webhook_queue_url


def taken_deliveries(queue_url: str) -> list[WebhookDelivery]:
    """Take every visible delivery off the webhook queue."""
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [WebhookDelivery.model_validate_json(message["Body"]) for message in messages]


def failing_delivery(org_id: str, endpoint_id: str, *, first_attempt_at: float) -> WebhookDelivery:
    return WebhookDelivery(
        org_id=org_id,
        endpoint_id=endpoint_id,
        event_id="evt_1",
        event_type="message.sent",
        body="{}",
        attempt=20,
        first_attempt_at=first_attempt_at,
    )


def deliverer_at(now: datetime, queue: Any = None) -> Any:
    """The webhook worker's deliverer with its clock at `now` (and, given one, another queue)."""
    from sendme.wiring.webhooks import webhook_deliverer

    real = webhook_deliverer()
    return type(real)(real._endpoints, queue or real._queue, real._poster, real._log, clock=now.timestamp)


def test_webhook_delivery_given_up_after_24_hours_of_failures(stack: Stack, api: Client):
    with webhook_receiver(500) as failing:
        # Given a delivery first tried almost 24 h ago, to a receiver still failing
        org_id, key = organization(credits=10)
        created = create_webhook(api, key, failing.url)
        now = datetime(2026, 3, 1, tzinfo=UTC)
        first = (now - timedelta(hours=24) + timedelta(seconds=10)).timestamp()
        # When it is tried once more
        deliverer_at(now).deliver(failing_delivery(org_id, created["id"], first_attempt_at=first))
        # Then it is not queued again, and the endpoint counts it failed
        assert queued(stack, "WebhookQueue") == 0
        endpoint = api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).get_json()
        assert endpoint["failedDeliveries"] == 1


def test_webhook_endpoint_failing_for_3_days_is_disabled_and_the_organisation_sees_it(stack: Stack, api: Client):
    from sendme.wiring.webhooks import webhook_service

    with webhook_receiver(500) as failing:
        # Given an endpoint whose every delivery has failed for 3 days
        org_id, key = organization(credits=10)
        created = create_webhook(api, key, failing.url)
        now = datetime(2026, 3, 4, 0, 1, tzinfo=UTC)
        endpoints = webhook_service()._endpoints
        stored = endpoints.get(org_id, created["id"])
        assert stored is not None
        endpoints.put(stored.model_copy(update={"failing_since": to_iso(now - timedelta(days=3, minutes=1))}))
        # When one more delivery fails
        deliverer_at(now).deliver(failing_delivery(org_id, created["id"], first_attempt_at=now.timestamp()))
        # Then the endpoint is disabled (its owner reads why in its data), nothing is retried,
        # and the organisation's next messages no longer feed the webhook pipeline
        endpoint = api.get(f"/api/webhooks/{created['id']}", headers=auth(key)).get_json()
        assert endpoint["status"] == EndpointStatus.DISABLED
        assert endpoint["disabledAt"] == to_iso(now)
        assert queued(stack, "WebhookQueue") == 0
        assert organization_flag(org_id) is None


def test_template_webhook_queue_outlasts_six_delivery_function_timeouts(stack: Stack):
    # A record in flight must not be offered to a second invocation while the first still runs.
    timeout = stack.template.function_timeout("WebhookDeliveryFunction")
    assert stack.template.of_type("AWS::SQS::Queue")["WebhookQueue"]["VisibilityTimeout"] >= 6 * timeout


@pytest.mark.parametrize(
    ("image", "passes"),
    [
        ({"webhooks": {"BOOL": True}, "status": {"S": "DELIVERED"}}, True),
        ({"webhooks": {"BOOL": True}, "status": {"S": "SENDING"}}, False),  # makes no event
        ({"status": {"S": "DELIVERED"}}, False),  # an organisation without webhooks
    ],
)
def test_template_messages_stream_filter_passes_only_flagged_messages_in_an_event_status(
    stack: Stack, image: dict[str, Any], passes: bool
):
    from devstack.streams import matches

    ((_, event),) = stack.template.events("DynamoDB")
    record = {"eventName": "MODIFY", "dynamodb": {"NewImage": image}}
    assert any(matches(pattern, record) for pattern in filter_patterns(event)) is passes


def deliveries(api: Client, key: str, endpoint_id: str, query: str = "") -> dict[str, Any]:
    response = api.get(f"/api/webhooks/{endpoint_id}/deliveries{query}", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def given_up(org_id: str, endpoint_id: str, now: datetime) -> WebhookDelivery:
    """A delivery to a failing receiver, given up at `now` (its 24 h were nearly over)."""
    delivery = failing_delivery(
        org_id, endpoint_id, first_attempt_at=(now - timedelta(hours=24, seconds=-10)).timestamp()
    )
    deliverer_at(now).deliver(delivery)
    return delivery


def test_webhook_deliveries_show_a_given_up_delivery_failed_with_its_attempts_and_last_code(
    api: Client, drain: Any, publish: Any
):
    with webhook_receiver(500, 503) as failing:
        # Given an event whose receiver fails its first attempt
        _, key = organization(credits=10)
        created = create_webhook(api, key, failing.url)
        send_sms(api, key)
        drain()
        publish()
        (delivery,) = taken_deliveries(stack_queue_url())
        retries = RecordingQueue()
        deliverer_at(datetime.fromtimestamp(delivery.first_attempt_at, UTC), queue=retries).deliver(delivery)
        (pending,) = deliveries(api, key, created["id"])["data"]
        assert (pending["status"], pending["attempts"], pending["lastResponseCode"]) == ("PENDING", 1, 500)
        # When its next attempt, 24 h later, fails too
        later = datetime.fromtimestamp(delivery.first_attempt_at + 24 * 3600, UTC)
        deliverer_at(later, queue=retries).deliver(retries.sent[-1][0])
        # Then the delivery is listed FAILED, with both attempts and the last answer
        (failed,) = deliveries(api, key, created["id"])["data"]
        assert failed == {
            "id": delivery.id,
            "eventId": delivery.event_id,
            "eventType": "message.sent",
            "status": "FAILED",
            "attempts": 2,
            "lastResponseCode": 503,
            "lastAttemptAt": to_iso(later),
        }


def test_webhook_delivery_retry_queues_a_failed_delivery_that_then_succeeds_once(
    stack: Stack, api: Client, receiver: Receiver
):
    # Given a delivery given up after its receiver failed (it answers 200 now)
    org_id, key = organization(credits=10)
    created = create_webhook(api, key, receiver.url)
    receiver.answers.append(500)
    delivery = given_up(org_id, created["id"], datetime(2026, 3, 1, tzinfo=UTC))
    # When the customer retries it
    response = api.post(f"/api/webhooks/{created['id']}/deliveries/{delivery.id}/retry", headers=auth(key))
    # Then it is queued again at once, with a fresh 24 h, and its next attempt succeeds
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["status"] == "PENDING"
    (requeued,) = taken_deliveries(stack_queue_url())
    assert (requeued.id, requeued.attempt, requeued.body) == (delivery.id, 1, delivery.body)
    assert requeued.first_attempt_at > delivery.first_attempt_at
    deliverer_at(datetime.now(UTC)).deliver(requeued)
    assert [r.headers["SendMe-Event-Id"] for r in receiver.received] == [delivery.event_id] * 2
    (succeeded,) = deliveries(api, key, created["id"])["data"]
    assert (succeeded["status"], succeeded["attempts"], succeeded["lastResponseCode"]) == ("SUCCEEDED", 2, 200)
    assert queued(stack, "WebhookQueue") == 0


def test_webhook_delivery_retry_refuses_a_delivery_that_succeeded(api: Client, receiver: Receiver):
    # Given a delivery its receiver accepted
    org_id, key = organization(credits=10)
    created = create_webhook(api, key, receiver.url)
    delivery = failing_delivery(org_id, created["id"], first_attempt_at=datetime.now(UTC).timestamp())
    deliverer_at(datetime.now(UTC)).deliver(delivery)
    # When the customer retries it
    response = api.post(f"/api/webhooks/{created['id']}/deliveries/{delivery.id}/retry", headers=auth(key))
    # Then it is refused: only a FAILED delivery is sent again
    assert response.status_code == 409
    assert len(receiver.received) == 1


def test_webhook_deliveries_of_another_organisation_are_not_found(stack: Stack, api: Client):
    with webhook_receiver(500) as failing:
        # Given another organisation's given-up delivery
        org_id, key = organization(credits=10)
        created = create_webhook(api, key, failing.url)
        delivery = given_up(org_id, created["id"], datetime(2026, 3, 1, tzinfo=UTC))
        _, other_key = organization(credits=10)
        # When this organisation lists or retries it
        listed = api.get(f"/api/webhooks/{created['id']}/deliveries", headers=auth(other_key))
        retried = api.post(f"/api/webhooks/{created['id']}/deliveries/{delivery.id}/retry", headers=auth(other_key))
        unknown = api.post(f"/api/webhooks/{created['id']}/deliveries/nope/retry", headers=auth(key))
        # Then neither exists for it (nor does an unknown delivery for its owner), and nothing is queued
        assert (listed.status_code, retried.status_code, unknown.status_code) == (404, 404, 404)
        assert queued(stack, "WebhookQueue") == 0


def test_webhook_deliveries_list_newest_first_a_page_at_a_time(api: Client, receiver: Receiver):
    # Given three deliveries made one after the other
    org_id, key = organization(credits=10)
    created = create_webhook(api, key, receiver.url)
    made = []
    for millis in range(3):
        delivery = failing_delivery(org_id, created["id"], first_attempt_at=datetime.now(UTC).timestamp())
        # Ids a millisecond apart: within one, a UUIDv7's order is random.
        delivery = delivery.model_copy(update={"id": new_id(1_770_000_000_000 + millis)})
        deliverer_at(datetime.now(UTC)).deliver(delivery)
        made.append(delivery.id)
    # When they are listed two at a time
    first = deliveries(api, key, created["id"], "?limit=2")
    second = deliveries(api, key, created["id"], f"?limit=2&cursor={first['meta']['nextCursor']}")
    # Then the newest comes first and the second page holds the rest
    assert [d["id"] for d in first["data"] + second["data"]] == made[::-1]
    assert (first["meta"]["hasNextPage"], second["meta"]["hasNextPage"]) == (True, False)
