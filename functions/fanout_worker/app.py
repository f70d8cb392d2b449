"""Send-job queue -> run each job (reserve, persist, enqueue); a failed job is retried whole."""

from sendme.edge.send_jobs import SendJobRecord
from sendme.edge.sqs import sqs_batch_handler
from sendme.wiring.sending import fanout_service


def run_job(record: SendJobRecord) -> None:
    fanout_service().run(record.body)


lambda_handler = sqs_batch_handler(SendJobRecord, run_job)
