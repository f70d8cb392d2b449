"""Calls out of the system: SQS queues, the SNS and SES providers, the idempotency store."""
