"""Counters are kept on a best-effort basis: they never fail the write they follow."""

from typing import Any

from botocore.exceptions import ClientError

from sendme.domain.ids import new_id
from sendme.domain.messages import Channel, Message, MessageStatus, MessageType, StatusEvent
from sendme.storage.counters import MessageCounters


class RefusingTable:
    name = "accounts"

    def __init__(self) -> None:
        self.attempts = 0

    def update_item(self, **_: Any) -> None:
        self.attempts += 1
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")


def _message(*statuses: MessageStatus) -> Message:
    return Message(
        org_id="org-1",
        id=new_id(),
        channel=Channel.SMS,
        message_type=MessageType.SMS,
        content="hi",
        status=statuses[-1],
        recipient_details="+573001234567",
        provider="SNS",
        queue_id="q",
        created_at="2024-01-01T00:00:00.000Z",
        updated_at="2024-01-01T00:00:00.000Z",
        history=[StatusEvent(status=s, at="2024-01-01T00:00:00.000Z", source="api") for s in statuses],
    )


def test_counters_refused_update_does_not_fail_the_send():
    table = RefusingTable()
    MessageCounters(table).record_added([_message(MessageStatus.QUEUED)])  # type: ignore[arg-type]
    assert table.attempts > 0


def test_counters_refused_update_does_not_fail_the_transition():
    table = RefusingTable()
    MessageCounters(table).record_transition(_message(MessageStatus.QUEUED, MessageStatus.SENDING))  # type: ignore[arg-type]
    assert table.attempts == 1  # the status counters are one item: down one status, up another


class RecordingTable:
    name = "accounts"

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update_item(self, **arguments: Any) -> None:
        self.updates.append(arguments)


def test_counters_a_batch_of_status_changes_is_one_update_of_the_net_amounts():
    table = RecordingTable()
    claims = [("org-1", MessageStatus.QUEUED, MessageStatus.SENDING)] * 3
    outcomes = [("org-1", MessageStatus.SENDING, MessageStatus.SENT)] * 2
    MessageCounters(table).record_moves(claims + outcomes)  # type: ignore[arg-type]
    (update,) = table.updates
    names, values = update["ExpressionAttributeNames"], update["ExpressionAttributeValues"]
    amounts = {names[f"#a{n}"]: values[f":v{n}"] for n in range(len(names))}
    assert update["Key"] == {"pk": "COUNTS#org-1", "sk": "status"}
    assert amounts == {"QUEUED": -3, "SENDING": 1, "SENT": 2}
