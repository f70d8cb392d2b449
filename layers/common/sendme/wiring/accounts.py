"""Organisations and API keys: the authorizer and the admin CLI."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.accounts import AccountService
from sendme.storage.accounts import AccountRepository
from sendme.wiring import cached


def accounts() -> AccountRepository:
    return AccountRepository(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def account_service() -> AccountService:
    return AccountService(accounts(), get_settings().terms_version)
