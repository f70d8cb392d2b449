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
    assert table.attempts == 2  # the totals and the day's item: each down one status, up another


class RecordingTable:
    name = "accounts"

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    def update_item(self, **arguments: Any) -> None:
        self.updates.append(arguments)


def _amounts(update: dict[str, Any]) -> dict[str, int]:
    """The ADD part of an update: attribute -> amount."""
    names, values = update["ExpressionAttributeNames"], update["ExpressionAttributeValues"]
    return {names[name]: values[f":v{name[2:]}"] for name in names if name.startswith("#a")}


def test_counters_a_batch_of_status_changes_is_one_update_of_the_totals_and_one_of_the_day():
    # Given five messages of one day: three claimed, two of them sent
    table = RecordingTable()
    created = _message(MessageStatus.QUEUED)
    claims = [(created.model_copy(update={"status": MessageStatus.SENDING}), MessageStatus.QUEUED)] * 3
    outcomes = [(created.model_copy(update={"status": MessageStatus.SENT}), MessageStatus.SENDING)] * 2
    # When the moves are recorded together
    MessageCounters(table).record_moves(claims + outcomes)  # type: ignore[arg-type]
    # Then the totals and the day's item each get the net amounts in one update
    totals, day = table.updates
    assert totals["Key"] == {"pk": "COUNTS#org-1", "sk": "totals"}
    assert _amounts(totals) == {"status#QUEUED": -3, "status#SENDING": 1, "status#SENT": 2}
    assert day["Key"] == {"pk": "COUNTS#org-1", "sk": f"day#{created_at_of(created.id).date().isoformat()}"}
    assert _amounts(day) == {"status#QUEUED": -3, "status#SENDING": 1, "status#SENT": 2}


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
    assert _amounts(table.updates[1]) == {"count": 60, "status#QUEUED": 60}
    assert _amounts(table.updates[0]) == {
        "all": 60,
        "status#QUEUED": 60,
        "messageType#SMS": 60,
        "countryCode#57": 59,
        "countryCode#1": 1,
        "contentType#PLAIN_TEXT": 60,
        "provider#SNS": 60,
    }


def test_counters_batched_moves_are_recorded_once_at_the_end_of_the_batch():
    # Given a worker batch: three claims, then their outcomes
    table = RecordingTable()
    counters = MessageCounters(table)  # type: ignore[arg-type]
    created = _message(MessageStatus.QUEUED)
    sending = created.model_copy(update={"status": MessageStatus.SENDING})
    sent = created.model_copy(update={"status": MessageStatus.SENT})
    with counters.batched():
        counters.record_moves([(sending, MessageStatus.QUEUED)] * 3)
        counters.record_moves([(sent, MessageStatus.SENDING)] * 3)
        # Then nothing is written while the batch runs
        assert table.updates == []
    # and at its end the totals and the day each get the net moves in one update
    assert [_amounts(update) for update in table.updates] == [{"status#QUEUED": -3, "status#SENT": 3}] * 2


def test_counters_a_campaign_send_counts_its_statuses_channels_cost_and_send_times_in_its_item():
    # Given a campaign send of two SMS (2 credits each) and one email (1 credit), made a second apart
    table = RecordingTable()
    sms = _message(MessageStatus.QUEUED).model_copy(update={"campaign_id": "c1", "cost": 2})
    email = sms.model_copy(
        update={
            "channel": Channel.EMAIL,
            "message_type": MessageType.EMAIL,
            "cost": 1,
            "created_at": "2024-01-01T00:00:01.000Z",
        }
    )
    # When they are counted
    MessageCounters(table).record_added([sms, sms, email])  # type: ignore[arg-type]
    # Then the campaign's one update adds its figures and sets its first and last send times
    (campaign,) = [update for update in table.updates if update["Key"]["sk"] == "campaignId#c1"]
    assert _amounts(campaign) == {"count": 3, "status#QUEUED": 3, "channel#sms": 2, "channel#email": 1, "cost": 5}
    assert campaign["UpdateExpression"].startswith("SET #first = if_not_exists(#first, :first), #last = :last ADD ")
    assert (campaign["ExpressionAttributeValues"][":first"], campaign["ExpressionAttributeValues"][":last"]) == (
        "2024-01-01T00:00:00.000Z",
        "2024-01-01T00:00:01.000Z",
    )


def test_counters_moves_of_campaign_messages_also_move_the_campaigns_status_counts():
    # Given one campaign message and one outside any campaign, both sent
    table = RecordingTable()
    queued = _message(MessageStatus.QUEUED)
    in_campaign = queued.model_copy(update={"status": MessageStatus.SENT, "campaign_id": "c1"})
    outside = queued.model_copy(update={"status": MessageStatus.SENT})
    # When their moves are recorded
    MessageCounters(table).record_moves([(in_campaign, MessageStatus.QUEUED), (outside, MessageStatus.QUEUED)])  # type: ignore[arg-type]
    # Then the campaign's item moves only its message, and nothing else is written for the other
    assert [update["Key"]["sk"] for update in table.updates] == [
        "totals",
        f"day#{created_at_of(queued.id).date().isoformat()}",
        "campaignId#c1",
    ]
    assert _amounts(table.updates[2]) == {"status#QUEUED": -1, "status#SENT": 1}
    assert "SET" not in table.updates[2]["UpdateExpression"]
