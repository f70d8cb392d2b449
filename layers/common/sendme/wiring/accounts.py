"""Organisations and API keys: the admin CLI, and the guard of every API function."""

from sendme import aws
from sendme.config import get_settings
from sendme.domain.limits import RateLimit
from sendme.services.accounts import AccountService
from sendme.services.limits import RequestGuard
from sendme.storage.accounts import AccountRepository
from sendme.storage.ledger import CreditLedger
from sendme.storage.rate_limits import RateLimitRepository
from sendme.wiring import cached


def accounts() -> AccountRepository:
    return AccountRepository(aws.dynamodb().Table(get_settings().accounts_table))


def ledger() -> CreditLedger:
    return CreditLedger(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def account_service() -> AccountService:
    settings = get_settings()
    return AccountService(accounts(), ledger(), settings.terms_version, settings.default_country)


@cached
def request_guard() -> RequestGuard:
    settings = get_settings()
    buckets = RateLimitRepository(aws.dynamodb().Table(settings.accounts_table))
    return RequestGuard(
        account_service(),
        buckets,
        RateLimit(per_minute=settings.rate_limit_per_minute, burst=settings.rate_limit_burst),
    )
