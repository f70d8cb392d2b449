"""SQS batch -> one delivery of the whole batch; the records to retry go back to the queue."""

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.edge.sqs import DeliveryRecord, batch_failures, parse_records, worker_entrypoint
from sendme.wiring.delivery import delivery_service


@worker_entrypoint
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records, unreadable = parse_records(event, DeliveryRecord)
    handed_back = delivery_service().deliver_all((r.body for r in records), context.get_remaining_time_in_millis)
    retry = unreadable + [record.messageId for record in records if record.body.message_id in handed_back]
    return batch_failures(retry)
