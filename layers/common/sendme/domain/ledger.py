"""The credits ledger: every movement of an organisation's credits, as an immutable entry.

An entry is written in the same transaction as the balance change it records, so the balance
always equals the sum of the ledger: grants - reservations + refunds (+ adjustments). Each entry
names its cause (a message, a send, a send job or an admin action), and one cause moves credits
of one kind at most once: a retried refund finds its entry already written and changes nothing.
"""

from enum import StrEnum

from sendme.domain.base import CamelModel
from sendme.domain.clock import now_iso
from sendme.domain.leases import ExpiredLease


class LedgerKind(StrEnum):
    GRANT = "GRANT"
    RESERVE = "RESERVE"
    REFUND = "REFUND"
    ADJUSTMENT = "ADJUSTMENT"


class CauseType(StrEnum):
    MESSAGE = "message"
    # A direct send, named by its queue id: its one reservation covers all its messages.
    SEND = "send"
    JOB = "job"
    ADMIN = "admin"


class LedgerEntry(CamelModel):
    org_id: str
    kind: LedgerKind
    # What the movement did to the balance: negative for a reservation.
    amount: int
    cause_type: CauseType
    # Ends in a UUIDv7 (a message, job or admin action id, or a queue id "<channel>-<uuid>"):
    # entries sort by when their cause was created (to the millisecond: a send's reservation and
    # its messages' refunds may tie, in either order).
    cause_id: str
    at: str
    note: str | None = None

    @property
    def ordering_id(self) -> str:
        return self.cause_id[-UUID_LENGTH:]


UUID_LENGTH = 36


def movement(
    org_id: str, kind: LedgerKind, amount: int, cause_type: CauseType, cause_id: str, note: str | None = None
) -> LedgerEntry:
    """An entry for `amount` credits: a reservation takes them, a grant or a refund gives them, an
    adjustment's amount is already signed."""
    signed = -amount if kind is LedgerKind.RESERVE else amount
    return LedgerEntry(
        org_id=org_id, kind=kind, amount=signed, cause_type=cause_type, cause_id=cause_id, at=now_iso(), note=note
    )


class AuditReport(CamelModel):
    """An organisation's balance against its ledger, and its messages overdue for settlement."""

    org_id: str
    balance: int
    totals: dict[LedgerKind, int]
    overdue: list[ExpiredLease]

    @property
    def ledger_balance(self) -> int:
        return sum(self.totals.values())

    @property
    def balanced(self) -> bool:
        return self.balance == self.ledger_balance


def audit(org_id: str, balance: int, entries: list[LedgerEntry], overdue: list[ExpiredLease]) -> AuditReport:
    totals = dict.fromkeys(LedgerKind, 0)
    for entry in entries:
        totals[entry.kind] += entry.amount
    return AuditReport(org_id=org_id, balance=balance, totals=totals, overdue=overdue)
