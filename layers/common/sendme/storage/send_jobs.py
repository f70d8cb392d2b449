"""Send jobs in the accounts table: pk "ORG#<orgId>", sk "SENDJOB#<jobId>"."""

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from sendme.domain.clock import now_iso
from sendme.domain.errors import CreditsInsufficientError
from sendme.domain.send_jobs import SendJob, SendJobStatus
from sendme.storage import keys
from sendme.storage.dynamodb import cancellation_codes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class SendJobRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, job: SendJob) -> None:
        item = {k: v for k, v in job.to_wire().items() if v is not None}
        self._table.put_item(Item={**keys.send_job(job.org_id, job.id), **item})

    def get(self, org_id: str, job_id: str) -> SendJob | None:
        item = self._table.get_item(Key=keys.send_job(org_id, job_id), ConsistentRead=True).get("Item")
        return SendJob.model_validate(item) if item else None

    def reserve(self, job: SendJob, cost: int, recipient_count: int) -> None:
        """Take the job's credits and mark it RESERVED in one transaction, so a retried run
        never charges twice. Raises CreditsInsufficientError when the balance is short."""
        # The resource's client: it serialises plain Python values, as the Table does.
        client, now = self._table.meta.client, now_iso()
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": keys.organization(job.org_id),
                            "UpdateExpression": "SET credits = credits - :cost",
                            "ConditionExpression": "credits >= :cost",
                            "ExpressionAttributeValues": {":cost": cost},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": keys.send_job(job.org_id, job.id),
                            "UpdateExpression": "SET #status = :reserved, reservedCost = :cost, "
                            "recipientCount = :count, updatedAt = :now",
                            "ConditionExpression": "#status = :pending",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":reserved": SendJobStatus.RESERVED.value,
                                ":pending": SendJobStatus.PENDING.value,
                                ":cost": cost,
                                ":count": recipient_count,
                                ":now": now,
                            },
                        }
                    },
                ]
            )
        except ClientError as error:
            if cancellation_codes(error)[:1] == ["ConditionalCheckFailed"]:
                raise CreditsInsufficientError(
                    f"this send costs {cost} credits and the balance does not cover it", details={"required": cost}
                ) from error
            raise

    def update(self, job: SendJob, **fields: Any) -> None:
        names = {f"#f{i}": name for i, name in enumerate([*fields, "updatedAt"])}
        values = {f":f{i}": value for i, value in enumerate([*fields.values(), now_iso()])}
        self._table.update_item(
            Key=keys.send_job(job.org_id, job.id),
            UpdateExpression="SET " + ", ".join(f"{name} = :{name[1:]}" for name in names),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )
