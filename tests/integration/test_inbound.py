"""Inbound SMS against moto: published to the inbound topic, stored, and their keywords acted on."""

import json
from functools import partial
from typing import Any

import boto3
import pytest
from moto.sns.models import sns_backends

from devstack.inbound import inbound_sms
from devstack.lambdas import LocalLambdas
from devstack.poller import topic_poller
from devstack.provision import ACCOUNT_ID, Stack
from devstack.seed import DEMO_NUMBER
from sendme.domain.errors import NumberTakenError
from sendme.wiring.accounts import account_service
from tests.conftest import load_event

from .helpers import auth, credits_of, sms_sent, stored_messages

JUAN = "+573001234567"  # a demo contact
STRANGER = "+573157654321"


@pytest.fixture
def receive(stack: Stack, lambdas: LocalLambdas) -> Any:
    """Publish an inbound SMS to the inbound topic as End User Messaging does, and run the function
    over what the topic delivered."""
    sns = boto3.client("sns")
    invoke = partial(lambdas.invoke, "InboundSmsFunction")
    poller = topic_poller(boto3.client("sqs"), stack.topic_queues["InboundSmsFunction"], invoke, retry_after_seconds=0)

    def run(body: str, sender: str = JUAN, to: str = DEMO_NUMBER, inbound_id: str | None = None) -> int:
        message = json.dumps(inbound_sms(sender, to, body, inbound_id))
        sns.publish(TopicArn=stack.ref("InboundSmsTopic"), Message=message)
        return poller.poll_once()

    return run


def inbound(stack: Stack) -> list[dict[str, Any]]:
    return [item for item in stored_messages(stack) if item.get("direction") == "INBOUND"]


def send_sms(api: Any, key: str, number: str) -> Any:
    body = {"message": "Hola", "contacts": [number]}
    return api.post("/api/messages/sms/contacts", json=body, headers=auth(key))


def test_inbound_sms_is_stored_as_a_received_message_of_the_number_owner(receive, demo, stack):
    # Given the demo organisation's two-way number
    # When a contact writes to it
    assert receive("¿Abren mañana?") == 1
    # Then the organisation has it, RECEIVED, from the contact, to its number
    (item,) = inbound(stack)
    assert (item["orgId"], item["status"], item["from"], item["recipientDetails"]) == (
        demo.org_id,
        "RECEIVED",
        JUAN,
        DEMO_NUMBER,
    )
    assert item["content"] == "¿Abren mañana?"
    assert item["contactId"]
    assert item["cost"] == 0


def test_inbound_sms_delivered_twice_is_stored_once(lambdas: LocalLambdas, demo, stack):
    # Given an inbound SMS SNS delivers twice (tests/events/inbound_sms_text.json)
    event = load_event("inbound_sms_text.json")
    # When the function gets it both times
    first = lambdas.invoke("InboundSmsFunction", event)
    second = lambdas.invoke("InboundSmsFunction", event)
    # Then one message is stored
    assert (first, second) == ({"received": 1}, {"received": 0})
    assert len(inbound(stack)) == 1


def test_inbound_sms_to_a_number_of_no_organisation_is_dropped(receive, demo, stack):
    # When an SMS reaches a number no organisation has
    receive("hello", to="+12125550101")
    # Then nothing is stored, and the function did not fail
    assert inbound(stack) == []


def test_inbound_sms_unreadable_is_dropped_without_failing(lambdas: LocalLambdas, demo, stack):
    # Given a notification whose message is not an inbound SMS
    event = load_event("inbound_sms_text.json")
    event["Records"][0]["Sns"]["Message"] = '{"hello": "world"}'
    # When the function gets it
    # Then it drops it and answers normally (no retry could make it readable)
    assert lambdas.invoke("InboundSmsFunction", event) == {"received": 0}
    assert inbound(stack) == []


