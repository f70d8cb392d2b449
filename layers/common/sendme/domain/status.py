"""The message status state machine: which status may follow which.

A transition is only ever written with a condition that the current status is one of the
allowed sources, so a late, duplicate or out-of-order event can never move a message
backwards: the table below is a precedence order (QUEUED < SENDING < SENT < DELIVERED/UNDELIVERED
< READ, with FAILED and CANCELED final), and every receipt only ever moves a message forwards.
Applying any set of receipts in any order therefore ends in the same status as applying them
in the order they happened.
"""

from collections.abc import Iterable
from typing import Any

from sendme.domain.clock import now_iso
from sendme.domain.messages import Message, StatusEvent
from sendme.domain.messages import MessageStatus as S

# What a provider receipt may report once the provider has taken a message.
_RECEIPTED = frozenset({S.DELIVERED, S.UNDELIVERED, S.READ, S.FAILED})


TRANSITIONS: dict[S, frozenset[S]] = {
    # SCHEDULED -> FAILED: a scheduled send whose write failed part-way is failed and refunded.
    S.SCHEDULED: frozenset({S.QUEUED, S.CANCELED, S.FAILED}),
    S.QUEUED: frozenset({S.SENDING, S.CANCELED, S.FAILED}),
    # SENDING -> QUEUED hands a message back to the queue after a transient provider error.
    # A receipt may overtake the worker's own SENT write (SES events carry our message id).
    S.SENDING: frozenset({S.SENT, S.QUEUED}) | _RECEIPTED,
    S.SENT: _RECEIPTED | {S.RECEIVED},
    S.DELIVERED: frozenset({S.READ, S.RECEIVED}),
    S.RECEIVED: frozenset({S.READ}),
    S.UNDELIVERED: frozenset(),
    S.FAILED: frozenset(),
    S.READ: frozenset(),
    S.CANCELED: frozenset(),
}


# Statuses a message may rest in for good: the provider has taken it or it will never be sent.
SETTLED: frozenset[S] = frozenset({S.SENT, S.DELIVERED, S.UNDELIVERED, S.FAILED, S.READ, S.RECEIVED, S.CANCELED})


def can_transition(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]


def sources_of(target: S, among: Iterable[S] | None = None) -> frozenset[S]:
    """Every status from which `target` may be reached (optionally limited to `among`)."""
    candidates = TRANSITIONS if among is None else among
    return frozenset(status for status in candidates if target in TRANSITIONS[status])


def advanced(message: Message, target: S, *, source: str, detail: str | None = None, **changes: Any) -> Message:
    """`message` moved on to `target` as the next version, its event appended (not stored)."""
    if not can_transition(message.status, target):
        raise ValueError(f"a {message.status} message cannot become {target}")
    now = now_iso()
    event = StatusEvent(status=target, at=now, source=source, detail=detail)
    history = [*message.history, event]
    updates = {"status": target, "updated_at": now, "history": history, "version": message.version + 1}
    return message.model_copy(update=updates | changes)
