"""Listing: one organisation's messages, filtered, newest first, by page number or cursor.

Reading cost per request: one page of items from one index partition (see message_queries),
plus the totalRecords: a few counter items when the query has a counter (no filter, one
low-cardinality filter, or only a date range: one counter per day), else a COUNT over the
partition the page is read from. A cursor carries the total, so pages after the first read
only their items.
"""

import base64
import binascii
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from sendme.contracts.messages import (
    MessageDetail,
    MessagePage,
    MessageQuery,
    MessageView,
    PageMeta,
    normalized_recipient,
)
from sendme.domain.addresses import normalize_phone
from sendme.domain.clock import utc_now
from sendme.domain.errors import MessageNotFoundError, RequestInvalidError
from sendme.domain.ids import created_at_of, is_uuid
from sendme.domain.messages import Direction, Message, MessageStatus
from sendme.domain.templates import Campaign
from sendme.storage.catalog import OrgItems
from sendme.storage.contacts import ContactRepository
from sendme.storage.counters import ALL, COUNTED_ATTRIBUTES, MessageCounters, counter_key, day_key
from sendme.storage.messages import MessageRepository
from sendme.storage.search import INDEXES, MessageSearch, PageRead, QueryPlan, plan_query


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after `after_id`, as page `page` of `total` records."""

    after_id: str
    page: int
    total: int
    # The total is a lower bound: counting it stopped at its read budget.
    capped: bool = False


def _digest(org_id: str, query: MessageQuery) -> str:
    # Binds a cursor to the organisation and the filters it was issued for.
    return hashlib.sha256(f"{org_id}\n{query.fingerprint()}".encode()).hexdigest()[:24]


def encode_cursor(org_id: str, query: MessageQuery, cursor: Cursor) -> str:
    payload = {
        "a": cursor.after_id,
        "p": cursor.page,
        "t": cursor.total,
        "c": cursor.capped,
        "q": _digest(org_id, query),
    }
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(org_id: str, query: MessageQuery, token: str) -> Cursor:
    """The cursor in `token`; 400 unless it was issued for this organisation and these filters.

    The cursor is not signed: it only says where to resume inside the caller's own
    organisation's partition (the key is rebuilt from the caller's org), so a forged one can
    read nothing the caller could not list anyway.
    """
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        cursor = Cursor(
            after_id=str(payload["a"]), page=int(payload["p"]), total=int(payload["t"]), capped=payload.get("c") is True
        )
        issued_for = payload["q"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise RequestInvalidError("The parameter 'cursor' is not a cursor this API issued", field="cursor") from None
    if issued_for != _digest(org_id, query) or not is_uuid(cursor.after_id) or cursor.page < 2:
        raise RequestInvalidError(
            "The parameter 'cursor' was issued for other filters, page size or organisation", field="cursor"
        )
    return cursor


def _counted_direction(query: MessageQuery) -> bool:
    """Whether the counters can tell the direction filter's total: none asked, or INBOUND alone
    (its RECEIVED status counter). What we sent has no counter of its own."""
    if query.direction is None:
        return True
    return query.direction is Direction.INBOUND and query.status in (None, MessageStatus.RECEIVED)


def _size_counters(query: MessageQuery) -> dict[str, str]:
    """The counters that tell the size of each indexed filter's partition: attribute -> key."""
    return {a: counter_key(a, v) for a, v in query.equalities().items() if a in INDEXES and a in COUNTED_ATTRIBUTES}


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class ListingService:
    def __init__(
        self,
        messages: MessageRepository,
        search: MessageSearch,
        counters: MessageCounters,
        contacts: ContactRepository,
        campaigns: OrgItems[Campaign],
    ) -> None:
        self._messages = messages
        self._search = search
        self._counters = counters
        self._contacts = contacts
        self._campaigns = campaigns

    def list_messages(self, org_id: str, query: MessageQuery, home_country: str | None = None) -> MessagePage:
        """`home_country`: where a national recipientDetails without countryCode is read, as sends do."""
        query = self._normalized(query, home_country)
        cursor = decode_cursor(org_id, query, query.cursor) if query.cursor else None
        sizes_wanted = _size_counters(query)
        total_keys = None if cursor else self._total_counters(org_id, query)
        counts = self._counters.read(org_id, [*sizes_wanted.values(), *(total_keys or [])])
        plan = plan_query(org_id, query, {attribute: counts[key] for attribute, key in sizes_wanted.items()})
        capped = False
        if cursor:
            total, capped = cursor.total, cursor.capped
        elif total_keys is not None:
            total = sum(counts[key] for key in total_keys)
        else:
            total, complete = self._search.count(plan)
            capped = not complete
        current_page = cursor.page if cursor else query.page
        read = self._read_page(plan, query, cursor, None if capped else total)
        total_pages = ceil(total / query.limit)
        # Past a capped total, only a full page says there may be another.
        has_next = (capped or current_page < total_pages) and len(read.messages) == query.limit
        next_cursor = Cursor(read.messages[-1].id, current_page + 1, total, capped) if has_next else None
        return MessagePage(
            data=self._views(org_id, read.messages),
            meta=PageMeta(
                total_records=total,
                total_pages=total_pages,
                current_page=current_page,
                limit=query.limit,
                has_next_page=has_next,
                has_previous_page=current_page > 1,
                next_cursor=encode_cursor(org_id, query, next_cursor) if next_cursor else None,
                total_records_capped=capped,
            ),
        )

    def each_message(self, org_id: str, query: MessageQuery, home_country: str | None = None) -> Iterator[Message]:
        """Every message `query` matches, newest first, read as cursor pages are, `query.limit`
        at a time (one page in memory), without a total: what an offset walks through. Each
        page costs what a cursor page does; stop iterating and no more is read."""
        query = self._normalized(query, home_country)
        sizes_wanted = _size_counters(query)
        counts = self._counters.read(org_id, list(sizes_wanted.values()))
        plan = plan_query(org_id, query, {attribute: counts[key] for attribute, key in sizes_wanted.items()})
        after = None
        while True:
            read = self._search.page(plan, query.limit, after)
            yield from read.messages
            if len(read.messages) < query.limit:
                return
            after = read.messages[-1].id

    def get_message(self, org_id: str, message_id: str) -> MessageDetail:
        # Not a UUID cannot be a message id; it must not reach DynamoDB's key validation either.
        message = self._messages.get(org_id, message_id) if is_uuid(message_id) else None
        if message is None:
            raise MessageNotFoundError(f"no message {message_id}")
        (view,) = self._views(org_id, [message])
        return MessageDetail(**view.model_dump(), history=message.history)

    @staticmethod
    def _normalized(query: MessageQuery, home_country: str | None) -> MessageQuery:
        if query.start_date and query.end_date and query.start_date > query.end_date:
            raise RequestInvalidError("The parameter 'endDate' must not be before startDate", field="endDate")
        if query.number is not None:
            number = normalize_phone(query.number, home_country)
            if number is None:
                raise RequestInvalidError("The parameter 'number' must be a phone number", field="number")
            query = query.model_copy(update={"number": number.e164})
        if query.recipient_details is None:
            return query
        recipient = normalized_recipient(query.recipient_details, query.country_code, home_country)
        if recipient is None:
            raise RequestInvalidError(
                "The parameter 'recipientDetails' must be a phone number (national ones with countryCode) "
                "or an email address",
                field="recipientDetails",
            )
        return query.model_copy(update={"recipient_details": recipient})

    def _total_counters(self, org_id: str, query: MessageQuery) -> list[str] | None:
        """The counters whose sum is the query's totalRecords, or None if none can tell."""
        equalities = query.equalities()
        if query.content or query.sent_at or len(equalities) > 1 or not _counted_direction(query):
            return None
        if equalities:
            ((attribute, value),) = equalities.items()
            countable = attribute in COUNTED_ATTRIBUTES and not query.has_date_range
            return [counter_key(attribute, value)] if countable else None
        if not query.has_date_range:
            return [ALL]
        oldest = self._search.oldest_id(org_id)
        if oldest is None:
            return []
        first = max(query.start_date or date.min, created_at_of(oldest).date())
        last = min(query.end_date or date.max, utc_now().date())
        return [day_key(day) for day in _days(first, last)]

    def _read_page(self, plan: QueryPlan, query: MessageQuery, cursor: Cursor | None, total: int | None) -> PageRead:
        """`total`: None when it is only a lower bound."""
        if cursor:
            return self._search.page(plan, query.limit, cursor.after_id)
        skipped = (query.page - 1) * query.limit
        if total is not None and skipped >= max(total, 1):
            return PageRead(messages=[], scanned=0)
        after = self._search.id_at(plan, skipped) if skipped else None
        if skipped and after is None:
            return PageRead(messages=[], scanned=0)
        return self._search.page(plan, query.limit, after)

    def _views(self, org_id: str, messages: list[Message]) -> list[MessageView]:
        contact_ids = {message.contact_id for message in messages if message.contact_id}
        names = {contact.id: contact.name for contact in self._contacts.get_many(org_id, contact_ids)}
        campaign_ids = {message.campaign_id for message in messages if message.campaign_id}
        campaigns = self._campaigns.get_many(org_id, campaign_ids) if campaign_ids else {}
        return [MessageView.of(message, names, campaigns) for message in messages]
