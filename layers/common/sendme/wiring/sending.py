"""The send functions and the fan-out worker."""

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from sendme import aws
from sendme.config import get_settings
from sendme.domain.pricing import price_table
from sendme.domain.sends import SendLimits
from sendme.outbound.idempotency import IdempotentCalls
from sendme.outbound.queues import DeliveryQueue, SendJobQueue
from sendme.services.audiences import ContactAudiences
from sendme.services.fanout import FanOutService
from sendme.services.send_jobs import SendJobs
from sendme.services.sending import SendingService
from sendme.storage.indexes import StoredStatuses
from sendme.storage.send_jobs import SendJobRepository
from sendme.wiring import cached
from sendme.wiring.accounts import accounts, ledger
from sendme.wiring.contacts import contacts, suppressions
from sendme.wiring.messages import messages, settlement


def send_jobs() -> SendJobRepository:
    return SendJobRepository(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def sending_service() -> SendingService:
    settings = get_settings()
    idempotency = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=aws.dynamodb_client())
    return SendingService(
        messages(),
        accounts(),
        ledger(),
        DeliveryQueue(aws.sqs(), settings.delivery_queue_url),
        SendLimits(
            sms_prices=price_table(),
            email_credits_per_message=settings.email_credits_per_message,
            default_country=settings.default_country,
            audience_sync_limit=settings.audience_sync_limit,
            email_from=settings.sender_email,
        ),
        ContactAudiences(contacts(), suppressions()),
        SendJobs(send_jobs(), SendJobQueue(aws.sqs(), settings.send_job_queue_url)),
        settlement(),
        IdempotentCalls(idempotency) if settings.idempotency_table else None,
    )


@cached
def fanout_service() -> FanOutService:
    return FanOutService(
        send_jobs(),
        sending_service(),
        messages(),
        StoredStatuses(aws.dynamodb().Table(get_settings().messages_table)),
        settlement(),
    )
