"""GET /api/messages, GET /api/messages/{id} and GET /api/activity."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.activity import ActivityReport
from sendme.services.listing import ListingService
from sendme.storage.search import MessageSearch
from sendme.wiring import cached
from sendme.wiring.catalog import campaigns
from sendme.wiring.contacts import contacts
from sendme.wiring.messages import counters, messages


@cached
def listing_service() -> ListingService:
    repository = messages()
    search = MessageSearch(aws.dynamodb().Table(get_settings().messages_table), repository)
    return ListingService(repository, search, counters(), contacts(), campaigns())


@cached
def activity_report() -> ActivityReport:
    return ActivityReport(counters())
