"""The console's delivery rate: delivered or read over every message whose outcome is known."""

from sendme.contracts.account import delivery_rate
from sendme.domain.messages import MessageStatus as S


def test_delivery_rate_counts_only_messages_whose_outcome_is_known():
    assert delivery_rate({S.DELIVERED: 2, S.READ: 1, S.FAILED: 1, S.SENT: 50, S.QUEUED: 9}) == 0.75


def test_delivery_rate_is_unknown_before_any_outcome():
    assert delivery_rate({S.SENT: 3}) is None
