from collections.abc import Collection
from typing import Any

from botocore.exceptions import EndpointConnectionError

from sendme.domain.messages import DeliveryTask
from sendme.outbound.queues import DeliveryQueue, EnqueueReport


class FlakySqs:
    """Fails the given entry ids once (transient unless marked as sender faults)."""

    def __init__(self, fail_once: Collection[str] = (), sender_faults: Collection[str] = ()) -> None:
        self.calls: list[list[str]] = []
        self.urls: list[str] = []
        self.groups: list[str] = []
        self._fail_once = set(fail_once)
        self._sender_faults = sender_faults

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        ids = [entry["Id"] for entry in Entries]
        self.urls.append(QueueUrl)
        self.groups.extend(entry["MessageGroupId"] for entry in Entries)
        self.calls.append(ids)
        failed = []
        for entry_id in ids:
            if entry_id in self._sender_faults:
                failed.append({"Id": entry_id, "SenderFault": True, "Code": "InvalidMessageContents"})
            elif entry_id in self._fail_once:
                self._fail_once.discard(entry_id)
                failed.append({"Id": entry_id, "SenderFault": False, "Code": "InternalError"})
        return {"Successful": [], "Failed": failed}


def tasks(count: int) -> list[DeliveryTask]:
    return [DeliveryTask(org_id="org", message_id=f"m{i}") for i in range(count)]


def test_enqueue_sends_ten_per_call():
    sqs = FlakySqs()
    assert DeliveryQueue(sqs, "url", backoff_seconds=0).enqueue(tasks(25)) == EnqueueReport()  # type: ignore[arg-type]
    assert [len(call) for call in sqs.calls] == [10, 10, 5]


def test_enqueue_retries_only_the_failed_entries():
    sqs = FlakySqs(fail_once={"3", "7"})
    report = DeliveryQueue(sqs, "url", backoff_seconds=0).enqueue(tasks(10))  # type: ignore[arg-type]
    assert report == EnqueueReport()
    assert sqs.calls == [[str(i) for i in range(10)], ["3", "7"]]


def test_enqueue_returns_what_sqs_keeps_refusing():
    sqs = FlakySqs(sender_faults={"1"})
    report = DeliveryQueue(sqs, "url", backoff_seconds=0).enqueue(tasks(3))  # type: ignore[arg-type]
    assert ([task.message_id for task in report.refused], report.unconfirmed) == (["m1"], [])
    assert len(sqs.calls) == 1  # a sender fault is not retried


def test_enqueue_groups_each_task_by_its_organisation():
    # Given tasks of two organisations, When they are enqueued, Then each entry's message group is
    # its organisation (a fair queue shares delivery between tenants)
    sqs = FlakySqs()
    mixed = [DeliveryTask(org_id=org, message_id=f"m{i}") for i, org in enumerate(["a", "b", "a"])]
    DeliveryQueue(sqs, "url", backoff_seconds=0).enqueue(mixed)  # type: ignore[arg-type]
    assert sqs.groups == ["a", "b", "a"]


def test_enqueue_reports_entries_sqs_keeps_failing_as_unconfirmed():
    sqs = FlakySqs(fail_once={"2"})
    report = DeliveryQueue(sqs, "url", attempts=1, backoff_seconds=0).enqueue(tasks(3))  # type: ignore[arg-type]
    assert ([task.message_id for task in report.unconfirmed], report.refused) == (["m2"], [])


class UnreachableAfter(FlakySqs):
    """Takes `calls` batches, then raises as when SQS cannot be reached."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self._left = calls
        self.raised = 0

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        if not self._left:
            self.raised += 1
            raise EndpointConnectionError(endpoint_url="https://sqs")
        self._left -= 1
        return super().send_message_batch(QueueUrl, Entries)


def test_enqueue_stops_at_the_first_call_that_raises_and_reports_the_rest_unconfirmed():
    sqs = UnreachableAfter(calls=1)
    report = DeliveryQueue(sqs, "url", backoff_seconds=0).enqueue(tasks(25))  # type: ignore[arg-type]
    assert [task.message_id for task in report.unconfirmed] == [f"m{i}" for i in range(10, 25)]
    assert "EndpointConnectionError" in (report.error or "")
    assert (len(sqs.calls), sqs.raised) == (1, 1)  # SQS is down: the third batch is not tried


def test_enqueue_puts_urgent_tasks_on_the_priority_queue_first():
    # Given 12 ordinary tasks and 3 urgent ones (OTP) after them
    sqs = FlakySqs()
    urgent = [DeliveryTask(org_id="org", message_id=f"otp{i}", urgent=True) for i in range(3)]
    # When they are enqueued together
    DeliveryQueue(sqs, "bulk", priority_queue_url="priority", backoff_seconds=0).enqueue(tasks(12) + urgent)  # type: ignore[arg-type]
    # Then the urgent ones go first, to the priority queue; the rest to the delivery queue
    assert list(zip(sqs.urls, [len(call) for call in sqs.calls], strict=True)) == [
        ("priority", 3),
        ("bulk", 10),
        ("bulk", 2),
    ]


def test_enqueue_without_a_priority_queue_puts_urgent_tasks_on_the_one_queue():
    sqs = FlakySqs()
    DeliveryQueue(sqs, "bulk", backoff_seconds=0).enqueue([DeliveryTask(org_id="o", message_id="m", urgent=True)])  # type: ignore[arg-type]
    assert sqs.urls == ["bulk"]


def test_delivery_task_urgency_is_not_part_of_the_queue_message_body():
    task = DeliveryTask(org_id="org", message_id="m1", urgent=True)
    assert task.model_dump(by_alias=True) == {"orgId": "org", "messageId": "m1"}
