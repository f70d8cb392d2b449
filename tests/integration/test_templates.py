"""/api/templates and templated sends: each recipient's message rendered, priced and charged for
that recipient; a recipient a variable is missing for skipped."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.provision import Stack

from .helpers import auth, credits_of, organization, stored_messages

WELCOME = {"name": "Bienvenida", "channel": "sms", "body": "Hola {{firstName}}, bienvenido"}


def create(api: Client, key: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/templates", json=body, headers=auth(key))
    assert response.status_code == 201, response.json
    created = response.get_json()
    assert isinstance(created, dict)
    return created


def contents(stack: Stack) -> dict[str, str]:
    return {item["recipientDetails"]: item["content"] for item in stored_messages(stack)}


def test_templates_create_then_get_returns_the_template(api: Client, demo):
    created = create(api, demo.api_key, {**WELCOME, "defaults": {"plan": "básico"}})
    response = api.get(f"/api/templates/{created['id']}", headers=auth(demo.api_key))
    assert response.status_code == 200
    assert response.json == created
    assert (created["body"], created["defaults"], created["subject"]) == (WELCOME["body"], {"plan": "básico"}, None)


def test_templates_list_pages_with_a_cursor(api: Client, demo):
    ids = [create(api, demo.api_key, {**WELCOME, "name": f"t{n}"})["id"] for n in range(3)]
    first = api.get("/api/templates?limit=2", headers=auth(demo.api_key)).json
    rest = api.get(f"/api/templates?limit=2&cursor={first['meta']['nextCursor']}", headers=auth(demo.api_key)).json
    assert [t["id"] for t in first["data"] + rest["data"]] == ids
    assert (first["meta"]["hasNextPage"], rest["meta"]["hasNextPage"]) == (True, False)


def test_templates_patch_changes_only_the_fields_sent(api: Client, demo):
    created = create(api, demo.api_key, WELCOME)
    response = api.patch(f"/api/templates/{created['id']}", json={"body": "Hola {{name}}"}, headers=auth(demo.api_key))
    assert response.status_code == 200
    assert (response.json["body"], response.json["name"]) == ("Hola {{name}}", WELCOME["name"])


def test_templates_delete_then_get_is_404(api: Client, demo):
    created = create(api, demo.api_key, WELCOME)
    assert api.delete(f"/api/templates/{created['id']}", headers=auth(demo.api_key)).status_code == 204
    assert api.get(f"/api/templates/{created['id']}", headers=auth(demo.api_key)).status_code == 404
    assert api.delete(f"/api/templates/{created['id']}", headers=auth(demo.api_key)).status_code == 404


def test_templates_of_another_organisation_are_404(api: Client, demo):
    created = create(api, demo.api_key, WELCOME)
    _, other = organization(credits=10)
    assert api.get(f"/api/templates/{created['id']}", headers=auth(other)).status_code == 404
    assert api.patch(f"/api/templates/{created['id']}", json={"name": "x"}, headers=auth(other)).status_code == 404
    assert api.post(f"/api/templates/{created['id']}/preview", json={}, headers=auth(other)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({**WELCOME, "body": "Hola {{#vip}}"}, "body", id="unclosed-section"),
        pytest.param({**WELCOME, "channel": "email"}, "subject", id="email-without-subject"),
        pytest.param({**WELCOME, "subject": "Hi"}, "subject", id="sms-with-subject"),
        pytest.param({**WELCOME, "body": "x" * 1601}, "body", id="sms-too-long"),
        pytest.param({**WELCOME, "channel": "fax"}, "channel", id="unknown-channel"),
        pytest.param({**WELCOME, "script": "x"}, "script", id="unknown-field"),
    ],
)
def test_templates_create_refuses_bad_input_naming_the_field(api: Client, demo, body: dict[str, Any], field: str):
    response = api.post("/api/templates", json=body, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["field"] == field


def test_templates_preview_renders_for_one_contact(api: Client, demo):
    # Given a template using a contact's first name and a variable the preview gives
    created = create(api, demo.api_key, {**WELCOME, "body": "Hola {{firstName}}, codigo {{code}}"})
    juan = _contact_id(api, demo, "+573001234567")
    # When it is previewed for that contact
    response = api.post(
        f"/api/templates/{created['id']}/preview",
        json={"contactId": juan, "variables": {"code": "1234"}},
        headers=auth(demo.api_key),
    )
    # Then it is what the contact would get
    assert response.status_code == 200
    assert response.json == {"subject": None, "body": "Hola Juan, codigo 1234", "segments": 1, "encoding": "GSM-7"}


def test_templates_preview_names_a_missing_variable(api: Client, demo):
    created = create(api, demo.api_key, {**WELCOME, "body": "Tu plan {{plan}}"})
    response = api.post(f"/api/templates/{created['id']}/preview", json={}, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert "missing-variable:plan" in response.json["message"]


def test_send_with_template_renders_each_recipients_message(api: Client, demo, stack: Stack):
    # Given a template and two contacts tagged customers (Juan Pérez, María Gómez; Ana is BLOCKED)
    template = create(api, demo.api_key, WELCOME)
    # When it is sent to the tag
    response = api.post(
        "/api/messages/sms/tags",
        json={"templateId": template["id"], "tags": ["customers"]},
        headers=auth(demo.api_key),
    )
    # Then each got its own message
    assert response.status_code == 201, response.json
    assert contents(stack) == {"+573001234567": "Hola Juan, bienvenido", "+573009876543": "Hola María, bienvenido"}


def test_send_with_template_skips_a_recipient_a_variable_is_missing_for(api: Client, demo, stack: Stack):
    template = create(api, demo.api_key, {**WELCOME, "body": "Hola {{firstName}}"})
    response = api.post(
        "/api/messages/sms/contacts",
        json={"templateId": template["id"], "contacts": ["3001234567", "3001112233"]},
        headers=auth(demo.api_key),
    )
    # 300 111 2233 is no contact: it has no firstName
    assert response.status_code == 201
    assert response.json["skipped"] == [{"recipient": "+573001112233", "reason": "missing-variable:firstName"}]
    assert contents(stack) == {"+573001234567": "Hola Juan"}
    assert credits_of(demo.org_id) == 99


def test_send_with_template_uses_the_default_of_a_missing_variable(api: Client, demo, stack: Stack):
    template = create(api, demo.api_key, {**WELCOME, "body": "Hola {{firstName}}", "defaults": {"firstName": "amigo"}})
    api.post(
        "/api/messages/sms/contacts",
        json={"templateId": template["id"], "contacts": ["3001234567", "3001112233"]},
        headers=auth(demo.api_key),
    )
    assert contents(stack) == {"+573001234567": "Hola Juan", "+573001112233": "Hola amigo"}


def test_send_with_template_prices_each_rendered_message(api: Client, demo, stack: Stack):
    # Given a template whose send variable makes one recipient's message two parts
    template = create(api, demo.api_key, {**WELCOME, "body": "{{firstName}} {{pad}}"})
    api.patch(
        f"/api/contacts/{_contact_id(api, demo, '+573001234567')}",
        json={"customFields": {"pad": "x" * 160}},
        headers=auth(demo.api_key),
    )
    # When it is sent with a short pad for everyone else
    response = api.post(
        "/api/messages/sms/contacts",
        json={"templateId": template["id"], "contacts": ["3001234567", "3009876543"], "variables": {"pad": "-"}},
        headers=auth(demo.api_key),
    )
    # Then the send's variable wins over the contact's (both one part), and 2 credits are charged
    assert response.status_code == 201
    assert sorted(item["segments"] for item in stored_messages(stack)) == [1, 1]
    assert credits_of(demo.org_id) == 98


def test_send_with_template_charges_a_long_rendering_its_parts(api: Client, demo, stack: Stack):
    template = create(api, demo.api_key, {**WELCOME, "body": "{{firstName}} {{pad}}"})
    api.patch(
        f"/api/contacts/{_contact_id(api, demo, '+573001234567')}",
        json={"customFields": {"pad": "x" * 160}},
        headers=auth(demo.api_key),
    )
    api.patch(
        f"/api/contacts/{_contact_id(api, demo, '+573009876543')}",
        json={"customFields": {"pad": "-"}},
        headers=auth(demo.api_key),
    )
    response = api.post(
        "/api/messages/sms/contacts",
        json={"templateId": template["id"], "contacts": ["3001234567", "3009876543"]},
        headers=auth(demo.api_key),
    )
    assert response.status_code == 201
    by_recipient = {item["recipientDetails"]: (item["segments"], item["cost"]) for item in stored_messages(stack)}
    assert by_recipient == {"+573001234567": (2, 2), "+573009876543": (1, 1)}
    assert credits_of(demo.org_id) == 97


def test_send_with_template_dry_run_shows_a_rendered_sample(api: Client, demo, stack: Stack):
    template = create(api, demo.api_key, WELCOME)
    response = api.post(
        "/api/messages/sms/contacts?dryRun=true",
        json={"templateId": template["id"], "contacts": ["3001234567"]},
        headers=auth(demo.api_key),
    )
    assert response.status_code == 200
    assert response.json["sample"] == {"recipient": "+573001234567", "message": "Hola Juan, bienvenido"}
    assert (response.json["totalCost"], stored_messages(stack), credits_of(demo.org_id)) == (1, [], 100)


def test_send_email_with_template_renders_subject_and_escapes_html(api: Client, demo, stack: Stack):
    body = {"name": "News", "channel": "email", "subject": "Hola {{firstName}}", "body": "<p>{{note}}</p>"}
    template = create(api, demo.api_key, body)
    response = api.post(
        "/api/messages/email/contacts",
        json={"templateId": template["id"], "contacts": ["juan@example.com"], "variables": {"note": "<b>&</b>"}},
        headers=auth(demo.api_key),
    )
    assert response.status_code == 201
    (item,) = stored_messages(stack)
    assert (item["subject"], item["content"], item["contentType"]) == (
        "Hola Juan",
        "<p>&lt;b&gt;&amp;&lt;/b&gt;</p>",
        "HTML",
    )


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        pytest.param({"templateId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a99"}, "templateId", id="unknown-template"),
        pytest.param({"templateId": "TEMPLATE", "message": "Hi"}, "message", id="message-and-template"),
        pytest.param({"message": "Hi", "variables": {"a": "b"}}, "variables", id="variables-without-template"),
        pytest.param({}, "message", id="neither"),
        pytest.param(
            {"message": "Hi", "campaignId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a99"}, "campaignId", id="unknown-campaign"
        ),
    ],
)
def test_send_refuses_a_bad_template_or_campaign_and_charges_nothing(
    api: Client, demo, stack: Stack, extra: dict[str, Any], field: str
):
    template = create(api, demo.api_key, WELCOME)
    body = {key: template["id"] if value == "TEMPLATE" else value for key, value in extra.items()}
    response = api.post(
        "/api/messages/sms/contacts", json={**body, "contacts": ["3001234567"]}, headers=auth(demo.api_key)
    )
    assert response.status_code == 400, response.json
    assert response.json["field"] == field
    assert (stored_messages(stack), credits_of(demo.org_id)) == ([], 100)


def test_send_refuses_a_template_of_the_other_channel(api: Client, demo):
    template = create(api, demo.api_key, WELCOME)
    response = api.post(
        "/api/messages/email/contacts",
        json={"templateId": template["id"], "contacts": ["juan@example.com"]},
        headers=auth(demo.api_key),
    )
    assert (response.status_code, response.json["field"]) == (400, "templateId")


def _contact_id(api: Client, demo: Any, phone: str) -> str:
    contacts = api.get("/api/contacts", headers=auth(demo.api_key)).json["data"]
    return str(next(contact["id"] for contact in contacts if contact["phone"] == phone))
