"""Sendo's GET /v1/message/list over our listing: the same filters, store and status words, read
as our cursor pages are and skipped through, SMS only.

Cost: `skip` + `limit` messages read (pages of up to 100, so at most 99 more), each as a cursor
page reads it: through a keys-only filter index (campaign, number, or SMS by the organisation's
partition) then the table, about 0.5 read units per message of up to 4 KB (eventually
consistent), its content item once per send. No total is counted. So skip is capped at 10,000
(about 5,000 read units); a client that pages further uses GET /api/messages's cursor.
"""

from itertools import islice

from sendme.contracts.sendo import MAX_SKIP, SendoMessage, SendoMessages, SendoQuery
from sendme.domain.errors import RequestInvalidError
from sendme.services.listing import ListingService

# The page size skipping reads at: the largest our list serves.
READ_PAGE = 100


class SendoListing:
    def __init__(self, listing: ListingService) -> None:
        self._listing = listing

    def messages(self, org_id: str, query: SendoQuery, home_country: str | None = None) -> SendoMessages:
        """`home_country`: where a national `number` is read, as GET /api/messages reads it."""
        if query.skip > MAX_SKIP:
            raise RequestInvalidError(
                f"The parameter 'skip' must be at most {MAX_SKIP:,}: an offset reads every message it skips. "
                "Page through a long list with GET /api/messages and its cursor (meta.nextCursor).",
                field="skip",
            )
        wanted = query.skip + query.limit
        found = self._listing.each_message(org_id, query.as_message_query(min(READ_PAGE, wanted)), home_country)
        return SendoMessages(messages=[SendoMessage.of(message) for message in islice(found, query.skip, wanted)])
