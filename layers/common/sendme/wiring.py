"""Builds each service from settings and cached AWS clients, once per warm Lambda."""

from functools import lru_cache

from . import aws
from .accounts import AccountService
from .contacts import ContactService
from .counters import MessageCounters
from .delivery import DeliveryService
from .listing import ListingService
from .message_queries import MessageSearch
from .providers import EmailProvider, SmsProvider
from .queues import DeliveryQueue
from .repositories import AccountRepository, ContactRepository, MessageRepository, SuppressionList
from .sending import SendingService
from .settings import get_settings


def _messages() -> MessageRepository:
    return MessageRepository(aws.dynamodb().Table(get_settings().messages_table), _counters())


def _counters() -> MessageCounters:
    return MessageCounters(aws.dynamodb().Table(get_settings().accounts_table))


def _accounts() -> AccountRepository:
    return AccountRepository(aws.dynamodb().Table(get_settings().accounts_table))


def _contacts() -> ContactRepository:
    return ContactRepository(aws.dynamodb().Table(get_settings().accounts_table))


def _suppressions() -> SuppressionList:
    return SuppressionList(aws.dynamodb().Table(get_settings().accounts_table))


@lru_cache(maxsize=1)
def account_service() -> AccountService:
    return AccountService(_accounts(), get_settings().terms_version)


@lru_cache(maxsize=1)
def contact_service() -> ContactService:
    return ContactService(_contacts())


@lru_cache(maxsize=1)
def sending_service() -> SendingService:
    settings = get_settings()
    return SendingService(_messages(), _accounts(), DeliveryQueue(aws.sqs(), settings.delivery_queue_url), settings)


@lru_cache(maxsize=1)
def delivery_service() -> DeliveryService:
    settings = get_settings()
    return DeliveryService(
        _messages(),
        _accounts(),
        SmsProvider(aws.sns()),
        EmailProvider(aws.sesv2(), settings.sender_email, settings.ses_configuration_set),
    )


@lru_cache(maxsize=1)
def listing_service() -> ListingService:
    messages_table = aws.dynamodb().Table(get_settings().messages_table)
    return ListingService(_messages(), MessageSearch(messages_table), _counters(), _contacts())


def reset() -> None:
    """Forget settings, clients and services, for tests that change the environment."""
    get_settings.cache_clear()
    aws.reset_clients()
    for factory in (account_service, contact_service, sending_service, delivery_service, listing_service):
        factory.cache_clear()
