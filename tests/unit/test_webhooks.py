"""Webhook rules without AWS: the signature, the retry schedule and the addresses refused."""

import json
import random

import pytest

from sendme.contracts.webhooks import WebhookEvent
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import MessageStatus
from sendme.domain.webhooks import EventType, checked_url, retry_delay, signature, verify
from sendme.outbound.webhooks import WebhookPoster

from .builders import an_email

SECRET = "whsec_test"
BODY = '{"id":"evt_1","type":"message.sent"}'


def test_signature_verifies_with_its_secret_within_the_tolerance():
    # Given a body signed at t=1,700,000,000
    header = signature(SECRET, 1_700_000_000, BODY)
    # When a receiver checks it 4 minutes later
    # Then it is valid
    assert verify(SECRET, header, BODY, now=1_700_000_240)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("whsec_other", BODY, 1_700_000_000),  # another endpoint's secret
        (SECRET, BODY.replace("sent", "read"), 1_700_000_000),  # a changed body
        (SECRET, BODY, 1_700_000_301),  # replayed after the 300 s tolerance
    ],
)
def test_signature_refuses_another_secret_a_changed_body_or_a_replay(secret: str, body: str, now: int):
    # Given a body signed at t=1,700,000,000
    header = signature(SECRET, 1_700_000_000, BODY)
    # When it is checked with another secret, another body, or too late
    # Then it is refused
    assert not verify(secret, header, body, now=now)


def test_signature_refuses_a_malformed_header():
    assert not verify(SECRET, "v1=abc", BODY)


def test_retry_delay_doubles_from_30_s_to_an_hour_with_jitter_in_its_upper_half():
    # Given a seeded random source
    rng = random.Random(7)
    # When the delays after attempts 1..10 are drawn
    delays = [retry_delay(attempt, rng) for attempt in range(1, 11)]
    # Then each lies between half its ceiling and the ceiling (30 s doubling, capped at 3,600 s)
    ceilings = [min(3600, 30 * 2 ** (attempt - 1)) for attempt in range(1, 11)]
    assert all(ceiling / 2 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings, strict=True))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hooks",
        "http://127.0.0.1:8080/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.1/",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://user:pass@example.com/hooks",
        "https:///hooks",
    ],
)
def test_checked_url_refuses_what_a_deployed_stack_may_not_call(url: str):
    with pytest.raises(RequestInvalidError):
        checked_url(url, loopback_only=False)


def test_checked_url_takes_loopback_http_only_on_the_local_stack():
    # Given the local stack's setting
    # When a test's receiver URL is checked
    # Then it is taken, but another plain-HTTP host still is not
    assert checked_url("http://127.0.0.1:8080/hooks", loopback_only=True) == "http://127.0.0.1:8080/hooks"
    with pytest.raises(RequestInvalidError):
        checked_url("http://example.com/hooks", loopback_only=True)


@pytest.mark.parametrize("address", ["10.0.0.5", "127.0.0.1", "169.254.169.254", "fd00::1", "::ffff:192.168.1.1"])
def test_webhook_poster_refuses_a_host_resolving_to_a_private_address(address: str):
    # Given a public-looking host whose DNS answer points inside
    poster = WebhookPoster(resolver=lambda host, port: [address])
    # When an event is posted to it
    outcome = poster.post("https://hooks.example.com/in", BODY, {})
    # Then no connection is made: the attempt fails as refused
    assert outcome.status_code is None
    assert outcome.reason.startswith("refused")


def test_docs_verification_snippet_accepts_our_signature_and_refuses_a_changed_body():
    # Given the Python snippet docs/api.md gives customers
    from pathlib import Path

    guide = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    section = guide.split("### Verifying a delivery", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(code, namespace)
    snippet_verify = namespace["verify"]
    assert callable(snippet_verify)
    # When it checks a delivery signed as the webhook function signs it, now
    import time

    header = signature(SECRET, int(time.time()), BODY)
    # Then it accepts it, and refuses the same header on another body
    assert snippet_verify(SECRET, header, BODY.encode())
    assert not snippet_verify(SECRET, header, BODY.replace("sent", "read").encode())


def test_webhook_poster_on_the_local_stack_calls_no_other_host_and_resolves_none():
    # Given the local stack's poster, and a resolver that records what it is asked
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.215.14"]

    poster = WebhookPoster(loopback_only=True, resolver=resolver)
    # When an event is posted to a public host
    outcome = poster.post("https://hooks.example.com/in", BODY, {})
    # Then it is refused before any look-up or connection
    assert (outcome.status_code, asked) == (None, [])
    assert outcome.reason.startswith("refused")


def test_public_verify_accepts_the_raw_bytes_a_receiver_reads():
    # Given a delivery signed now, read by a receiver as bytes
    import time

    from sendme.webhooks import SIGNATURE_HEADER
    from sendme.webhooks import verify as public_verify

    header = signature(SECRET, int(time.time()), BODY)
    # When the public helper checks it
    # Then it accepts the body as bytes or text, and refuses a changed or non-UTF-8 body
    assert SIGNATURE_HEADER == "SendMe-Signature"
    assert public_verify(SECRET, header, BODY.encode())
    assert public_verify(SECRET, header, BODY)
    assert not public_verify(SECRET, header, BODY.replace("sent", "read").encode())
    assert not public_verify(SECRET, header, b"\xff" + BODY.encode())


def test_webhook_event_carries_the_messages_metadata_and_engagement():
    # Given a read email sent with metadata
    message = an_email(
        MessageStatus.READ,
        updated_at="2026-12-06T00:00:01.000Z",
        metadata={"orderId": "A-1042"},
        opened_at="2026-12-06T00:00:01.000Z",
    )
    # When its event is made
    data = json.loads(WebhookEvent.of(EventType.READ, message).model_dump_json(by_alias=True))["data"]
    # Then the receiver gets both
    assert (data["metadata"], data["openedAt"], data["clickedAt"]) == ({"orderId": "A-1042"}, message.opened_at, None)
