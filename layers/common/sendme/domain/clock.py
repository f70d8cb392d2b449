"""Timestamps in the API's format: UTC, millisecond precision, "Z" suffix."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return to_iso(utc_now())


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)
