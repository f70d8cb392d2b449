import itertools

import pytest

from sendme.models import MessageStatus as S
from sendme.status import SETTLED, TRANSITIONS, can_transition, sources_of


@pytest.mark.parametrize(
    ("current", "late"),
    [(S.DELIVERED, S.SENT), (S.DELIVERED, S.SENDING), (S.SENT, S.QUEUED), (S.READ, S.DELIVERED), (S.FAILED, S.SENT)],
)
def test_status_never_moves_backwards(current, late):
    assert not can_transition(current, late)


def test_status_happy_path_is_allowed():
    path = [S.QUEUED, S.SENDING, S.SENT, S.DELIVERED, S.READ]
    assert all(can_transition(a, b) for a, b in itertools.pairwise(path))


def test_status_claim_is_only_from_queued():
    assert sources_of(S.SENDING) == {S.QUEUED}


def test_status_every_unsettled_status_can_reach_a_settled_one():
    for status in set(TRANSITIONS) - SETTLED:
        assert TRANSITIONS[status] & (SETTLED | {S.QUEUED, S.SENDING}), status
