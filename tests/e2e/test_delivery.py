"""Over real HTTP on the local stack: a message goes all the way to its provider's receipt."""

from .conftest import Api


def test_delivery_sms_reaches_delivered_with_its_history(api: Api):
    # Given an SMS accepted by the API
    response = api.post("/api/messages/sms/contacts", {"message": "Hola", "contacts": ["3001234567"], "country": "CO"})
    (message,) = response.json()["messages"]
    # When the worker sends it and SNS's (simulated) delivery status log comes back
    delivered = api.wait_for(message["id"], {"DELIVERED", "UNDELIVERED", "FAILED"})
    # Then GET /api/messages/{id} shows it DELIVERED, with every step and who recorded it
    assert delivered["status"] == "DELIVERED"
    assert delivered["sentAt"]
    steps = [(event["status"], event["source"]) for event in delivered["history"]]
    assert [status for status, _ in steps] == ["QUEUED", "SENDING", "SENT", "DELIVERED"]
    assert steps[-1][1] == "sns"


def test_delivery_email_reaches_delivered_through_ses_events(api: Api):
    body = {"subject": "Hello", "message": "<p>Hi</p>", "contentType": "HTML", "contacts": ["juan@example.com"]}
    (message,) = api.post("/api/messages/email/contacts", body).json()["messages"]
    delivered = api.wait_for(message["id"], {"DELIVERED", "UNDELIVERED", "FAILED"})
    assert delivered["status"] == "DELIVERED"
    assert delivered["history"][-1]["source"] == "ses"
