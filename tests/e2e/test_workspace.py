"""workspace-messages.txt's three examples (send, list, get) over real HTTP against the local stack,
as written but for the host, the key and the ids they name (the workspace is the caller's
organisation; the contact, template and campaign are made here)."""

import uuid
from typing import Any

import pytest

from .conftest import PROVIDER_ACCEPTED, Api, assert_refused_unauthenticated

# The spec's list item and pagination, by their keys.
SPEC_ITEM = {"id", "channel", "status", "subject", "sentAt", "openedAt", "contactId", "campaignId"}
SPEC_PAGINATION = {"page", "limit", "total", "totalPages"}
WORKSPACE_STATUSES = {
    "QUEUED",
    "SENDING",
    "SENT",
    "DELIVERED",
    "OPENED",
    "CLICKED",
    "BOUNCED",
    "FAILED",
    "UNSUBSCRIBED",
}


@pytest.fixture(scope="module")
def workspace(api: Api) -> str:
    return str(api.get("/api/account").json()["id"])


@pytest.fixture(scope="module")
def sent(api: Api, workspace: str) -> dict[str, Any]:
    """The spec's send example, its ids those of a contact, a template and a campaign made here."""
    contact = api.post("/api/contacts", {"name": "Wanda Spec", "email": f"wanda-{uuid.uuid4().hex[:8]}@example.com"})
    template = api.post(
        "/api/templates", {"name": "Digest", "channel": "email", "subject": "Digest", "body": "Hi {{firstName}}"}
    )
    campaign = api.post("/api/campaigns", {"name": f"Weekly digest {uuid.uuid4().hex[:6]}"})
    assert (contact.status_code, template.status_code, campaign.status_code) == (201, 201, 201)
    body = {
        "contactId": contact.json()["id"],
        "channel": "EMAIL",
        "subject": "Your weekly digest",
        "body": "<h1>Hello {{firstName}}</h1><p>Here is your update...</p>",
        "templateId": template.json()["id"],
        "campaignId": campaign.json()["id"],
        "metadata": {"category": "digest"},
    }
    response = api.post(f"/api/workspaces/{workspace}/messages", body)
    assert response.status_code == 200, response.json()
    return {"request": body, "response": response.json(), "campaign": campaign.json()}


def test_e2e_workspace_send_example_answers_the_dispatch_result(sent: dict[str, Any]):
    dispatched = sent["response"]
    assert dispatched["channel"] == "EMAIL"
    assert dispatched["status"] in WORKSPACE_STATUSES
    assert dispatched["contactId"] == sent["request"]["contactId"]
    assert dispatched["campaignId"] == sent["request"]["campaignId"]
    assert dispatched["cost"] >= 1


def test_e2e_workspace_list_example_has_the_spec_shape(api: Api, workspace: str, sent: dict[str, Any]):
    api.wait_for(sent["response"]["id"], PROVIDER_ACCEPTED)
    response = api.get(f"/api/workspaces/{workspace}/messages?contactId={sent['request']['contactId']}")
    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"data", "pagination"}
    (item,) = page["data"]
    assert set(item) == SPEC_ITEM
    assert item["id"] == sent["response"]["id"]
    assert item["status"] in {"SENT", "DELIVERED"}
    assert item["sentAt"] is not None
    assert page["pagination"] == {"page": 1, "limit": 50, "total": 1, "totalPages": 1}


def test_e2e_workspace_list_paginates_the_whole_workspace(api: Api, workspace: str, sent: dict[str, Any]):
    pagination = api.get(f"/api/workspaces/{workspace}/messages?page=1&limit=2").json()["pagination"]
    assert set(pagination) == SPEC_PAGINATION
    assert pagination["total"] >= 1
    assert pagination["totalPages"] == -(-pagination["total"] // 2)


def test_e2e_workspace_get_example_has_contact_template_campaign_and_events(
    api: Api, workspace: str, sent: dict[str, Any]
):
    message_id = sent["response"]["id"]
    api.wait_for(message_id, PROVIDER_ACCEPTED)
    response = api.get(f"/api/workspaces/{workspace}/messages/{message_id}")
    assert response.status_code == 200
    detail = response.json()
    assert set(detail) >= SPEC_ITEM
    assert detail["contact"]["id"] == sent["request"]["contactId"]
    assert detail["contact"]["name"] == "Wanda Spec"
    assert detail["campaign"] == {"id": sent["campaign"]["id"], "name": sent["campaign"]["name"]}
    assert detail["body"] == "<h1>Hello Wanda</h1><p>Here is your update...</p>"
    assert detail["metadata"] == {"category": "digest"}
    assert [event["status"] for event in detail["events"]][:3] == ["QUEUED", "SENDING", "SENT"]


def test_e2e_workspace_of_another_organisation_is_404(api: Api):
    response = api.get(f"/api/workspaces/{uuid.uuid4()}/messages")
    assert response.status_code == 404
    assert response.json()["error"] == "Not found"


def test_e2e_workspace_send_on_an_unavailable_channel_is_422(api: Api, workspace: str, sent: dict[str, Any]):
    body = {"contactId": sent["request"]["contactId"], "channel": "PUSH", "body": "Hello"}
    response = api.post(f"/api/workspaces/{workspace}/messages", body)
    assert response.status_code == 422
    assert response.json()["reason"] == "channel-not-available"


def test_e2e_workspace_without_a_key_is_the_spec_401(api: Api, workspace: str):
    import requests

    assert_refused_unauthenticated(requests.get(f"{api.base_url}/api/workspaces/{workspace}/messages", timeout=10))
