"""SQS batch -> one delivery of the whole batch; records to retry go back to the queue on their own."""

from sendme.delivery import DeliveryRecord
from sendme.queue_handlers import sqs_whole_batch_handler
from sendme.wiring import delivery_service

lambda_handler = sqs_whole_batch_handler(DeliveryRecord, lambda records: delivery_service().deliver_records(records))
