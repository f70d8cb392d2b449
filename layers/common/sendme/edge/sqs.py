"""The Lambda edge of every SQS event source: typed records, partial batch responses.

A per-record worker (dead-letter handlers, fan-out worker) is `sqs_batch_handler`: Powertools'
BatchProcessor calls its domain function once per record and a record whose call raises goes
back to the queue. The delivery worker hands its whole batch to one domain call and says which
records to retry itself (`parse_records` + `batch_failures`). The send-job queues' record is
in `sendme.edge.send_jobs`, so the delivery functions never load the rules of send jobs.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json, ValidationError

from sendme.domain.messages import DeliveryTask
from sendme.domain.webhooks import WebhookDelivery
from sendme.observability import capture_lambda_handler, logger, metrics

SqsHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


class DeliveryRecord(SqsRecordModel):
    """One delivery (or dead-letter) queue record, its body parsed as the task."""

    body: Json[DeliveryTask]


class WebhookRecord(SqsRecordModel):
    """One webhook queue record, its body parsed as the delivery."""

    body: Json[WebhookDelivery]


def worker_entrypoint(handler: SqsHandler) -> SqsHandler:
    """The observability around a queue-fed Lambda handler: logger context, tracing, metrics."""
    traced = capture_lambda_handler(metrics.log_metrics(handler))
    wrapped: SqsHandler = logger.inject_lambda_context(traced)
    return wrapped


def sqs_batch_handler[Record: SqsRecordModel](model: type[Record], handle: Callable[[Record], object]) -> SqsHandler:
    """One domain call per record; a record whose call raises goes back to the queue."""
    # A batch whose every record failed is still a partial response, not an invocation error:
    # the same records go back to the queue either way, and the function's error metric stays
    # for bugs.
    processor = BatchProcessor(event_type=EventType.SQS, model=model, raise_on_entire_batch_failure=False)

    @worker_entrypoint
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)

    return lambda_handler


def parse_records[Record: SqsRecordModel](event: dict[str, Any], model: type[Record]) -> tuple[list[Record], list[str]]:
    """The records that parse as `model`, and the SQS message ids of those that do not."""
    records, unreadable = [], []
    for raw in event.get("Records", []):
        try:
            records.append(model.model_validate(raw))
        except ValidationError:
            logger.exception("unreadable queue record", extra={"sqs_message_id": raw.get("messageId")})
            unreadable.append(str(raw.get("messageId", "")))
    return records, unreadable


def batch_failures(sqs_message_ids: list[str]) -> PartialItemFailureResponse:
    """The partial batch response that sends these records back to the queue."""
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in sqs_message_ids]}
