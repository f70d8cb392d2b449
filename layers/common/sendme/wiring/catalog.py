"""Message templates and campaigns: the templates function, and the sends that name them."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.domain.templates import Campaign, Template
from sendme.storage import keys
from sendme.storage.catalog import OrgItems
from sendme.wiring import cached
from sendme.wiring.contacts import contacts
from sendme.wiring.messages import counters

if TYPE_CHECKING:
    from sendme.services.catalog import CampaignService, TemplateService
    from sendme.services.rendering import TemplatedSends


def templates() -> OrgItems[Template]:
    return OrgItems(aws.dynamodb().Table(get_settings().accounts_table), Template, keys.TEMPLATE)


def campaigns() -> OrgItems[Campaign]:
    return OrgItems(aws.dynamodb().Table(get_settings().accounts_table), Campaign, keys.CAMPAIGN)


# The services load when built: the list function reads campaigns' names, nothing more.
def templated_sends() -> "TemplatedSends":
    from sendme.services.rendering import TemplatedSends

    return TemplatedSends(templates(), campaigns(), contacts())


@cached
def template_service() -> "TemplateService":
    from sendme.services.catalog import TemplateService

    return TemplateService(templates(), contacts())


@cached
def campaign_service() -> "CampaignService":
    from sendme.services.catalog import CampaignService

    return CampaignService(campaigns(), counters())
