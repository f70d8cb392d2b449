"""Sendo's GET /v1/message/list."""

from sendme.services.sendo import SendoListing
from sendme.wiring import cached
from sendme.wiring.listing import listing_service


@cached
def sendo_listing() -> SendoListing:
    return SendoListing(listing_service())
