"""Organisations and API keys: the admin CLI, and the guard of every API function.

The repositories are what other families use (the sends' sender id, every settlement's
ledger); the services load when first built, so a worker that settles credits does not
import the API's guard."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.storage.accounts import AccountRepository
from sendme.storage.ledger import CreditLedger
from sendme.wiring import cached

if TYPE_CHECKING:
    from sendme.services.accounts import AccountService
    from sendme.services.authentication import Authenticator
    from sendme.services.limits import RequestGuard


def accounts() -> AccountRepository:
    return AccountRepository(aws.dynamodb().Table(get_settings().accounts_table))


def ledger() -> CreditLedger:
    return CreditLedger(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def account_service() -> "AccountService":
    from sendme.services.accounts import AccountService

    settings = get_settings()
    return AccountService(accounts(), ledger(), settings.terms_version, settings.default_country)


@cached
def request_guard() -> "RequestGuard":
    from sendme.domain.limits import RateLimit
    from sendme.services.limits import RequestGuard
    from sendme.storage.rate_limits import RateLimitRepository

    settings = get_settings()
    buckets = RateLimitRepository(aws.dynamodb().Table(settings.accounts_table))
    default = RateLimit(per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst)
    return RequestGuard(authenticator(), buckets, default)


@cached
def authenticator() -> "Authenticator":
    from sendme.services.authentication import Authenticator

    settings = get_settings()
    return Authenticator(accounts(), settings.terms_version, settings.default_country)
