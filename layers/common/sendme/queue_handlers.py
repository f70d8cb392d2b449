"""The Lambda handler for an SQS event source: typed records, one domain call per record.

Every queue-fed function (delivery worker, dead-letter handlers, fan-out worker) is this, with
its own record model and domain call; failed records go back to the queue on their own.
"""

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from .observability import logger, metrics, tracer

SqsHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


def sqs_batch_handler[Record: SqsRecordModel](model: type[Record], handle: Callable[[Record], object]) -> SqsHandler:
    # A batch whose every record failed is still a partial response, not an invocation error:
    # the same records go back to the queue either way, and the function's error metric stays
    # for bugs.
    processor = BatchProcessor(event_type=EventType.SQS, model=model, raise_on_entire_batch_failure=False)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)

    handler: SqsHandler = lambda_handler
    return handler
