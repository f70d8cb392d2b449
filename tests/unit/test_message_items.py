"""How a message is cut into its status item and its content item."""

from sendme.domain.messages import Message
from sendme.storage.message_items import ContentCache, joined, split
from tests.factories import sms_message


class ScheduledMessage(Message):
    """A Message with a field added later, as another feature would add it."""

    locale: str | None = None


def test_split_messages_of_a_send_share_one_content_item():
    # Given two messages of one send, to different recipients at different prices
    first = sms_message(id="m1", recipient_details="+573001111111", cost=1)
    second = sms_message(id="m2", recipient_details="+573002222222", cost=2)
    # When each is split
    (status_1, content_1), (status_2, content_2) = split(first), split(second)
    # Then they name the same content item, and each keeps its own recipient and cost
    assert content_1 == content_2
    assert status_1["contentId"] == status_2["contentId"] == content_1["id"]
    assert (status_1["recipientDetails"], status_2["cost"]) == ("+573001111111", 2)


def test_split_puts_a_new_field_in_the_content_item():
    # Given a message with a field the split does not name
    message = ScheduledMessage(**sms_message().model_dump(), locale="es-CO")
    # When it is split
    status, content = split(message)
    # Then the field is content, and the status item carries only what changes or is filtered on
    assert content["locale"] == "es-CO"
    assert "locale" not in status
    assert "content" not in status


def test_split_then_joined_is_the_message():
    message = sms_message(subject=None, sender_id="ACME", segments=2)
    assert joined(*split(message)) == message


def test_content_cache_forgets_the_least_recently_read():
    # Given a cache of two contents, the first read again since
    cache = ContentCache(size=2)
    for name in ("a", "b"):
        cache.put({"orgId": "o#content", "id": name})
    cache.get({"orgId": "o#content", "id": "a"})
    # When a third is put
    cache.put({"orgId": "o#content", "id": "c"})
    # Then the one not read since is forgotten
    assert cache.get({"orgId": "o#content", "id": "b"}) is None
    assert cache.get({"orgId": "o#content", "id": "a"}) is not None
