"""The send functions and the fan-out worker (its service loads when first built: a send
function never imports it)."""

from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from sendme import aws
from sendme.config import get_settings
from sendme.domain.pricing import price_table
from sendme.domain.sends import SendLimits
from sendme.outbound.idempotency import IdempotentCalls
from sendme.outbound.queues import SendJobQueue
from sendme.services.audiences import ContactAudiences
from sendme.services.send_jobs import SendJobs
from sendme.services.sending import SendingService
from sendme.storage.indexes import StoredStatuses
from sendme.wiring import cached
from sendme.wiring.accounts import accounts, ledger
from sendme.wiring.catalog import templated_sends
from sendme.wiring.contacts import contacts, suppressions
from sendme.wiring.messages import delivery_queue, messages, send_jobs, settlement

if TYPE_CHECKING:
    from sendme.services.fanout import FanOutService


@cached
def sending_service() -> SendingService:
    settings = get_settings()
    idempotency = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=aws.dynamodb_client())
    return SendingService(
        messages(),
        accounts(),
        ledger(),
        delivery_queue(),
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
        templated_sends(),
        IdempotentCalls(idempotency) if settings.idempotency_table else None,
    )


@cached
def fanout_service() -> "FanOutService":
    from sendme.services.fanout import FanOutService

    return FanOutService(
        send_jobs(),
        sending_service(),
        messages(),
        StoredStatuses(aws.dynamodb().Table(get_settings().messages_table)),
        settlement(),
    )
