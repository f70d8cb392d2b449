"""Leases: how long a status may be held before the sweeper acts on the message.

A message carries `leaseUntil` (and a `leaseShard`) whenever someone has promised to move it
on: from birth, the queue it is to be handed to (QUEUED, for as long as a normal queue wait);
a worker that claimed it (SENDING, for longer than the worker can possibly run); the queue it
was handed back or re-driven to (QUEUED, for as long as SQS may take to retry it); the time it
is scheduled for (SCHEDULED: the sweeper fires it then). `redrives`
counts how often the sweeper put a QUEUED message on the queue again under its current lease.
The sparse `byLeaseExpiry` index holds exactly the leased messages, so the sweeper reads only
what expired, never the whole table.
"""

from dataclasses import dataclass
from datetime import timedelta

from sendme.domain.clock import to_iso, utc_now
from sendme.domain.messages import MessageStatus

LEASE_UNTIL = "leaseUntil"


LEASE_SHARD = "leaseShard"


# A small number, and only on a message the sweeper re-drove: the lease costs few bytes per item.
REDRIVES = "redrives"


# A lease lives only as long as the status it was taken with: a transition drops all three.
LEASE_ATTRIBUTES = (LEASE_UNTIL, LEASE_SHARD, REDRIVES)


# Message ids end in random hex digits: 16 index partitions spread the lease writes.
SHARDS = tuple(f"{digit:x}" for digit in range(16))


def lease_fields(message_id: str, seconds: int) -> dict[str, str]:
    """The attributes that put a message under a lease expiring `seconds` from now."""
    return lease_until(message_id, to_iso(utc_now() + timedelta(seconds=seconds)))


def lease_until(message_id: str, until: str) -> dict[str, str]:
    """The attributes that put a message under a lease expiring at `until` (a SCHEDULED message's
    lease expires when it is due: the sweeper then fires it)."""
    return {LEASE_UNTIL: until, LEASE_SHARD: message_id[-1].lower()}


@dataclass(frozen=True)
class ExpiredLease:
    org_id: str
    message_id: str
    status: MessageStatus
    lease_until: str
