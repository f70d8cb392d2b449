"""Templates and campaigns over real HTTP against the local stack: a template renders for each
contact, and the messages' list items name their campaign."""

from typing import Any

import pytest

from .conftest import PROVIDER_ACCEPTED
from .tenants import Tenant, new_tenant


@pytest.fixture(scope="module")
def tenant(local_stack: dict[str, Any]) -> Tenant:
    return new_tenant(local_stack, "--accept-terms", "--country", "CO")


def test_e2e_templated_campaign_send_renders_per_contact_and_names_its_campaign(tenant: Tenant):
    # Given two contacts, a template using their first names and a campaign
    api = tenant.api
    for name, phone in (("Ana Ruiz", "+573005550201"), ("Luis Mora", "+573005550202")):
        assert api.post("/api/contacts", {"name": name, "phone": phone, "tags": ["e2e-tpl"]}).status_code == 201
    template = api.post("/api/templates", {"name": "Hola", "channel": "sms", "body": "Hola {{firstName}}"}).json()
    campaign = api.post("/api/campaigns", {"name": "Campaña de bienvenida"}).json()
    # When the template is sent to the tag in the campaign
    response = api.post(
        "/api/messages/sms/tags", {"templateId": template["id"], "tags": ["e2e-tpl"], "campaignId": campaign["id"]}
    )
    assert response.status_code == 201, response.json()
    # Then each contact's message is its own, sent, and listed under the campaign's name
    sent = [api.wait_for(m["id"], PROVIDER_ACCEPTED) for m in response.json()["messages"]]
    assert {(m["recipientDetails"], m["content"]) for m in sent} == {
        ("+573005550201", "Hola Ana"),
        ("+573005550202", "Hola Luis"),
    }
    assert all(m["status"] in PROVIDER_ACCEPTED for m in sent)
    listed = api.get(f"/api/messages?campaignId={campaign['id']}").json()["data"]
    assert {m["campaign"]["name"] for m in listed} == {"Campaña de bienvenida"}
    assert len(listed) == 2
