"""SES engagement events against moto: each email's first open, click, bounce and unsubscribe is
recorded beside its status, which never moves backwards (decision 39)."""

import json
from functools import partial
from itertools import permutations
from typing import Any

import boto3
import pytest
from werkzeug.test import Client, EnvironBuilder

from devstack.email_events import ROUTE, TOPIC, EmailEventsRoute
from devstack.lambdas import LocalLambdas
from devstack.poller import topic_poller
from devstack.provision import Stack
from devstack.receipts import ses_record, sns_event

from .helpers import SPEC_SMS_BODY, auth, stored_messages

# Where each SES event type keeps its own time.
DETAIL = {"Open": "open", "Click": "click", "Bounce": "bounce", "Subscription": "subscription", "Delivery": "delivery"}
T1, T2, T3 = "2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z", "2026-12-02T12:00:00.000Z"


def sent_emails(api: Client, key: str, drain: Any, count: int = 1) -> list[str]:
    body = {"subject": "Hi", "message": "Hello", "contacts": [f"user{n}@example.com" for n in range(count)]}
    ids = [m["id"] for m in api.post("/api/messages/email/contacts", json=body, headers=auth(key)).json["messages"]]
    drain()
    return ids


def item_of(stack: Stack, message_id: str) -> dict[str, Any]:
    return next(item for item in stored_messages(stack) if item["id"] == message_id)


def report(lambdas: LocalLambdas, stack: Stack, message_id: str, event_type: str, at: str = T1) -> dict[str, Any]:
    """Have SES report `event_type` about the sent email, as happening `at`."""
    item = item_of(stack, message_id)
    record = ses_record(
        event_type,
        provider_message_id=item["providerMessageId"],
        recipient=item["recipientDetails"],
        org_id=item["orgId"],
        message_id=message_id,
    )
    record[DETAIL[event_type]]["timestamp"] = at
    result: dict[str, Any] = lambdas.invoke("ReceiptsFunction", sns_event(json.dumps(record)))
    return result


def engagement(item: dict[str, Any]) -> dict[str, Any]:
    names = ("openedAt", "clickedAt", "bouncedAt", "unsubscribedAt")
    return {name: item[name] for name in names if name in item}


def test_engagement_open_reads_the_email_and_records_when(lambdas, api, demo, stack, drain):
    # Given a sent email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    sent = item_of(stack, message_id)["version"]
    # When SES reports it opened
    assert report(lambdas, stack, message_id, "Open", T1) == {"moved": 1}
    # Then it is READ, opened at the event's own time, in the one write of the transition
    item = item_of(stack, message_id)
    assert (item["status"], engagement(item)) == ("READ", {"openedAt": T1})
    assert item["version"] == sent + 1


def test_engagement_click_on_a_read_email_records_the_click_alone(lambdas, api, demo, stack, drain):
    # Given an opened email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    report(lambdas, stack, message_id, "Open", T1)
    # When a click follows
    assert report(lambdas, stack, message_id, "Click", T2) == {"moved": 0}
    # Then the click is recorded, the open keeps its time and the status its history
    item = item_of(stack, message_id)
    assert (item["status"], engagement(item)) == ("READ", {"openedAt": T1, "clickedAt": T2})
    assert [event["status"] for event in item["history"]] == ["QUEUED", "SENDING", "SENT", "READ"]


def test_engagement_click_without_an_open_records_both(lambdas, api, demo, stack, drain):
    # Given a sent email whose open SES never saw (images blocked)
    (message_id,) = sent_emails(api, demo.api_key, drain)
    # When a click is reported
    report(lambdas, stack, message_id, "Click", T2)
    # Then it is READ, opened and clicked at the click's time
    item = item_of(stack, message_id)
    assert (item["status"], engagement(item)) == ("READ", {"openedAt": T2, "clickedAt": T2})


