"""Listing: one organisation's messages, newest first, page by page."""

from math import ceil

from pydantic import Field

from .errors import MessageNotFoundError
from .models import CamelModel, MessageDetail, MessagePage, MessageView, PageMeta
from .repositories import MessageRepository


class MessageQuery(CamelModel):
    page: int = Field(default=1, ge=1)
    limit: int = Field(default=10, ge=1, le=100)


class ListingService:
    def __init__(self, messages: MessageRepository) -> None:
        self._messages = messages

    def list_messages(self, org_id: str, query: MessageQuery) -> MessagePage:
        start_after: str | None = None
        for _ in range(query.page - 1):
            _, start_after = self._messages.newest(org_id, query.limit, start_after)
            if start_after is None:
                break
        reached = query.page == 1 or start_after is not None
        items, _next_after = self._messages.newest(org_id, query.limit, start_after) if reached else ([], None)
        total = self._messages.count(org_id)
        total_pages = ceil(total / query.limit)
        return MessagePage(
            data=[MessageView.of(message) for message in items],
            meta=PageMeta(
                total_records=total,
                total_pages=total_pages,
                current_page=query.page,
                limit=query.limit,
                has_next_page=query.page < total_pages,
                has_previous_page=query.page > 1,
            ),
        )

    def get_message(self, org_id: str, message_id: str) -> MessageDetail:
        message = self._messages.get(org_id, message_id)
        if message is None:
            raise MessageNotFoundError(f"no message {message_id}")
        return MessageDetail(**MessageView.of(message).model_dump(), history=message.history)
