"""Counters are kept on a best-effort basis: they never fail the write they follow."""

from typing import Any

from botocore.exceptions import ClientError

from sendme.domain.ids import created_at_of, new_id
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
    assert update["Key"] == {"pk": "COUNTS#org-1", "sk": "totals"}
    assert amounts == {"status#QUEUED": -3, "status#SENDING": 1, "status#SENT": 2}


def test_counters_a_send_is_one_update_of_the_totals_one_of_its_day_and_one_of_its_campaign():
    # Given 60 messages of one send, to two countries, in a campaign
    table = RecordingTable()
    one = _message(MessageStatus.QUEUED)
    sent = [one.model_copy(update={"campaign_id": "c1", "country_code": "57"}) for _ in range(59)]
    sent.append(sent[0].model_copy(update={"country_code": "1"}))
    # When they are counted
    MessageCounters(table).record_added(sent)  # type: ignore[arg-type]
    # Then there are three updates, whatever the number of messages and dimensions
    day = f"day#{created_at_of(one.id).date().isoformat()}"
    assert [update["Key"]["sk"] for update in table.updates] == ["totals", day, "campaignId#c1"]
    names, values = table.updates[0]["ExpressionAttributeNames"], table.updates[0]["ExpressionAttributeValues"]
    totals = {names[f"#a{n}"]: values[f":v{n}"] for n in range(len(names))}
    assert totals == {
        "all": 60,
        "status#QUEUED": 60,
        "messageType#SMS": 60,
        "countryCode#57": 59,
        "countryCode#1": 1,
        "contentType#PLAIN_TEXT": 60,
        "provider#SNS": 60,
    }
