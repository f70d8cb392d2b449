"""Sendo's GET /v1/message/list over our listing: the same filters, store and status words, read
as our cursor pages are and skipped through, SMS only.

Cost (decision 40, measured): `skip` + `limit` matching messages read (pages of up to 100, so at
most 99 more) and no total. From the organisation's partition or `byStatus` (status items of
about 550 B, summed per 4 KB) about 0.07 read units per message; through a keys-only index
(campaign, number), whose status items are read by key, about 0.5; plus 0.5 per content item not
yet cached (a send's messages share one). So skip is capped at 10,000 (about 5,000 read units at
most, twice that if every message had content of its own); a client that pages further uses GET /api/messages's cursor.
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