def test_engagement_duplicate_and_late_events_keep_the_first_time(lambdas, api, demo, stack, drain):
    # Given an email opened and clicked
    (message_id,) = sent_emails(api, demo.api_key, drain)
    report(lambdas, stack, message_id, "Open", T2)
    report(lambdas, stack, message_id, "Click", T2)
    before = item_of(stack, message_id)
    # When SES repeats both, and reports other opens and clicks, later and earlier
    for event_type in ("Open", "Click"):
        for at in (T2, T3, T1):
            assert report(lambdas, stack, message_id, event_type, at) == {"moved": 0}
    # Then nothing changed: the first of each stays, and no write happened at all
    assert item_of(stack, message_id) == before


def test_engagement_bounce_of_a_sent_email_is_undelivered_and_records_when(lambdas, api, demo, stack, drain):
    # Given a sent email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    # When it bounces
    assert report(lambdas, stack, message_id, "Bounce", T1) == {"moved": 1}
    # Then it is UNDELIVERED, bounced at the event's time
    item = item_of(stack, message_id)
    assert (item["status"], item["errorCode"], engagement(item)) == (
        "UNDELIVERED",
        "BOUNCE_PERMANENT",
        {"bouncedAt": T1},
    )


def test_engagement_bounce_after_delivery_records_it_and_keeps_delivered(lambdas, api, demo, stack, drain):
    # Given a delivered email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    report(lambdas, stack, message_id, "Delivery", T1)
    # When a late bounce arrives
    assert report(lambdas, stack, message_id, "Bounce", T2) == {"moved": 0}
    # Then the bounce is recorded, and the status stays DELIVERED with no error
    item = item_of(stack, message_id)
    assert (item["status"], item.get("errorCode"), engagement(item)) == ("DELIVERED", None, {"bouncedAt": T2})


def test_engagement_unsubscribe_delivers_the_email_and_records_when(lambdas, api, demo, stack, drain):
    # Given a sent email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    # When its recipient unsubscribes through its List-Unsubscribe header
    assert report(lambdas, stack, message_id, "Subscription", T1) == {"moved": 1}
    # Then it is DELIVERED (the unsubscribe proves it arrived), unsubscribed at the event's time
    item = item_of(stack, message_id)
    assert (item["status"], engagement(item)) == ("DELIVERED", {"unsubscribedAt": T1})


def test_engagement_unsubscribe_from_a_read_email_keeps_it_read(lambdas, api, demo, stack, drain):
    # Given an opened email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    report(lambdas, stack, message_id, "Open", T1)
    # When its recipient unsubscribes
    report(lambdas, stack, message_id, "Subscription", T2)
    # Then it stays READ, and the unsubscribe is recorded
    item = item_of(stack, message_id)
    assert (item["status"], engagement(item)) == ("READ", {"openedAt": T1, "unsubscribedAt": T2})


def test_engagement_event_for_a_message_not_stored_writes_nothing(lambdas, api, demo, stack, drain):
    # Given a sent email, and a click SES reports about a message id we never stored
    (message_id,) = sent_emails(api, demo.api_key, drain)
    item = item_of(stack, message_id)
    record = ses_record(
        "Click", provider_message_id="other", recipient="x@example.com", org_id=demo.org_id, message_id="not-ours"
    )
    before = stored_messages(stack)
    # When it arrives
    assert lambdas.invoke("ReceiptsFunction", sns_event(json.dumps(record))) == {"moved": 0}
    # Then no item was created (an UpdateItem would otherwise make one)
    assert stored_messages(stack) == before
    assert engagement(item) == {}


ORDERS = list(permutations(["Open", "Click", "Bounce"]))
TIMES = {"Open": T1, "Click": T2, "Bounce": T3}


def test_engagement_in_any_order_records_each_event_once(lambdas, api, demo, stack, drain):
    # Given one sent email per order in which an open, a click and a bounce can arrive
    ids = sent_emails(api, demo.api_key, drain, count=len(ORDERS))
    # When each event is reported twice, in that order
    for message_id, order in zip(ids, ORDERS, strict=True):
        for event_type in [*order, *order]:
            report(lambdas, stack, message_id, event_type, TIMES[event_type])
    # Then every email knows when it was clicked and bounced, was opened by the click at the
    # latest, and its status moved once, from SENT, and never backwards
    for message_id, order in zip(ids, ORDERS, strict=True):
        item = item_of(stack, message_id)
        opened = T1 if order.index("Open") < order.index("Click") else T2
        assert engagement(item) == {"openedAt": opened, "clickedAt": T2, "bouncedAt": T3}
        statuses = [event["status"] for event in item["history"]]
        assert statuses == ["QUEUED", "SENDING", "SENT", "UNDELIVERED" if order[0] == "Bounce" else "READ"]


