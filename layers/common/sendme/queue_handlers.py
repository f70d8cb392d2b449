"""The Lambda handler for an SQS event source: typed records, partial batch responses.

Every queue-fed function (delivery worker, dead-letter handlers, fan-out worker) is this, with
its own record model and domain call, per record or for the whole batch at once; failed
records go back to the queue on their own.
"""

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from .observability import logger, metrics, tracer

SqsHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


def sqs_batch_handler[Record: SqsRecordModel](model: type[Record], handle: Callable[[Record], object]) -> SqsHandler:
    """One domain call per record; a record whose call raises goes back to the queue."""
    return sqs_whole_batch_handler(model, lambda _records: handle)


def sqs_whole_batch_handler[Record: SqsRecordModel](
    model: type[Record], handle_all: Callable[[list[Record]], Callable[[Record], object]]
) -> SqsHandler:
    """One domain call for the batch: `handle_all` takes every record that parses and returns
    the per-record step that reports each one's result (raising for a record to retry)."""
    # A batch whose every record failed is still a partial response, not an invocation error:
    # the same records go back to the queue either way, and the function's error metric stays
    # for bugs.
    processor = BatchProcessor(event_type=EventType.SQS, model=model, raise_on_entire_batch_failure=False)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        handle = handle_all(_parseable(model, event))
        return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)

    handler: SqsHandler = lambda_handler
    return handler


def _parseable[Record: SqsRecordModel](model: type[Record], event: dict[str, Any]) -> list[Record]:
    records = []
    for raw in event.get("Records", []):
        # A record that does not parse is left out: the processor fails it, with the error.
        with suppress(ValidationError):
            records.append(model.model_validate(raw))
    return records
