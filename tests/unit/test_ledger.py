"""The credits ledger's pure rules: signed movements and the audit's sums."""

from sendme.domain.leases import ExpiredLease
from sendme.domain.ledger import CauseType, LedgerKind, audit, movement
from sendme.domain.messages import MessageStatus

QUEUE_ID = "SMS-01a24af5-3147-77cf-996a-b39258449722"


def test_movement_reservation_takes_credits_and_the_rest_give_them():
    reserve = movement("org", LedgerKind.RESERVE, 3, CauseType.SEND, QUEUE_ID)
    refund = movement("org", LedgerKind.REFUND, 1, CauseType.MESSAGE, QUEUE_ID[4:])
    assert (reserve.amount, refund.amount) == (-3, 1)


def test_movement_orders_a_send_by_the_uuid_its_queue_id_ends_with():
    assert movement("org", LedgerKind.RESERVE, 3, CauseType.SEND, QUEUE_ID).ordering_id == QUEUE_ID[4:]


def test_audit_balanced_when_the_balance_is_the_sum_of_the_ledger():
    entries = [
        movement("org", LedgerKind.GRANT, 100, CauseType.ADMIN, "a"),
        movement("org", LedgerKind.RESERVE, 2, CauseType.SEND, "s"),
        movement("org", LedgerKind.REFUND, 1, CauseType.MESSAGE, "m"),
    ]
    report = audit("org", 99, entries, [])
    assert report.balanced
    assert report.totals == {
        LedgerKind.GRANT: 100,
        LedgerKind.RESERVE: -2,
        LedgerKind.REFUND: 1,
        LedgerKind.ADJUSTMENT: 0,
    }


def test_audit_unbalanced_when_credits_moved_outside_the_ledger():
    lease = ExpiredLease(
        org_id="org", message_id="m", status=MessageStatus.SENDING, lease_until="2026-01-01T00:00:00.000Z"
    )
    report = audit("org", 107, [movement("org", LedgerKind.GRANT, 100, CauseType.ADMIN, "a")], [lease])
    assert (report.balanced, report.ledger_balance, report.overdue) == (False, 100, [lease])
