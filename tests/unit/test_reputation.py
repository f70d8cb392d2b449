"""The email bounce and complaint rates as counters over windows, and their thresholds."""

from decimal import Decimal

import pytest

from sendme.domain.clock import now_iso
from sendme.domain.messages import Message, MessageStatus, StatusEvent
from sendme.domain.reputation import EmailOutcome, EmailTally, EmailWindows, ReputationThresholds, is_first_outcome
from tests.factories import sms_message

THRESHOLDS = ReputationThresholds(window=1000, max_bounce_rate=Decimal("0.05"), max_complaint_rate=Decimal("0.001"))


def test_reputation_a_new_tenant_counts_the_rest_of_its_window_as_clean():
    # 50 hard bounces in its first 60 emails: 5% of a window of 1,000, not past the threshold
    assert THRESHOLDS.breach(EmailWindows(EmailTally(emails=60, bounces=50))) is None
    assert THRESHOLDS.breach(EmailWindows(EmailTally(emails=60, bounces=51))) is not None


def test_reputation_complaints_past_one_in_a_thousand_breach():
    assert THRESHOLDS.breach(EmailWindows(EmailTally(emails=900, complaints=1))) is None
    reason = THRESHOLDS.breach(EmailWindows(EmailTally(emails=900, complaints=2)))
    assert reason == "complaint rate 0.20% over the last 1,000 emails (threshold 0.10%)"


def test_reputation_previous_window_counts_for_the_share_still_in_the_last_1000():
    # Given a full previous window with 80 bounces (8%) and 500 clean emails since
    windows = EmailWindows(current=EmailTally(emails=500), previous=EmailTally(emails=1000, bounces=80))
    # Then half of it is still inside the last 1,000: 40 bounces, 4%
    assert windows.rates(1000) == (Decimal("0.04"), Decimal(0))
    assert THRESHOLDS.breach(windows) is None


@pytest.mark.parametrize(
    ("outcome", "first", "counts"),
    [
        (EmailOutcome.DELIVERED, True, EmailTally(emails=1)),
        (EmailOutcome.DELIVERED, False, EmailTally()),
        (EmailOutcome.BOUNCED, True, EmailTally(emails=1, bounces=1)),
        (EmailOutcome.BOUNCED, False, EmailTally()),
        (EmailOutcome.COMPLAINED, False, EmailTally(complaints=1)),
        (EmailOutcome.COMPLAINED, True, EmailTally(emails=1, complaints=1)),
    ],
)
def test_reputation_an_email_counts_once_on_its_first_outcome(outcome, first, counts):
    assert outcome.counts(first) == counts


def test_reputation_first_outcome_is_a_move_out_of_sent():
    def moved(*statuses: MessageStatus) -> Message:
        return sms_message(history=[StatusEvent(status=s, at=now_iso(), source="t") for s in statuses])

    assert is_first_outcome(moved(MessageStatus.SENT, MessageStatus.DELIVERED))
    assert is_first_outcome(moved(MessageStatus.SENDING, MessageStatus.UNDELIVERED))
    assert not is_first_outcome(moved(MessageStatus.DELIVERED, MessageStatus.READ))
