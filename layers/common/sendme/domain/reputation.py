"""An organisation's email reputation: its bounce and complaint rates over its last emails, kept
as counters, and the thresholds past which its email sending is suspended (decision 20).

The counters form tumbling windows of `window` emails: the current one and the one before. The
rate over the last `window` emails is estimated from both, the previous window weighted by the
share of it still inside the last `window` emails (the sliding-window estimate rate limiters
use), and always divided by `window`: an organisation that has sent fewer counts the rest as
clean, so a few early bounces cannot suspend a new tenant.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sendme.domain.messages import Message, MessageStatus


class EmailOutcome(StrEnum):
    """What an SES receipt says of one email, as the rates count it."""

    # Delivered, opened, clicked, or a soft (transient) bounce: an email, not a bounce.
    DELIVERED = "delivered"
    # A hard (permanent) bounce: an email and a bounce, as SES's own bounce rate counts it.
    BOUNCED = "bounced"
    # A recipient marked it as spam: a complaint.
    COMPLAINED = "complained"

    def counts(self, first: bool) -> "EmailTally":
        """What it adds to the counters; `first`: the receipt is the email's first outcome (it moved
        the message on from SENT), so the email is counted once whatever receipts follow."""
        return EmailTally(
            emails=int(first),
            bounces=int(first and self is EmailOutcome.BOUNCED),
            complaints=int(self is EmailOutcome.COMPLAINED),
        )


def is_first_outcome(moved: Message) -> bool:
    """Whether the transition that produced `moved` took it out of SENDING or SENT."""
    return len(moved.history) >= 2 and moved.history[-2].status in (MessageStatus.SENDING, MessageStatus.SENT)


@dataclass(frozen=True)
class EmailTally:
    emails: int = 0
    bounces: int = 0
    complaints: int = 0

    def __bool__(self) -> bool:
        return bool(self.emails or self.bounces or self.complaints)


@dataclass(frozen=True)
class EmailWindows:
    """The current window's counts and the previous (full) window's."""

    current: EmailTally = EmailTally()
    previous: EmailTally = EmailTally()

    def rates(self, window: int) -> tuple[Decimal, Decimal]:
        """(bounce rate, complaint rate) over the last `window` emails."""
        still_inside = Decimal(max(0, window - self.current.emails)) / window
        bounces = self.current.bounces + self.previous.bounces * still_inside
        complaints = self.current.complaints + self.previous.complaints * still_inside
        return bounces / window, complaints / window


@dataclass(frozen=True)
class ReputationThresholds:
    window: int
    max_bounce_rate: Decimal
    max_complaint_rate: Decimal

    def breach(self, windows: EmailWindows) -> str | None:
        """Why sending must stop (the rate past its threshold), or None."""
        bounce_rate, complaint_rate = windows.rates(self.window)
        if bounce_rate > self.max_bounce_rate:
            return (
                f"bounce rate {bounce_rate:.1%} over the last {self.window:,} emails"
                f" (threshold {self.max_bounce_rate:.1%})"
            )
        if complaint_rate > self.max_complaint_rate:
            return (
                f"complaint rate {complaint_rate:.2%} over the last {self.window:,} emails"
                f" (threshold {self.max_complaint_rate:.2%})"
            )
        return None
