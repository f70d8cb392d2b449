"""GET /api/account and GET /api/activity: the caller's organisation and its recent traffic, what
the console shows beside the messages."""

from datetime import date

from pydantic import Field

from sendme.domain.base import CamelModel
from sendme.domain.messages import MessageStatus

# A message reached its recipient (or was read) against the outcomes that say whether it did.
REACHED = frozenset({MessageStatus.DELIVERED, MessageStatus.READ})
OUTCOMES = REACHED | {MessageStatus.UNDELIVERED, MessageStatus.FAILED}


class AccountView(CamelModel):
    id: str
    name: str
    balance: int = Field(description="The credits left.")
    country: str = Field(description="The home country (ISO 3166-1 alpha-2) national numbers are read in.")
    allowed_countries: list[str] = Field(description="The countries SMS may go to.")
    terms_accepted: bool
    suspended: bool
    email_suspended_at: str | None = Field(
        default=None, description="Set while its email is suspended for its bounce or complaint rate (SMS goes on)."
    )
    email_suspended_reason: str | None = None
    two_way_number: str | None = Field(default=None, description="The number inbound SMS reach it on.")


class ActivityQuery(CamelModel):
    days: int = Field(default=30, ge=1, le=90, description="How many days, today (UTC) included.")


def delivery_rate(by_status: dict[MessageStatus, int]) -> float | None:
    """Delivered (or read) over the messages whose outcome is known; None before any is."""
    known = sum(count for status, count in by_status.items() if status in OUTCOMES)
    reached = sum(count for status, count in by_status.items() if status in REACHED)
    return round(reached / known, 4) if known else None


class DayActivity(CamelModel):
    day: date
    total: int = Field(description="The messages created that day.")
    by_status: dict[MessageStatus, int] = Field(description="Where that day's messages are now, by status.")
    delivery_rate: float | None


class Activity(CamelModel):
    days: list[DayActivity] = Field(description="Oldest first, one per day, days without messages included.")
    delivery_rate: float | None = Field(description="Over every day shown.")
