"""Send jobs in the accounts table (pk "ORG#<orgId>", sk "SENDJOB#<jobId>"), and the recipient
list each job freezes before it reserves its credits."""

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from sendme.domain.audiences import Recipient
from sendme.domain.clock import now_iso
from sendme.domain.ids import millis_of, new_id
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.send_jobs import SendJob, SendJobStatus
from sendme.storage import keys
from sendme.storage.dynamodb import is_condition_failure
from sendme.storage.ledger import CreditLedger, TransactItem

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


# A frozen list outlives every try of its job: the send-job queue and its dead-letter queue keep a
# task at most 14 days from its first enqueue, and the abandoning function still reads the list.
RECIPIENT_LIST_DAYS = 15


def _variables(recipient: Recipient) -> list[dict[str, str]]:
    """A templated send's recipient's variables, as the list's fourth place (absent otherwise)."""
    return [dict(recipient.variables)] if recipient.variables is not None else []


class SendJobRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table
        # Jobs live in the accounts table, beside the balance their credits move.
        self._ledger = CreditLedger(table)

    def add(self, job: SendJob) -> None:
        item = {k: v for k, v in job.to_wire().items() if v is not None}
        self._table.put_item(Item={**keys.send_job(job.org_id, job.id), **item})

    def schedule(self, job: SendJob) -> None:
        """Store a SCHEDULED job, its marker in the due-jobs partition and its prepayment (with its
        ledger entry), in one transaction: all or nothing. Raises CreditsInsufficientError when
        the balance does not cover the prepayment."""
        if job.scheduled_at is None:
            raise ValueError(f"send job {job.id} has no time to be scheduled for")
        item = {k: v for k, v in job.to_wire().items() if v is not None}
        marker = keys.due_job(job.scheduled_at, job.org_id, job.id) | {"orgId": job.org_id, "jobId": job.id}
        puts: list[TransactItem] = [
            {"Put": {"TableName": self._table.name, "Item": {**keys.send_job(job.org_id, job.id), **item}}},
            {"Put": {"TableName": self._table.name, "Item": marker}},
        ]
        entry = movement(job.org_id, LedgerKind.RESERVE, job.prepaid, CauseType.SEND, job.queue_id)
        self._ledger.record(entry, *puts)

    def due(self, before: str) -> Iterator[tuple[str, str, str]]:
        """(dueAt, orgId, jobId) of each scheduled job due before `before`, earliest first."""
        arguments: dict[str, Any] = {
            "KeyConditionExpression": Key("pk").eq(keys.DUE_JOBS) & Key("sk").lt(before),
            "ConsistentRead": True,
        }
        while True:
            response = self._table.query(**arguments)
            for item in response["Items"]:
                yield str(item["sk"]).partition("#")[0], str(item["orgId"]), str(item["jobId"])
            if "LastEvaluatedKey" not in response:
                return
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def forget_due(self, due_at: str, org_id: str, job_id: str) -> None:
        """Remove a job's due marker once its task is on the send-job queue (which then owns it)."""
        self._table.delete_item(Key=keys.due_job(due_at, org_id, job_id))

    def get(self, org_id: str, job_id: str) -> SendJob | None:
        item = self._table.get_item(Key=keys.send_job(org_id, job_id), ConsistentRead=True).get("Item")
        return SendJob.model_validate(item) if item else None

    def freeze(self, job: SendJob, chunks: Iterable[Sequence[Recipient]]) -> str:
        """Store the recipients chunk by chunk (one item each), under a new list id: `reserve`
        records the id of the one list it pays for, so lists written by a try that never
        reserved (or a duplicate run) are never read. They expire with the table's TTL."""
        list_id, expires = new_id(), millis_of(job.id) // 1000 + RECIPIENT_LIST_DAYS * 86_400
        for number, chunk in enumerate(chunks):
            # Positional lists: no attribute names repeated 500 times in a billed item.
            recipients = [[r.address, r.country_code, r.contact_id, *_variables(r)] for r in chunk]
            key = keys.send_job_recipients(job.org_id, job.id, list_id, number)
            self._table.put_item(Item={**key, "recipients": recipients, "expiresAt": expires})
        return list_id

    def recipients(self, job: SendJob) -> Iterator[tuple[int, list[Recipient]]]:
        """The job's frozen recipients, chunk by chunk from the first chunk not recorded as done
        (one consistent GetItem each, until the chunk after the last)."""
        if job.recipient_list is None:
            raise ValueError(f"send job {job.id} has reserved no recipient list")
        for number in itertools.count(job.chunks_done):
            key = keys.send_job_recipients(job.org_id, job.id, job.recipient_list, number)
            item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
            if item is None:
                return
            yield number, [Recipient(*fields) for fields in cast("list[list[Any]]", item["recipients"])]

    def reserve(self, job: SendJob, cost: int, recipient_count: int, *, skipped: int, recipient_list: str) -> bool:
        """Take the job's credits (with their ledger entry) and mark it RESERVED, paying for
        `recipient_list`, in one transaction, so a retried run never charges twice. A scheduled
        job takes only what its prepayment does not cover (its surplus is returned when it is
        done). False if the job had moved on from its status (another run reserved it, or it was
        canceled); raises CreditsInsufficientError when the balance is short."""
        reserved = self._change(
            job,
            job.status,
            status=SendJobStatus.RESERVED.value,
            reservedCost=max(cost, job.prepaid),  # as FanOutService._reserve holds it
            recipientCount=recipient_count,
            skipped=skipped,
            recipientList=recipient_list,
        )
        taken = max(0, cost - job.prepaid)
        return self._ledger.record(movement(job.org_id, LedgerKind.RESERVE, taken, CauseType.JOB, job.id), reserved)

    def release(self, job: SendJob, status: SendJobStatus, error_code: str) -> bool:
        """End a job that reserved nothing yet (SCHEDULED or PENDING) in `status`, giving back
        what it prepaid in the same transaction. False if it had moved on from its status: of a
        cancel, a failed fire and an abandoned job, one ends it and refunds, once."""
        change = self._change(job, job.status, status=status.value, errorCode=error_code)
        if not job.prepaid:
            return self._apply(change)
        entry = movement(job.org_id, LedgerKind.REFUND, job.prepaid, CauseType.SEND, job.queue_id, error_code)
        return self._ledger.record(entry, change)

    def settle(self, job: SendJob, status: SendJobStatus, refund: int, **fields: Any) -> bool:
        """End a RESERVED job in `status`, giving back `refund` credits in the same transaction:
        a retry after a crash finds the job settled and refunds nothing. False if it already was."""
        if not refund:
            self.update(job, status=status.value, **fields)  # no money moves: no transaction
            return True
        entry = movement(job.org_id, LedgerKind.REFUND, refund, CauseType.JOB, job.id, fields.get("errorCode"))
        return self._ledger.record(entry, self._change(job, SendJobStatus.RESERVED, status=status.value, **fields))

    def update(self, job: SendJob, **fields: Any) -> None:
        self._table.update_item(**self._assignments(job, fields))

    def finish_chunk(self, job: SendJob, chunk: int) -> None:
        """Record `chunk` done, so a retried run resumes after it. Never backwards: a slower
        duplicate run finishing an earlier chunk leaves the count where the faster one put it."""
        update = self._assignments(job, {"chunksDone": chunk + 1})
        update["ConditionExpression"] = "#done < :done OR attribute_not_exists(#done)"
        update["ExpressionAttributeNames"]["#done"] = "chunksDone"
        update["ExpressionAttributeValues"][":done"] = chunk + 1
        try:
            self._table.update_item(**update)
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    def _apply(self, change: TransactItem) -> bool:
        """A status change that moves no credits, on its own: False if its condition failed."""
        update = {key: value for key, value in change["Update"].items() if key != "TableName"}
        try:
            self._table.update_item(**update)
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def _change(self, job: SendJob, current: SendJobStatus, **fields: Any) -> TransactItem:
        """A transaction item setting `fields` on the job, on condition that it is still `current`."""
        update = self._assignments(job, fields)
        update["ConditionExpression"] = "#current = :current"
        update["ExpressionAttributeNames"]["#current"] = "status"
        update["ExpressionAttributeValues"][":current"] = current.value
        return {"Update": {"TableName": self._table.name, **update}}

    def _assignments(self, job: SendJob, fields: dict[str, Any]) -> dict[str, Any]:
        names = {f"#f{i}": name for i, name in enumerate([*fields, "updatedAt"])}
        values = {f":f{i}": value for i, value in enumerate([*fields.values(), now_iso()])}
        return {
            "Key": keys.send_job(job.org_id, job.id),
            "UpdateExpression": "SET " + ", ".join(f"{name} = :{name[1:]}" for name in names),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
