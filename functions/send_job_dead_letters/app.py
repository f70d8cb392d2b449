"""Send-job dead-letter queue -> each job the fan-out worker gave up on ends FAILED, its unsent
messages failed and every unspent credit refunded."""

from sendme.edge.send_jobs import SendJobRecord
from sendme.edge.sqs import sqs_batch_handler
from sendme.wiring.sending import fanout_service


def abandon(record: SendJobRecord) -> None:
    fanout_service().abandon(record.body)


lambda_handler = sqs_batch_handler(SendJobRecord, abandon)
