"""Contacts and the suppression list: the contacts function, and the audiences of sends."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.contacts import ContactService
from sendme.services.contacts_import import ContactImporter
from sendme.storage.contacts import ContactRepository
from sendme.storage.suppressions import SuppressionList
from sendme.wiring import cached


def contacts() -> ContactRepository:
    return ContactRepository(aws.dynamodb().Table(get_settings().accounts_table))


def suppressions() -> SuppressionList:
    return SuppressionList(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def contact_service() -> ContactService:
    return ContactService(contacts())


@cached
def contact_importer() -> ContactImporter:
    return ContactImporter(contacts())
