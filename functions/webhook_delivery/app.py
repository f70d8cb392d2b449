"""Webhook queue batch -> one signed POST per record; the service queues a failure's retry itself."""

from sendme.edge.sqs import WebhookRecord, sqs_batch_handler
from sendme.wiring.webhooks import webhook_deliverer


def deliver(record: WebhookRecord) -> None:
    webhook_deliverer().deliver(record.body)


lambda_handler = sqs_batch_handler(WebhookRecord, deliver)