def test_engagement_is_returned_by_the_message_and_the_list(lambdas, api, demo, stack, drain):
    # Given an email opened and clicked, then bounced late
    (message_id,) = sent_emails(api, demo.api_key, drain)
    for event_type, at in (("Open", T1), ("Click", T2), ("Bounce", T3)):
        report(lambdas, stack, message_id, event_type, at)
    # When it is read and listed
    one = api.get(f"/api/messages/{message_id}", headers=auth(demo.api_key)).json
    (listed,) = api.get("/api/messages", headers=auth(demo.api_key)).json["data"]
    # Then both carry its engagement
    expected = {"openedAt": T1, "clickedAt": T2, "bouncedAt": T3, "unsubscribedAt": None}
    for view in (one, listed):
        assert {name: view.get(name) for name in expected} == expected


@pytest.fixture
def email_events(stack: Stack, lambdas: LocalLambdas) -> Any:
    """The local stack's POST /local/email-events, and a run of the receipts function over what
    the email events topic delivered."""
    route = EmailEventsRoute(
        boto3.client("sns"), stack.ref(TOPIC), boto3.resource("dynamodb").Table(stack.ref("MessagesTable"))
    )
    invoke = partial(lambdas.invoke, "ReceiptsFunction")
    poller = topic_poller(boto3.client("sqs"), stack.topic_queues["ReceiptsFunction"], invoke, retry_after_seconds=0)

    def post(body: Any) -> tuple[int, dict[str, Any]]:
        response = route(EnvironBuilder(path=ROUTE, method="POST", json=body).get_request())
        poller.poll_once()
        return response.status_code, json.loads(response.get_data())

    return post


@pytest.mark.parametrize(
    ("event_type", "status", "recorded"),
    [
        ("Open", "READ", {"openedAt"}),
        ("Click", "READ", {"openedAt", "clickedAt"}),
        ("Bounce", "UNDELIVERED", {"bouncedAt"}),
        ("Complaint", "DELIVERED", set()),
        ("Subscription", "DELIVERED", {"unsubscribedAt"}),
    ],
)
def test_email_events_route_reports_the_event_through_the_receipts_function(
    email_events, api, demo, stack, drain, event_type, status, recorded
):
    # Given a sent email
    (message_id,) = sent_emails(api, demo.api_key, drain)
    # When the local stack is asked for an SES event about it
    code, body = email_events({"messageId": message_id, "event": event_type})
    # Then the event took the topic -> receipts path: the email moved on and recorded it
    assert (code, body["messageId"], body["event"]) == (202, message_id, event_type)
    item = item_of(stack, message_id)
    assert (item["status"], set(engagement(item)), item["history"][-1]["source"]) == (status, recorded, "ses")


def test_email_events_route_refuses_what_it_cannot_report(email_events, api, demo, drain):
    # Given a sent SMS
    sms = api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key)).json["messages"][0]
    drain()
    # When events are asked for an unknown event type, an unknown message, or an SMS
    # Then each is refused, naming what is wrong
    assert email_events({"messageId": sms["id"], "event": "Delivery"})[0] == 400
    assert email_events({"messageId": "no-such-id", "event": "Open"})[0] == 404
    assert email_events({"messageId": sms["id"], "event": "Open"})[0] == 404


def test_email_events_route_waits_for_the_email_to_reach_ses(email_events, api, demo):
    # Given an email accepted but not yet handed to SES
    body = {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"]}
    (message,) = api.post("/api/messages/email/contacts", json=body, headers=auth(demo.api_key)).json["messages"]
    # When an event is asked for it, Then the caller is told to try again
    assert email_events({"messageId": message["id"], "event": "Open"})[0] == 409
