"""SQS batch -> one delivery per record; failed records go back to the queue on their own."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from sendme.delivery import DeliveryRecord
from sendme.observability import logger, metrics, tracer
from sendme.wiring import delivery_service

# A batch whose every record failed is still a partial response, not an invocation error: the
# same records go back to the queue either way, and the function's error metric stays for bugs.
processor = BatchProcessor(event_type=EventType.SQS, model=DeliveryRecord, raise_on_entire_batch_failure=False)


def deliver(record: DeliveryRecord) -> None:
    delivery_service().deliver(record.body)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=deliver, processor=processor, context=context)
