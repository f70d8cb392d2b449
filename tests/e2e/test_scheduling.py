"""Over real HTTP on the local stack: a send scheduled a minute ahead fires on the sweeper's
schedule, and a canceled one never does."""

from datetime import UTC, datetime, timedelta

from .conftest import Api


def test_scheduling_a_send_a_minute_ahead_fires_and_a_canceled_message_refunds(api: Api):
    # Given a send of two SMS scheduled just over a minute ahead
    at = (datetime.now(UTC) + timedelta(seconds=65)).isoformat()
    body = {"message": "Hola", "contacts": ["3001234567", "3009876543"], "country": "CO", "scheduledAt": at}
    response = api.post("/api/messages/sms/contacts", body)
    assert response.status_code == 201
    kept, dropped = (message["id"] for message in response.json()["messages"])
    assert api.get(f"/api/messages/{kept}").json()["status"] == "SCHEDULED"
    # When one is canceled (twice) before its time
    canceled = [api.post(f"/api/messages/{dropped}/cancel", None).json() for _ in range(2)]
    # Then it is refunded once, the other fires within the sweeper's minute and is delivered,
    # and the canceled one never leaves CANCELED
    assert canceled == [{"id": dropped, "status": "CANCELED", "refunded": 1}] * 2
    delivered = api.wait_for(kept, {"DELIVERED", "UNDELIVERED", "FAILED"}, seconds=150)
    assert delivered["status"] == "DELIVERED"
    assert [event["status"] for event in delivered["history"]][:2] == ["SCHEDULED", "QUEUED"]
    assert api.get(f"/api/messages/{dropped}").json()["status"] == "CANCELED"
