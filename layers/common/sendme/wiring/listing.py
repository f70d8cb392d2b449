"""GET /api/messages and GET /api/messages/{id}."""

from sendme import aws
from sendme.config import get_settings
from sendme.services.listing import ListingService
from sendme.storage.search import MessageSearch
from sendme.wiring import cached
from sendme.wiring.contacts import contacts
from sendme.wiring.messages import counters, messages


@cached
def listing_service() -> ListingService:
    repository = messages()
    search = MessageSearch(aws.dynamodb().Table(get_settings().messages_table), repository)
    return ListingService(repository, search, counters(), contacts())
