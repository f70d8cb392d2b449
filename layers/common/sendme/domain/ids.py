"""Time-ordered identifiers.

Message ids are UUIDv7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, so ids
sort by creation time as strings. The messages table uses the id as its sort key, which makes
"newest first" and date ranges key conditions instead of filters.
"""

import hashlib
import os
import time
import uuid
from datetime import UTC, datetime

_TIMESTAMP_MASK = (1 << 48) - 1


def new_id(now_ms: int | None = None) -> str:
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    return _uuid7(millis, int.from_bytes(os.urandom(10), "big"))


def derived_id(now_ms: int, *parts: str) -> str:
    """A UUIDv7 whose random bits hash `parts`: the same parts always give the same id, so a
    retried fan-out rebuilds the ids it wrote before instead of writing new ones."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return _uuid7(now_ms, int.from_bytes(digest[:10], "big"))


def millis_of(identifier: str) -> int:
    """The creation time (Unix milliseconds) a UUIDv7 carries in its first 48 bits."""
    return uuid.UUID(identifier).int >> 80


def _uuid7(millis: int, random_bits: int) -> str:
    millis &= _TIMESTAMP_MASK
    rand_a = (random_bits >> 62) & 0xFFF
    rand_b = random_bits & ((1 << 62) - 1)
    version, variant = 0x7, 0b10
    value = (millis << 80) | (version << 76) | (rand_a << 64) | (variant << 62) | rand_b
    return str(uuid.UUID(int=value))


def _bound(moment: datetime, fill: str) -> str:
    return _bound_at(int(moment.timestamp() * 1000), fill)


def _bound_at(millis: int, fill: str) -> str:
    head = f"{millis & _TIMESTAMP_MASK:012x}"
    return f"{head[:8]}-{head[8:]}-{fill * 4}-{fill * 4}-{fill * 12}"


def ids_of_millisecond(millis: int) -> tuple[str, str]:
    """The smallest and the largest id a message created in that Unix millisecond can have."""
    return _bound_at(millis, "0"), _bound_at(millis, "f")


def lowest_id_at(moment: datetime) -> str:
    """The smallest id any message created at `moment` (or later) can have."""
    return _bound(moment, "0")


def highest_id_at(moment: datetime) -> str:
    """The largest id any message created at `moment` (or earlier) can have."""
    return _bound(moment, "f")


def created_at_of(message_id: str) -> datetime:
    """When a message was created, read back from its UUIDv7 id (millisecond precision)."""
    return datetime.fromtimestamp(int(message_id.replace("-", "")[:12], 16) / 1000, UTC)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
