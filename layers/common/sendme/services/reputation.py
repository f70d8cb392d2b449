"""Automatic email suspension (decision 20): every email receipt updates the organisation's
counters, and the one that takes its bounce or complaint rate past a threshold suspends its
email; the worker then fails (and refunds) the organisation's queued emails instead of sending
them. An operator lifts it (sendme-admin resume-email), which starts the counters afresh."""

import time
from collections.abc import Callable
from typing import Any

from sendme.domain.clock import now_iso
from sendme.domain.errors import ProviderError
from sendme.domain.messages import Message
from sendme.domain.reputation import EmailTally, ReputationThresholds
from sendme.observability import logger, metrics
from sendme.outbound.providers import EmailProvider
from sendme.storage.accounts import AccountRepository
from sendme.storage.reputation import EmailTallies

EMAIL_SUSPENDED = "EMAIL_SUSPENDED"


class EmailReputation:
    def __init__(self, tallies: EmailTallies, accounts: AccountRepository, thresholds: ReputationThresholds) -> None:
        self._tallies = tallies
        self._accounts = accounts
        self._thresholds = thresholds

    def record(self, org_id: str, counts: EmailTally) -> None:
        """Count one receipt; suspend the organisation's email if a rate is now past its threshold."""
        if not counts:
            return
        windows = self._tallies.add(org_id, counts, self._thresholds.window)
        reason = self._thresholds.breach(windows)
        if reason and self._accounts.suspend_email(org_id, now_iso(), reason):
            logger.warning("email sending suspended", extra={"org_id": org_id, "reason": reason})
            metrics.add_metric(name="EmailSendingSuspended", unit="Count", value=1)

    def summary(self, org_id: str) -> dict[str, Any]:
        """The rates as judged now, for an operator (sendme-admin show-org)."""
        windows = self._tallies.get(org_id)
        bounce_rate, complaint_rate = windows.rates(self._thresholds.window)
        return {
            "window": self._thresholds.window,
            "emails": min(self._thresholds.window, windows.current.emails + windows.previous.emails),
            "bounceRate": float(round(bounce_rate, 4)),
            "complaintRate": float(round(complaint_rate, 5)),
            "maxBounceRate": float(self._thresholds.max_bounce_rate),
            "maxComplaintRate": float(self._thresholds.max_complaint_rate),
        }

    def resume(self, org_id: str) -> None:
        """Serve the organisation's email again, its counters started afresh (else the next
        receipt would suspend it again on the same rates)."""
        self._accounts.resume_email(org_id)
        self._tallies.clear(org_id)


class SuspendableEmail:
    """The email provider, refusing an organisation whose email is suspended: its emails already
    queued end FAILED and refunded rather than go out. The suspension is read at most once per
    organisation every `ttl_seconds` per worker (one GetItem), not once per email."""

    name = EmailProvider.name

    def __init__(
        self,
        provider: EmailProvider,
        accounts: AccountRepository,
        ttl_seconds: float = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._provider = provider
        self._accounts = accounts
        self._ttl = ttl_seconds
        self._clock = clock
        self._suspended: dict[str, tuple[float, bool]] = {}

    def send(self, message: Message, sender_id: str | None = None) -> str:
        if self._is_suspended(message.org_id):
            raise ProviderError(
                "the organisation's email sending is suspended (bounce or complaint rate)",
                code=EMAIL_SUSPENDED,
                retryable=False,
            )
        return self._provider.send(message, sender_id)

    def _is_suspended(self, org_id: str) -> bool:
        read_at, suspended = self._suspended.get(org_id, (float("-inf"), False))
        if self._clock() - read_at >= self._ttl:
            organization = self._accounts.get_organization(org_id)
            suspended = bool(organization and organization.email_suspended_at)
            self._suspended[org_id] = (self._clock(), suspended)
        return suspended
