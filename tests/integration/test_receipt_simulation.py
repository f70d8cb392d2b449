"""The local stack's simulated receipts go through the real receipts function."""

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from devstack.receipts import ReceiptOptions, ReceiptSimulator

from .helpers import SPEC_SMS_BODY, auth, stored_messages

EMAIL_BODY = {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"]}


def send_sms_and_email(api, key: str, drain) -> None:
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(key))
    api.post("/api/messages/email/contacts", json=EMAIL_BODY, headers=auth(key))
    drain()


def test_receipt_simulation_reports_every_sent_message_delivered(api, demo, stack: Stack, drain, lambdas: LocalLambdas):
    # Given an SMS and an email send, delivered to the providers
    simulator = ReceiptSimulator(lambdas.invoke, ReceiptOptions(mode="delivered"))
    send_sms_and_email(api, demo.api_key, drain)
    # When the simulator plays the providers' part
    assert simulator.feed() == 3
    # Then every message is DELIVERED, the receipt recorded by its provider's name
    items = stored_messages(stack)
    assert {item["status"] for item in items} == {"DELIVERED"}
    assert {item["history"][-1]["source"] for item in items} == {"sns", "ses"}
    assert simulator.feed() == 0  # each message is reported once


def test_receipt_simulation_failure_rate_reports_failures(api, demo, stack: Stack, drain, lambdas: LocalLambdas):
    simulator = ReceiptSimulator(lambdas.invoke, ReceiptOptions(mode="delivered", failure_rate=1.0))
    send_sms_and_email(api, demo.api_key, drain)
    simulator.feed()
    assert {(i["channel"], i["status"]) for i in stored_messages(stack)} == {
        ("sms", "UNDELIVERED"),
        ("email", "UNDELIVERED"),
    }


def test_receipt_simulation_off_reports_nothing(api, demo, stack: Stack, drain, lambdas: LocalLambdas):
    simulator = ReceiptSimulator(lambdas.invoke, ReceiptOptions(mode="off"))
    send_sms_and_email(api, demo.api_key, drain)
    assert simulator.feed() == 0
    assert {item["status"] for item in stored_messages(stack)} == {"SENT"}
