"""A templated /all or /tags send run as a send job renders, prices and charges each recipient's
message as a direct send does, with the template as it was when the send was accepted."""

from typing import Any

import pytest
from werkzeug.test import Client

from devstack.provision import Stack

from .helpers import auth, credits_of, stored_messages

pytestmark = pytest.mark.usefixtures("small_sync_limit")


def template_of(api: Client, key: str, body: str, **fields: Any) -> str:
    created = api.post(
        "/api/templates", json={"name": "t", "channel": "sms", "body": body, **fields}, headers=auth(key)
    ).json
    return str(created["id"])


def test_send_job_renders_each_recipient_with_the_template_as_accepted(api: Client, demo, stack: Stack, run_jobs):
    # Given a templated send to all, accepted as a job
    template_id = template_of(api, demo.api_key, "Hola {{firstName}}")
    response = api.post("/api/messages/sms/all", json={"templateId": template_id}, headers=auth(demo.api_key))
    assert response.status_code == 202
    # When the template is edited before the fan-out worker runs the job
    api.patch(f"/api/templates/{template_id}", json={"body": "Adiós {{firstName}}"}, headers=auth(demo.api_key))
    run_jobs()
    # Then each active contact got the accepted template, rendered for them
    assert {item["recipientDetails"]: item["content"] for item in stored_messages(stack)} == {
        "+573001234567": "Hola Juan",
        "+573009876543": "Hola María",
        "+573015550101": "Hola Carlos",
    }


def test_send_job_skips_recipients_a_variable_is_missing_for_and_charges_the_rest(
    api: Client, demo, stack: Stack, run_jobs
):
    # Given a template needing a custom field only Carlos has
    carlos = next(
        c for c in api.get("/api/contacts", headers=auth(demo.api_key)).json["data"] if c["name"] == "Carlos Ruiz"
    )
    api.patch(f"/api/contacts/{carlos['id']}", json={"customFields": {"plan": "gold"}}, headers=auth(demo.api_key))
    template_id = template_of(api, demo.api_key, "{{firstName}}: plan {{plan}}")
    # When it is sent to all as a job
    api.post("/api/messages/sms/all", json={"templateId": template_id}, headers=auth(demo.api_key))
    run_jobs()
    # Then only Carlos got a message, and only it was charged
    assert [item["content"] for item in stored_messages(stack)] == ["Carlos: plan gold"]
    assert credits_of(demo.org_id) == 99


def test_send_job_prices_each_rendered_message(api: Client, demo, stack: Stack, run_jobs):
    # Given a template whose rendering for Juan takes two parts
    juan = next(
        c for c in api.get("/api/contacts", headers=auth(demo.api_key)).json["data"] if c["name"] == "Juan Pérez"
    )
    api.patch(f"/api/contacts/{juan['id']}", json={"customFields": {"pad": "x" * 161}}, headers=auth(demo.api_key))
    template_id = template_of(api, demo.api_key, "{{pad}}", defaults={"pad": "-"})
    # When it is sent to all as a job
    api.post("/api/messages/sms/all", json={"templateId": template_id}, headers=auth(demo.api_key))
    run_jobs()
    # Then Juan's message costs two credits, the others one each, and nothing more was charged
    costs = {item["recipientDetails"]: int(item["cost"]) for item in stored_messages(stack)}
    assert costs == {"+573001234567": 2, "+573009876543": 1, "+573015550101": 1}
    assert credits_of(demo.org_id) == 100 - 4
