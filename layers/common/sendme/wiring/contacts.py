"""Contacts and the suppression list: the contacts function, and the audiences of sends.

The repositories are what other families use (the list's contact names, the sends' audiences,
the receipts' suppressions); the services are the contacts and suppressions functions' alone, so
their modules load when one first builds them, not in every function that imports this one."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.storage.contacts import ContactRepository
from sendme.storage.suppressions import SuppressionList
from sendme.wiring import cached

if TYPE_CHECKING:
    from sendme.services.contacts import ContactService
    from sendme.services.contacts_import import ContactImporter
    from sendme.services.suppressions import SuppressionService


def contacts() -> ContactRepository:
    return ContactRepository(aws.dynamodb().Table(get_settings().accounts_table))


def suppressions() -> SuppressionList:
    return SuppressionList(aws.dynamodb().Table(get_settings().accounts_table))


@cached
def contact_service() -> "ContactService":
    from sendme.services.contacts import ContactService

    return ContactService(contacts())


@cached
def contact_importer() -> "ContactImporter":
    from sendme.services.contacts_import import ContactImporter

    return ContactImporter(contacts())


@cached
def suppression_service() -> "SuppressionService":
    from sendme.services.suppressions import SuppressionService

    return SuppressionService(suppressions())
