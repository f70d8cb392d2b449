"""Send jobs in the accounts table: pk "ORG#<orgId>", sk "SENDJOB#<jobId>"."""

from typing import TYPE_CHECKING, Any

from sendme.domain.clock import now_iso
from sendme.domain.ledger import CauseType, LedgerKind, movement
from sendme.domain.send_jobs import SendJob, SendJobStatus
from sendme.storage import keys
from sendme.storage.ledger import CreditLedger, TransactItem

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class SendJobRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table
        # Jobs live in the accounts table, beside the balance their credits move.
        self._ledger = CreditLedger(table)

    def add(self, job: SendJob) -> None:
        item = {k: v for k, v in job.to_wire().items() if v is not None}
        self._table.put_item(Item={**keys.send_job(job.org_id, job.id), **item})

    def get(self, org_id: str, job_id: str) -> SendJob | None:
        item = self._table.get_item(Key=keys.send_job(org_id, job_id), ConsistentRead=True).get("Item")
        return SendJob.model_validate(item) if item else None

    def reserve(self, job: SendJob, cost: int, recipient_count: int) -> bool:
        """Take the job's credits (with their ledger entry) and mark it RESERVED in one
        transaction, so a retried run never charges twice. False if the job was no longer
        PENDING (another run reserved it); raises CreditsInsufficientError when the balance is short."""
        reserved = self._change(
            job,
            SendJobStatus.PENDING,
            status=SendJobStatus.RESERVED.value,
            reservedCost=cost,
            recipientCount=recipient_count,
        )
        return self._ledger.record(movement(job.org_id, LedgerKind.RESERVE, cost, CauseType.JOB, job.id), reserved)

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
