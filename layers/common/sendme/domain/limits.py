"""Request rate limits: a token bucket per organisation, kept as one timestamp.

The bucket follows the generic cell rate algorithm (GCRA): instead of a token count refilled by a
timer, it stores the theoretical arrival time (TAT) of the next request. Each admitted request
moves the TAT one emission interval (a minute / the rate) later; a request is refused while the
TAT lies more than the burst allowance ahead of now. One number per bucket means one
conditional write admits a request, whatever the number of Lambda instances sharing it.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    per_minute: int
    burst: int

    @property
    def interval_ms(self) -> float:
        return 60_000 / self.per_minute


# The IETF RateLimit header fields every answer carries, and Retry-After on a refusal.
RATE_LIMIT_HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After")


@dataclass(frozen=True)
class Allowance:
    """What the bucket says of one request, in the terms of the IETF RateLimit header fields."""

    allowed: bool
    limit: int
    remaining: int
    # Seconds until the bucket is full again.
    reset_seconds: int
    # Seconds until a refused request would be admitted (0 when admitted).
    retry_after_seconds: int

    def headers(self) -> dict[str, str]:
        fields = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        return fields | ({} if self.allowed else {"Retry-After": str(self.retry_after_seconds)})


def admit(tat_ms: int | None, now_ms: int, limit: RateLimit, cost: int = 1) -> tuple[Allowance, int]:
    """The allowance of a request costing `cost` at `now_ms`, and the bucket's TAT after it
    (unchanged when refused)."""
    interval = limit.interval_ms
    tat = max(tat_ms or now_ms, now_ms)
    new_tat = tat + interval * cost
    # The burst is how many requests fit in the bucket: the TAT may run that many intervals ahead.
    allow_at = new_tat - interval * limit.burst
    if allow_at > now_ms:
        refused = Allowance(
            allowed=False,
            limit=limit.burst,
            remaining=0,
            reset_seconds=math.ceil((tat - now_ms) / 1000),
            retry_after_seconds=max(1, math.ceil((allow_at - now_ms) / 1000)),
        )
        return refused, tat
    admitted = Allowance(
        allowed=True,
        limit=limit.burst,
        remaining=min(limit.burst, int((now_ms - allow_at) // interval)),
        reset_seconds=math.ceil((new_tat - now_ms) / 1000),
        retry_after_seconds=0,
    )
    return admitted, math.ceil(new_tat)
