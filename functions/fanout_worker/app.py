"""Send-job queue -> run each job (reserve, persist, enqueue); a failed job is retried whole."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Json

from sendme.observability import logger, metrics, tracer
from sendme.send_jobs import SendJobTask
from sendme.wiring import fanout_service


class SendJobRecord(SqsRecordModel):
    body: Json[SendJobTask]


processor = BatchProcessor(event_type=EventType.SQS, model=SendJobRecord, raise_on_entire_batch_failure=False)


def run_job(record: SendJobRecord) -> None:
    fanout_service().run(record.body)


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=run_job, processor=processor, context=context)