def test_inbound_stop_makes_the_next_send_skip_the_number_as_opted_out(receive, api, demo, drain):
    # Given a contact that replied STOP (in any case, with accents or punctuation)
    receive("Stop.")
    # When the organisation sends to it
    response = send_sms(api, demo.api_key, JUAN)
    # Then the number is skipped, opted-out, and nothing is charged
    assert response.status_code == 400
    assert response.json["skipped"] == [{"recipient": JUAN, "reason": "opted-out"}]
    assert credits_of(demo.org_id) == 100


def test_inbound_stop_event_as_sns_delivers_it_opts_the_sender_out(lambdas: LocalLambdas, api, demo):
    # Given tests/events/inbound_sms_stop.json (a STOP to the demo number, as Lambda gets it)
    # When the function gets it
    assert lambdas.invoke("InboundSmsFunction", load_event("inbound_sms_stop.json")) == {"received": 1}
    # Then the sender is opted out
    assert send_sms(api, demo.api_key, JUAN).json["skipped"] == [{"recipient": JUAN, "reason": "opted-out"}]


def test_inbound_spanish_opt_out_keyword_opts_out(receive, api, demo):
    receive("  Bájá ")
    assert send_sms(api, demo.api_key, JUAN).json["skipped"][0]["reason"] == "opted-out"


def test_inbound_stop_within_a_sentence_is_only_a_message(receive, api, demo):
    receive("please stop by the shop")
    assert send_sms(api, demo.api_key, JUAN).status_code == 201


def test_inbound_start_opts_the_number_back_in(receive, api, demo):
    # Given a number that opted out, then in again
    receive("STOP")
    receive("unstop")
    # When the organisation sends to it
    # Then it goes out
    assert send_sms(api, demo.api_key, JUAN).status_code == 201


def test_inbound_opt_out_is_the_organisation_own(receive, api, demo):
    # Given a number that opted out of the demo organisation
    receive("STOP")
    _, key = _organisation_with_number("+12015550123")
    # When another organisation sends to it
    # Then it goes out: each organisation has its own list
    assert send_sms(api, key, JUAN).status_code == 201


def test_inbound_help_is_answered_with_the_organisation_help_text_for_free(receive, demo, stack, drain):
    # Given the organisation's help text
    account_service().set_number(demo.org_id, DEMO_NUMBER, "Demo: info at example.com. STOP to opt out.")
    # When a customer asks for HELP
    receive("help")
    drain()
    # Then the text goes back to them from the number, stored as a message we sent that cost nothing
    assert (JUAN, "Demo: info at example.com. STOP to opt out.") in sms_sent().values()
    (reply,) = [item for item in stored_messages(stack) if "direction" not in item]
    assert (reply["status"], reply["from"], reply["cost"]) == ("SENT", DEMO_NUMBER, 0)
    assert credits_of(demo.org_id) == 100


def test_inbound_help_delivered_twice_is_answered_once(receive, demo, stack, drain):
    receive("HELP", inbound_id="help-1")
    receive("HELP", inbound_id="help-1")
    drain()
    assert len([text for phone, text in sms_sent().values() if phone == JUAN]) == 1


def test_inbound_received_messages_list_with_direction_inbound(receive, api, demo, drain):
    # Given one message sent to a contact and one received from it
    send_sms(api, demo.api_key, JUAN)
    drain()
    receive("gracias")
    # When the list is filtered by direction
    inbound_page = api.get("/api/messages?direction=inbound", headers=auth(demo.api_key)).json
    outbound_page = api.get("/api/messages?direction=OUTBOUND", headers=auth(demo.api_key)).json
    # Then each direction lists its own, with who sent it
    assert [(m["direction"], m["from"], m["content"]) for m in inbound_page["data"]] == [("INBOUND", JUAN, "gracias")]
    assert inbound_page["meta"]["totalRecords"] == 1
    assert [(m["direction"], m["from"]) for m in outbound_page["data"]] == [("OUTBOUND", DEMO_NUMBER)]


