"""The sweeper: settles messages whose lease expired, so none waits forever.

What it guarantees, and why it never causes a second send:

- SENDING past its lease: the worker that claimed it is gone (the lease outlasts the worker's
  timeout), and it may have died before or after the provider accepted the message; SNS and
  SES offer no way to ask. Sending again could deliver it twice, so the sweeper never does:
  it ends the message FAILED with `DELIVERY_OUTCOME_UNKNOWN` and refunds it. The recipient may
  still have received it; the API says plainly that nobody knows, and a client may resend.
- QUEUED past its lease: it was handed back after a transient error and the queue has not
  offered it again for longer than SQS's whole retry window (the dead-letter handler normally
  fails it first). No provider has it, so it ends FAILED with `DELIVERY_RETRIES_EXHAUSTED`,
  refunded.

Each settlement is conditional on the lease it read being still in place, so a message that
moved on (sent, or claimed again under a new lease) in the meantime is left alone.
"""

from dataclasses import dataclass

from sendme.domain.clock import now_iso
from sendme.domain.leases import LEASE_UNTIL
from sendme.domain.messages import MessageStatus
from sendme.services.dead_letters import RETRIES_EXHAUSTED
from sendme.services.settlement import Settlement
from sendme.storage.indexes import LeaseIndex

SOURCE = "sweeper"


OUTCOME_UNKNOWN = "DELIVERY_OUTCOME_UNKNOWN"


_SETTLEMENTS = {
    MessageStatus.SENDING: (OUTCOME_UNKNOWN, "The delivery attempt stopped before its outcome was recorded"),
    MessageStatus.QUEUED: (RETRIES_EXHAUSTED, "The provider stayed unavailable; delivery was abandoned"),
}


@dataclass(frozen=True)
class SweepResult:
    settled: int
    skipped: int


class Sweeper:
    def __init__(self, leases: LeaseIndex, settlement: Settlement) -> None:
        self._leases = leases
        self._settlement = settlement

    def sweep(self) -> SweepResult:
        settled = skipped = 0
        for lease in self._leases.expired(before=now_iso()):
            code, reason = _SETTLEMENTS.get(lease.status, ("", ""))
            if code and self._settlement.fail(
                lease.org_id,
                lease.message_id,
                code=code,
                reason=reason,
                source=SOURCE,
                only_from=[lease.status],
                expect={LEASE_UNTIL: lease.lease_until},
            ):
                settled += 1
            else:
                skipped += 1
        return SweepResult(settled=settled, skipped=skipped)
