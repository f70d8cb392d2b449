"""The webhook queue, and the HTTP client that POSTs an event to a customer's endpoint.

The client resolves the host itself, refuses any address a deployed stack must not reach
(private, loopback, link-local such as the instance metadata service) and connects to the very
address it checked, so a DNS answer that changes between the check and the connection cannot
point it inside (decision 34). TLS still verifies the certificate against the URL's host name.
"""

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sendme.domain.webhooks import TIMEOUT_SECONDS, WebhookDelivery, is_public

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

SQS_BATCH_LIMIT = 10
# SQS's longest DelaySeconds.
MAX_DELAY_SECONDS = 900

Resolver = Callable[[str, int], list[str]]
LOOPBACK = "127.0.0.1"


class WebhookQueue:
    def __init__(self, client: "SQSClient", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send_all(self, deliveries: Sequence[WebhookDelivery], delay_seconds: int = 0) -> None:
        """Queue every delivery; raises if SQS refuses any (the caller's record is then retried)."""
        for start in range(0, len(deliveries), SQS_BATCH_LIMIT):
            entries = [
                {
                    "Id": str(position),
                    "MessageBody": delivery.model_dump_json(by_alias=True),
                    "DelaySeconds": min(MAX_DELAY_SECONDS, max(0, delay_seconds)),
                }
                for position, delivery in enumerate(deliveries[start : start + SQS_BATCH_LIMIT])
            ]
            failed = self._client.send_message_batch(QueueUrl=self._queue_url, Entries=entries).get("Failed", [])  # type: ignore[arg-type]
            if failed:
                raise RuntimeError(f"SQS refused {len(failed)} webhook deliveries: {failed[0].get('Code')}")


@dataclass(frozen=True)
class PostOutcome:
    """The receiver's status code, or None when there was no answer; `reason` for the logs."""

    status_code: int | None
    reason: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class AddressRefusedError(Exception):
    """The URL's host resolves to an address a deployed stack may not call."""


def resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, the certificate verified against the URL's host."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class WebhookPoster:
    def __init__(
        self, *, loopback_only: bool = False, resolver: Resolver = resolve, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self._loopback_only = loopback_only
        self._resolve = resolver
        self._timeout = timeout

    def post(self, url: str, body: str, headers: Mapping[str, str]) -> PostOutcome:
        try:
            connection = self._connection(url)
            parts = urlsplit(url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body.encode(), headers=dict(headers))
            response = connection.getresponse()
            response.read(4096)  # the answer's body is not kept; reading a little frees the socket
            connection.close()
            return PostOutcome(response.status)
        except AddressRefusedError as error:
            return PostOutcome(None, f"refused: {error}")
        except (OSError, http.client.HTTPException) as error:
            return PostOutcome(None, f"{type(error).__name__}: {error}")

    def _connection(self, url: str) -> http.client.HTTPConnection:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if parts.scheme != "https" and not self._loopback_only:
            raise AddressRefusedError("only https:// is called")
        address = self._checked_address(host, port)
        if parts.scheme == "https":
            return _PinnedHTTPSConnection(host, address, port, self._timeout)
        # Plain HTTP only reaches the local stack's loopback receivers (checked_url, _checked_address).
        return http.client.HTTPConnection(address, port, timeout=self._timeout)

    def _checked_address(self, host: str, port: int) -> str:
        if self._loopback_only:
            # The local stack reaches this machine's receivers and nothing else, not even DNS.
            if host != LOOPBACK:
                raise AddressRefusedError(f"the local stack calls only {LOOPBACK}")
            return LOOPBACK
        addresses = self._resolve(host, port)
        if not addresses:
            raise AddressRefusedError(f"{host} does not resolve")
        for address in addresses:
            parsed = ipaddress.ip_address(address.split("%", 1)[0])
            if not is_public(parsed):
                raise AddressRefusedError(f"{host} resolves to a non-public address")
        return addresses[0]