def test_inbound_number_filter_lists_both_directions_of_a_conversation(receive, api, demo, drain):
    # Given messages to and from a contact, and one to someone else
    send_sms(api, demo.api_key, JUAN)
    send_sms(api, demo.api_key, "3009876543")
    receive("gracias")
    # When the list is filtered by the contact's number, national as the organisation writes it
    page = api.get("/api/messages?number=3001234567", headers=auth(demo.api_key)).json
    # Then it holds both directions of that conversation only
    assert sorted(m["direction"] for m in page["data"]) == ["INBOUND", "OUTBOUND"]


def test_inbound_number_filter_refuses_what_is_not_a_number(api, demo):
    response = api.get("/api/messages?number=hello", headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "number")


def test_inbound_two_way_number_belongs_to_one_organisation(demo):
    # Given the demo organisation's number
    other, _ = _organisation_with_number("+12015550123")
    # When another organisation asks for it
    # Then it is refused
    with pytest.raises(NumberTakenError):
        account_service().set_number(other, DEMO_NUMBER)


def test_inbound_sms_to_an_organisation_new_number_reaches_it_and_the_old_one_is_released(receive, demo, stack):
    # Given the demo organisation moved to a new number
    account_service().set_number(demo.org_id, "+12015550123")
    # When SMS reach the old and the new numbers
    receive("old", to=DEMO_NUMBER, inbound_id="old")
    receive("new", to="+12015550123", inbound_id="new")
    # Then only the new one is the organisation's, and the old one is free for another
    assert [item["content"] for item in inbound(stack)] == ["new"]
    other, _ = _organisation_with_number(DEMO_NUMBER)
    assert other


def test_inbound_suppressions_api_lists_opt_outs_and_lifts_them(receive, api, demo):
    # Given a number that opted out
    receive("STOP")
    # When the organisation lists its suppression list, then lifts the entry (a re-consent)
    listed = api.get("/api/suppressions", headers=auth(demo.api_key)).json
    deleted = api.delete("/api/suppressions/%2B573001234567", headers=auth(demo.api_key))
    again = api.delete("/api/suppressions/3001234567", headers=auth(demo.api_key))
    # Then it was listed with its reason, is lifted once, and sends reach it again
    assert [(s["recipient"], s["reason"]) for s in listed["data"]] == [(JUAN, "opted-out")]
    assert listed["meta"]["hasNextPage"] is False
    assert (deleted.status_code, again.status_code) == (204, 404)
    assert send_sms(api, demo.api_key, JUAN).status_code == 201


def test_inbound_suppressions_api_pages_with_a_cursor(receive, api, demo):
    for n, sender in enumerate(("+573001234567", "+573009876543", "+573157654321")):
        receive("STOP", sender=sender, inbound_id=f"stop-{n}")
    first = api.get("/api/suppressions?limit=2", headers=auth(demo.api_key)).json
    cursor = first["meta"]["nextCursor"]
    second = api.get(f"/api/suppressions?limit=2&cursor={cursor}", headers=auth(demo.api_key)).json
    recipients = [s["recipient"] for s in first["data"] + second["data"]]
    assert sorted(recipients) == ["+573001234567", "+573009876543", "+573157654321"]


def test_inbound_sns_opted_out_number_fails_the_message_refunded(api, demo, stack, drain):
    # Given a number on SNS's own account-wide opted-out list
    sns_backends[ACCOUNT_ID]["us-east-1"].opt_out_numbers.append(STRANGER)
    # When the organisation sends to it
    response = send_sms(api, demo.api_key, STRANGER)
    drain()
    # Then nothing is published, the message ends FAILED (OPTED_OUT) and its credit comes back
    (item,) = stored_messages(stack)
    assert (response.status_code, item["status"], item["errorCode"]) == (201, "FAILED", "OPTED_OUT")
    assert STRANGER not in {phone for phone, _ in sms_sent().values()}
    assert credits_of(demo.org_id) == 100


def _organisation_with_number(number: str) -> tuple[str, str]:
    created = account_service().create_organization("Other", credits=10, accept_terms=True, country="CO")
    account_service().set_number(created.id, number)
    return created.id, account_service().issue_api_key(created.id)
