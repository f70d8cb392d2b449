"""Dead-letter queue batch -> each message the delivery queue gave up on ends FAILED, refunded."""

from sendme.edge.sqs import DeliveryRecord, sqs_batch_handler
from sendme.wiring.delivery import dead_letter_service


def settle(record: DeliveryRecord) -> None:
    dead_letter_service().settle(record.body)


lambda_handler = sqs_batch_handler(DeliveryRecord, settle)
