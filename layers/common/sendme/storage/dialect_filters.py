"""A dialect's status filter as GET /api/messages' query plans: the statuses of ours its words
name (sendme.contracts.dialects.rows_for), each read from its own status partition, and, when
only some of that status's rows are wanted, a condition on the attributes that refine them.

The refinements' attributes (the engagement timestamps, errorCode) are on the status item, so
on byStatus DynamoDB applies the condition (a FilterExpression); a plan on a keys-only index
checks the messages it read, with the table's own rule (status_row)."""

from dataclasses import dataclass, replace
from functools import reduce
from operator import and_, or_

from boto3.dynamodb.conditions import Attr, ConditionBase

from sendme.contracts.dialects import RETRY_EXHAUSTION_CODES, STATUS_TABLE, StatusRow, status_row
from sendme.domain.messages import Message, MessageStatus
from sendme.storage.search import Check, QueryPlan

# Each refinement of the table (sendme.contracts.dialects.REFINEMENTS) as DynamoDB tests it on a
# status item. tests/unit/test_dialect_filters.py holds the two to the same keys.
CONDITIONS: dict[str, ConditionBase] = {
    "unsubscribedAt": Attr("unsubscribedAt").exists(),
    "clickedAt": Attr("clickedAt").exists(),
    "bouncedAt": Attr("bouncedAt").exists(),
    "errorCode *_EXHAUSTED": Attr("errorCode").is_in(sorted(RETRY_EXHAUSTION_CODES)),
}


@dataclass(frozen=True)
class StatusFilter:
    """Read `status`'s partition; keep what `condition` (DynamoDB) or `check` (read items) keeps."""

    status: MessageStatus
    condition: ConditionBase | None = None
    check: Check | None = None

    def applied_to(self, plan: QueryPlan) -> QueryPlan:
        if self.condition is None or self.check is None:
            return plan
        check, earlier = self.check, plan.matches
        return replace(
            plan,
            filter=self.condition if plan.filter is None else plan.filter & self.condition,
            matches=check if earlier is None else (lambda item: earlier(item) and check(item)),
        )


def _row_condition(row: StatusRow, before: list[StatusRow]) -> ConditionBase:
    """A message of the row's status takes it: its refinement holds and no earlier row's does."""
    parts = [CONDITIONS[row.refined_by]] if row.refined_by else []
    parts += [~CONDITIONS[earlier.refined_by] for earlier in before if earlier.refined_by]
    return reduce(and_, parts)


def status_filters(rows: tuple[StatusRow, ...]) -> list[StatusFilter]:
    """One filter per status of ours the rows name, in the table's order."""
    filters = []
    for status in dict.fromkeys(row.ours for row in rows):
        same = [row for row in STATUS_TABLE if row.ours is status]
        wanted = [row for row in same if row in rows]
        if len(wanted) == len(same):
            filters.append(StatusFilter(status))
            continue
        condition = reduce(or_, (_row_condition(row, same[: same.index(row)]) for row in wanted))
        filters.append(StatusFilter(status, condition, _taking(tuple(wanted))))
    return filters


def _taking(rows: tuple[StatusRow, ...]) -> Check:
    """Whether a message read takes one of `rows` (the table's own rule, on the stored message)."""
    return lambda item: status_row(Message.model_validate(item)) in rows
