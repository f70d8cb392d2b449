"""Dead-letter queue batch -> each message the delivery queue gave up on ends FAILED, refunded."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.delivery import DeliveryRecord
from sendme.observability import logger, metrics, tracer
from sendme.wiring import dead_letter_service

processor = BatchProcessor(event_type=EventType.SQS, model=DeliveryRecord, raise_on_entire_batch_failure=False)


def settle(record: DeliveryRecord) -> None:
    dead_letter_service().settle(record.body)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=settle, processor=processor, context=context)
