"""The status state machine: receipts in any order converge, nothing ever moves backwards."""

import itertools
from functools import reduce

import pytest

from sendme.domain.messages import MessageStatus as S
from sendme.domain.status import SETTLED, TRANSITIONS, can_transition, sources_of


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


# What the worker and the provider report for one message, for each way a delivery can end.
OUTCOMES = {
    "delivered and opened": [S.SENT, S.DELIVERED, S.READ, S.READ],
    "delivered, complained about": [S.SENT, S.DELIVERED, S.DELIVERED],
    "bounced": [S.SENT, S.UNDELIVERED],
    "rejected by the provider": [S.SENT, S.FAILED],
    "delivered twice over (duplicate receipts)": [S.SENT, S.DELIVERED, S.DELIVERED, S.SENT],
}


def apply(current: S, reported: S) -> S:
    """What a conditional transition does: move if allowed, else leave the message as it is."""
    return reported if can_transition(current, reported) else current


@pytest.mark.parametrize("events", OUTCOMES.values(), ids=OUTCOMES.keys())
def test_status_receipts_in_any_order_converge_to_the_same_status(events: list[S]):
    # Given the events of one delivery, from a message the worker has claimed
    in_order = reduce(apply, events, S.SENDING)
    # When they arrive in every possible order
    finals = {reduce(apply, order, S.SENDING) for order in itertools.permutations(events)}
    # Then every order ends where the in-order sequence ends
    assert finals == {in_order}


@pytest.mark.parametrize("final", [S.FAILED, S.UNDELIVERED, S.READ, S.CANCELED])
def test_status_final_statuses_have_no_way_out(final: S):
    assert TRANSITIONS[final] == frozenset()


def test_status_machine_has_no_cycle_but_the_hand_back_to_the_queue():
    # Given the table without SENDING -> QUEUED (a worker's hand-back, never a receipt)
    edges = {status: set(targets) for status, targets in TRANSITIONS.items()}
    edges[S.SENDING].discard(S.QUEUED)

    def reachable(start: S) -> set[S]:
        seen: set[S] = set()
        frontier = [start]
        while frontier:
            for target in edges[frontier.pop()] - seen:
                seen.add(target)
                frontier.append(target)
        return seen

    # Then no status can be reached again from itself: precedence is a strict order
    assert all(status not in reachable(status) for status in TRANSITIONS)
