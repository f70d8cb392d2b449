"""Leases: how long a status may be held before the sweeper settles the message.

A message carries `leaseUntil` (and a `leaseShard`) only while someone has promised to move it
on: a worker that claimed it (SENDING, for longer than the worker can possibly run) or the
queue that was handed it back (QUEUED, for as long as SQS may take to retry it). The sparse
`byLeaseExpiry` index holds exactly those messages, so the sweeper reads only what expired,
never the whole table.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sendme.domain.clock import to_iso, utc_now
from sendme.domain.messages import MessageStatus

if TYPE_CHECKING:
    pass


LEASE_UNTIL = "leaseUntil"


LEASE_SHARD = "leaseShard"


LEASE_ATTRIBUTES = (LEASE_UNTIL, LEASE_SHARD)


# Message ids end in random hex digits: 16 index partitions spread the lease writes.
SHARDS = tuple(f"{digit:x}" for digit in range(16))


def lease_fields(message_id: str, seconds: int) -> dict[str, str]:
    """The attributes that put a message under a lease expiring `seconds` from now."""
    return {LEASE_UNTIL: to_iso(utc_now() + timedelta(seconds=seconds)), LEASE_SHARD: message_id[-1].lower()}


@dataclass(frozen=True)
class ExpiredLease:
    org_id: str
    message_id: str
    status: MessageStatus
    lease_until: str
