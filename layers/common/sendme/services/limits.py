"""Who is calling, and may they call now: the request's API key is checked against the stored
keys on every request (so a revoked key stops at once), a suspended organisation is refused,
and every organisation's requests are metered against its rate limit (its own, or the default)."""

from dataclasses import dataclass

from sendme.domain.accounts import Principal
from sendme.domain.errors import OrganizationSuspendedError, RateLimitExceededError, SendMeError
from sendme.domain.limits import Allowance, RateLimit
from sendme.services.authentication import Authenticator
from sendme.storage.rate_limits import RateLimitRepository

REQUESTS = "requests"


@dataclass(frozen=True)
class Admission:
    """Who is calling, the bucket's word on the request (None when it was not metered) and why
    it is refused, if it is."""

    principal: Principal
    allowance: Allowance | None
    refusal: SendMeError | None


class RequestGuard:
    def __init__(self, authenticator: Authenticator, buckets: RateLimitRepository, default: RateLimit) -> None:
        self._authenticator = authenticator
        self._buckets = buckets
        self._default = default

    def admit(self, key: str | None) -> Admission:
        """Raises CredentialsInvalidError for a missing, unknown or revoked key."""
        principal = self._authenticator.authenticate(key)
        if principal.suspended:
            return Admission(
                principal, None, OrganizationSuspendedError("this organisation is suspended; contact support")
            )
        limit = RateLimit(
            per_minute=principal.requests_per_minute or self._default.per_minute,
            burst=principal.request_burst or self._default.burst,
        )
        allowance = self._buckets.take(principal.org_id, REQUESTS, limit)
        if allowance.allowed:
            return Admission(principal, allowance, None)
        refusal = RateLimitExceededError(
            f"at most {limit.per_minute} requests per minute; retry in {allowance.retry_after_seconds} s",
            retry_after=allowance.retry_after_seconds,
        )
        return Admission(principal, allowance, refusal)
