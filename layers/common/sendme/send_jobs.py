"""Send jobs: an /all or /tags send too large to enqueue within one API request.

The API records the job (PENDING) and posts it to the send-job queue, then answers 202 at
once; the fan-out worker (sendme.fanout) reserves the credits, persists and enqueues.

Layout in the accounts table: pk "ORG#<orgId>", sk "SENDJOB#<jobId>".
"""

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from botocore.exceptions import ClientError
from pydantic import Json

from .clock import now_iso
from .dynamodb import cancellation_codes
from .errors import CreditsInsufficientError
from .ids import new_id
from .models import (
    AudienceSelector,
    CamelModel,
    Channel,
    EmailRequest,
    SendJobAccepted,
    SendJobStatus,
    SendJobView,
    SmsRequest,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_sqs import SQSClient


class SendJob(CamelModel):
    org_id: str
    id: str
    channel: Channel
    request: dict[str, Any]
    selector: AudienceSelector
    status: SendJobStatus = SendJobStatus.PENDING
    reserved_cost: int = 0
    recipient_count: int = 0
    # Chunks of the audience already persisted and enqueued: a retried run resumes after them.
    chunks_done: int = 0
    accepted: int = 0
    skipped: int = 0
    error_code: str | None = None
    created_at: str
    updated_at: str

    @property
    def queue_id(self) -> str:
        return f"{self.channel.value}-{self.id}"

    def send_request(self) -> SmsRequest | EmailRequest:
        model = SmsRequest if self.channel is Channel.SMS else EmailRequest
        return model.model_validate(self.request)


class SendJobTask(CamelModel):
    """The body of one send-job queue message."""

    org_id: str
    job_id: str


class SendJobRecord(SqsRecordModel):
    """One send-job (or send-job dead-letter) queue record, its body parsed as the task."""

    body: Json[SendJobTask]


def _key(org_id: str, job_id: str) -> dict[str, str]:
    return {"pk": f"ORG#{org_id}", "sk": f"SENDJOB#{job_id}"}


class SendJobRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def add(self, job: SendJob) -> None:
        item = {k: v for k, v in job.to_wire().items() if v is not None}
        self._table.put_item(Item={**_key(job.org_id, job.id), **item})

    def get(self, org_id: str, job_id: str) -> SendJob | None:
        item = self._table.get_item(Key=_key(org_id, job_id), ConsistentRead=True).get("Item")
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
                            "Key": {"pk": f"ORG#{job.org_id}", "sk": "PROFILE"},
                            "UpdateExpression": "SET credits = credits - :cost",
                            "ConditionExpression": "credits >= :cost",
                            "ExpressionAttributeValues": {":cost": cost},
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table.name,
                            "Key": _key(job.org_id, job.id),
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
            Key=_key(job.org_id, job.id),
            UpdateExpression="SET " + ", ".join(f"{name} = :{name[1:]}" for name in names),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )


class SendJobQueue:
    def __init__(self, client: "SQSClient", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def submit(self, task: SendJobTask) -> None:
        self._client.send_message(QueueUrl=self._queue_url, MessageBody=task.model_dump_json(by_alias=True))


class SendJobs:
    """Records a send job and hands it to the fan-out worker."""

    def __init__(self, jobs: SendJobRepository, queue: SendJobQueue) -> None:
        self._jobs = jobs
        self._queue = queue

    def create(
        self, org_id: str, channel: Channel, request: SmsRequest | EmailRequest, selector: AudienceSelector
    ) -> SendJobAccepted:
        now = now_iso()
        job = SendJob(
            org_id=org_id,
            id=new_id(),
            channel=channel,
            request=request.to_wire(),
            selector=selector,
            created_at=now,
            updated_at=now,
        )
        self._jobs.add(job)
        self._queue.submit(SendJobTask(org_id=org_id, job_id=job.id))
        return SendJobAccepted(
            queue_id=job.queue_id, channel=channel, messages=[], job=SendJobView(id=job.id, status=job.status)
        )
