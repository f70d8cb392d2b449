"""SQS batch -> one delivery per record; failed records go back to the queue on their own."""

from sendme.delivery import DeliveryRecord
from sendme.queue_handlers import sqs_batch_handler
from sendme.wiring import delivery_service


def deliver(record: DeliveryRecord) -> None:
    delivery_service().deliver(record.body)


lambda_handler = sqs_batch_handler(DeliveryRecord, deliver)
