"""Builds each service from settings and cached AWS clients, once per warm Lambda."""

from functools import lru_cache

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from . import aws
from .accounts import AccountService
from .audiences import ContactAudiences
from .contact_store import ContactStore
from .contacts import ContactService
from .contacts_import import ContactImporter
from .counters import MessageCounters
from .dead_letters import DeadLetterService
from .delivery import DeliveryService
from .fanout import FanOutService, StoredStatuses
from .idempotency import IdempotentCalls
from .leases import LeaseIndex
from .listing import ListingService
from .message_queries import MessageSearch
from .provider_ids import ProviderMessageIndex
from .providers import EmailProvider, SmsProvider
from .queues import DeliveryQueue
from .receipts import ReceiptService
from .repositories import AccountRepository, MessageRepository, SuppressionList
from .send_jobs import SendJobQueue, SendJobRepository, SendJobs
from .sending import SendingService
from .settings import get_settings
from .settlement import Settlement
from .sweeper import Sweeper


def _messages() -> MessageRepository:
    return MessageRepository(aws.dynamodb().Table(get_settings().messages_table), _counters())


def _counters() -> MessageCounters:
    return MessageCounters(aws.dynamodb().Table(get_settings().accounts_table))


def _accounts() -> AccountRepository:
    return AccountRepository(aws.dynamodb().Table(get_settings().accounts_table))


def _contacts() -> ContactStore:
    return ContactStore(aws.dynamodb().Table(get_settings().accounts_table))


def _suppressions() -> SuppressionList:
    return SuppressionList(aws.dynamodb().Table(get_settings().accounts_table))


@lru_cache(maxsize=1)
def account_service() -> AccountService:
    return AccountService(_accounts(), get_settings().terms_version)


@lru_cache(maxsize=1)
def contact_service() -> ContactService:
    return ContactService(_contacts())


def _audiences() -> ContactAudiences:
    return ContactAudiences(_contacts(), _suppressions())


def _send_jobs() -> SendJobRepository:
    return SendJobRepository(aws.dynamodb().Table(get_settings().accounts_table))


@lru_cache(maxsize=1)
def contact_importer() -> ContactImporter:
    return ContactImporter(_contacts())


@lru_cache(maxsize=1)
def sending_service() -> SendingService:
    settings = get_settings()
    idempotency = DynamoDBPersistenceLayer(table_name=settings.idempotency_table, boto3_client=aws.dynamodb_client())
    return SendingService(
        _messages(),
        _accounts(),
        DeliveryQueue(aws.sqs(), settings.delivery_queue_url),
        settings,
        _audiences(),
        SendJobs(_send_jobs(), SendJobQueue(aws.sqs(), settings.send_job_queue_url)),
        _settlement(),
        IdempotentCalls(idempotency) if settings.idempotency_table else None,
    )


@lru_cache(maxsize=1)
def fanout_service() -> FanOutService:
    settings = get_settings()
    return FanOutService(
        _send_jobs(),
        sending_service(),
        _audiences(),
        _messages(),
        _accounts(),
        StoredStatuses(aws.dynamodb().Table(settings.messages_table)),
        _settlement(),
    )


@lru_cache(maxsize=1)
def delivery_service() -> DeliveryService:
    settings = get_settings()
    return DeliveryService(
        _messages(),
        _settlement(),
        SmsProvider(aws.sns()),
        EmailProvider(aws.sesv2(), settings.sender_email, settings.ses_configuration_set),
        lease_seconds=settings.delivery_lease_seconds,
        requeue_seconds=settings.delivery_requeue_seconds,
    )


def _settlement() -> Settlement:
    return Settlement(_messages(), _accounts())


@lru_cache(maxsize=1)
def dead_letter_service() -> DeadLetterService:
    return DeadLetterService(_settlement())


@lru_cache(maxsize=1)
def receipt_service() -> ReceiptService:
    table = aws.dynamodb().Table(get_settings().messages_table)
    return ReceiptService(_messages(), _settlement(), _suppressions(), ProviderMessageIndex(table))


@lru_cache(maxsize=1)
def sweeper() -> Sweeper:
    return Sweeper(LeaseIndex(aws.dynamodb().Table(get_settings().messages_table)), _settlement())


@lru_cache(maxsize=1)
def listing_service() -> ListingService:
    messages_table = aws.dynamodb().Table(get_settings().messages_table)
    return ListingService(_messages(), MessageSearch(messages_table), _counters(), _contacts())


def reset() -> None:
    """Forget settings, clients and services, for tests that change the environment."""
    get_settings.cache_clear()
    aws.reset_clients()
    for factory in (
        account_service,
        contact_service,
        contact_importer,
        sending_service,
        fanout_service,
        delivery_service,
        listing_service,
    ):
        factory.cache_clear()
    for delivery_factory in (sweeper, dead_letter_service, receipt_service):
        delivery_factory.cache_clear()
