"""How one message is stored: a small status item that transitions rewrite, and a content item
written once and shared by every message of a send with the same content (decision 23).

DynamoDB bills a write by the larger of the item before and after it, in the table and again in
each index it touches: rewriting a 20 KB email at each of its four status changes cost hundreds
of write units. So a message is cut in two:

- its status item, keyed (orgId, id): what changes (STATUS_ATTRIBUTES), what is each
  recipient's own or what the list filters, counts and indexes on (ENVELOPE_ATTRIBUTES; an
  index or a FilterExpression reads only the item it is on), the filter indexes' keys, its
  lease, and `contentId`;
- its content item, keyed ("<orgId>#content", contentId): every other attribute of Message
  (content, subject, senderId, segments, encoding, and any attribute added to Message later).
  Its id is a digest of those attributes, so the messages of a send share one content item,
  written once per write call, and it never changes: readers may cache it for good.
"""

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sendme.domain.messages import Direction, Message
from sendme.storage import keys

# What a transition may change: the status item's own attributes.
STATUS_ATTRIBUTES = (
    "status",
    "updatedAt",
    "sentAt",
    "providerMessageId",
    "errorCode",
    "errorMessage",
    "deletedAt",
    "history",
    # Engagement: set by receipts after the message was written (sendme.domain.messages).
    "openedAt",
    "clickedAt",
    "bouncedAt",
    "unsubscribedAt",
    "version",
)


# Immutable, but on the status item: each recipient's own, or what GET /api/messages filters,
# counts or indexes on (a new filter's attribute belongs here; tests check the template's).
ENVELOPE_ATTRIBUTES = (
    "orgId",
    "id",
    "channel",
    "messageType",
    "contentType",
    "provider",
    "recipientDetails",
    "countryCode",
    "contactId",
    "campaignId",
    "queueId",
    "cost",
    "createdAt",
    # The messages stream's webhook filter reads it from the status item (decision 33).
    "webhooks",
    # The list's direction and number filters read them (decision 31).
    "direction",
    "from",
)


CONTENT_ID = "contentId"


# Filter index partition keys: "<orgId>#<value>", so one Query reads one org's one value.
INDEXED_ATTRIBUTES: Mapping[str, str] = {
    "orgStatus": "status",
    "orgRecipient": "recipientDetails",
    "orgCampaign": "campaignId",
    "orgContact": "contactId",
    "orgType": "messageType",
    "orgCountry": "countryCode",
}


_ON_STATUS_ITEM = frozenset(STATUS_ATTRIBUTES) | frozenset(ENVELOPE_ATTRIBUTES)


def split(message: Message) -> tuple[dict[str, Any], dict[str, Any]]:
    """The message's status item and content item."""
    attributes = {k: v for k, v in message.model_dump(mode="json", by_alias=True).items() if v is not None}
    content = {name: value for name, value in attributes.items() if name not in _ON_STATUS_ITEM}
    content_id = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
    status = {name: value for name, value in attributes.items() if name in _ON_STATUS_ITEM}
    status[CONTENT_ID] = content_id
    for index_key, attribute in INDEXED_ATTRIBUTES.items():
        if attribute in status:
            status[index_key] = keys.partition(message.org_id, status[attribute])
    if message.direction is Direction.OUTBOUND:
        # Absent is OUTBOUND (as for messages stored before directions): no bytes on every write.
        del status["direction"]
    else:
        # Filed under its sender in byRecipient, beside what was sent to that number: one Query
        # reads both directions of a conversation (the list's `number` filter, decision 31).
        status["orgRecipient"] = keys.partition(message.org_id, message.counterpart)
    return status, keys.message_content(message.org_id, content_id) | content


def content_key(status: Mapping[str, Any]) -> dict[str, str]:
    return keys.message_content(str(status["orgId"]), str(status[CONTENT_ID]))


def joined(status: Mapping[str, Any], content: Mapping[str, Any]) -> Message:
    """The message of a status item and its content item."""
    return Message.model_validate({**{k: v for k, v in content.items() if k not in ("orgId", "id")}, **status})


class ContentCache:
    """Content items already read, by key: they never change, so a warm Lambda reads each once."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        self._size = size

    def get(self, key: Mapping[str, str]) -> dict[str, Any] | None:
        found = self._items.get((key["orgId"], key["id"]))
        if found is not None:
            self._items.move_to_end((key["orgId"], key["id"]))
        return found

    def put(self, item: dict[str, Any]) -> None:
        self._items[str(item["orgId"]), str(item["id"])] = item
        while len(self._items) > self._size:
            self._items.popitem(last=False)
