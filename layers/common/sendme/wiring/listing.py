"""GET /api/messages, GET /api/messages/{id} and GET /api/activity."""

from typing import TYPE_CHECKING

from sendme import aws
from sendme.config import get_settings
from sendme.services.listing import ListingService
from sendme.storage.search import MessageSearch
from sendme.wiring import cached
from sendme.wiring.catalog import campaigns
from sendme.wiring.contacts import contacts
from sendme.wiring.messages import counters, messages

if TYPE_CHECKING:
    from sendme.services.activity import ActivityReport


@cached
def listing_service() -> ListingService:
    repository = messages()
    search = MessageSearch(aws.dynamodb().Table(get_settings().messages_table), repository)
    return ListingService(repository, search, counters(), contacts(), campaigns())


@cached
def activity_report() -> "ActivityReport":
    # Imported here: Sendo's list (wiring.sendo) builds the listing service and never reports.
    from sendme.services.activity import ActivityReport

    return ActivityReport(counters())
