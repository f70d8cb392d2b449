"""The workspace dialect (decision 41): /api/workspaces/{workspaceId}/messages over our list, send and store."""

from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.suppressions import OPTED_OUT
from sendme.storage import keys, search
from sendme.wiring.contacts import suppressions

from .helpers import auth, credits_of, organization, stored_messages

ZOE = {"name": "Zoe Vidal", "email": "zoe@example.org", "phone": "+573001112233"}


def _contact(api: Client, key: str, **fields: Any) -> str:
    response = api.post("/api/contacts", json=fields or ZOE, headers=auth(key))
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def _send(api: Client, demo: Any, body: dict[str, Any], **headers: str) -> Any:
    return api.post(f"/api/workspaces/{demo.org_id}/messages", json=body, headers={**auth(demo.api_key), **headers})


def _email(api: Client, demo: Any, contact_id: str, **extra: Any) -> str:
    body = {"contactId": contact_id, "channel": "EMAIL", "subject": "Hi", "body": "Hello {{firstName}}", **extra}
    response = _send(api, demo, body)
    assert response.status_code == 200, response.json
    return str(response.json["id"])


def _set(stack: Stack, org_id: str, message_id: str, status: str, **attributes: str) -> None:
    """What the receipts write: the status (and its byStatus key) and engagement timestamps."""
    names = {"#status": "status", **{f"#{name}": name for name in attributes}}
    values = {":status": status, ":key": keys.partition(org_id, status), **{f":{n}": v for n, v in attributes.items()}}
    assignments = ["#status = :status", "orgStatus = :key", *(f"#{name} = :{name}" for name in attributes)]
    boto3.resource("dynamodb").Table(stack.ref("MessagesTable")).update_item(
        Key={"orgId": org_id, "id": message_id},
        UpdateExpression="SET " + ", ".join(assignments),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def _list(api: Client, demo: Any, query: str = "") -> Any:
    return api.get(f"/api/workspaces/{demo.org_id}/messages{query}", headers=auth(demo.api_key))


def _engaged(api: Client, demo: Any, stack: Stack) -> dict[str, str]:
    """Four emails to Zoe: opened, clicked, bounced, unsubscribed (by the table's words)."""
    contact_id = _contact(api, demo.api_key)
    ids = {word: _email(api, demo, contact_id) for word in ("OPENED", "CLICKED", "BOUNCED", "UNSUBSCRIBED")}
    at = "2026-12-06T10:00:00.000Z"
    _set(stack, demo.org_id, ids["OPENED"], "READ", openedAt=at)
    _set(stack, demo.org_id, ids["CLICKED"], "READ", openedAt=at, clickedAt=at)
    _set(stack, demo.org_id, ids["BOUNCED"], "UNDELIVERED", bouncedAt=at)
    _set(stack, demo.org_id, ids["UNSUBSCRIBED"], "READ", openedAt=at, unsubscribedAt=at)
    return ids


def test_workspace_list_status_opened_excludes_clicked_and_unsubscribed(api: Client, demo, stack: Stack):
    ids = _engaged(api, demo, stack)
    response = _list(api, demo, "?status=OPENED")
    assert response.status_code == 200
    assert [item["id"] for item in response.json["data"]] == [ids["OPENED"]]
    assert response.json["data"][0]["status"] == "OPENED"
    assert response.json["pagination"] == {"page": 1, "limit": 50, "total": 1, "totalPages": 1}


def test_workspace_list_status_clicked_is_the_clicked_read(api: Client, demo, stack: Stack):
    ids = _engaged(api, demo, stack)
    data = _list(api, demo, "?status=CLICKED").json["data"]
    assert [(item["id"], item["status"]) for item in data] == [(ids["CLICKED"], "CLICKED")]


def test_workspace_list_status_bounced_is_the_bounced_undelivered(api: Client, demo, stack: Stack):
    ids = _engaged(api, demo, stack)
    data = _list(api, demo, "?status=BOUNCED").json["data"]
    assert [(item["id"], item["status"]) for item in data] == [(ids["BOUNCED"], "BOUNCED")]


def test_workspace_list_status_unsubscribed_reads_two_of_our_statuses(api: Client, demo, stack: Stack):
    ids = _engaged(api, demo, stack)
    # Given a delivered email unsubscribed from too (our DELIVERED, not READ)
    delivered = _email(api, demo, _contact(api, demo.api_key, name="Leo Mar", email="leo@example.org"))
    _set(stack, demo.org_id, delivered, "DELIVERED", unsubscribedAt="2026-12-06T11:00:00.000Z")
    response = _list(api, demo, "?status=UNSUBSCRIBED").json
    assert [item["id"] for item in response["data"]] == sorted([ids["UNSUBSCRIBED"], delivered], reverse=True)
    assert response["pagination"]["total"] == 2


def test_workspace_list_status_queued_reads_queued_and_scheduled(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    first, second = _email(api, demo, contact_id), _email(api, demo, contact_id)
    _set(stack, demo.org_id, first, "SCHEDULED")
    data = _list(api, demo, "?status=queued").json["data"]
    assert [(item["id"], item["status"]) for item in data] == [(second, "QUEUED"), (first, "QUEUED")]


def test_workspace_list_filters_by_contact_and_campaign(api: Client, demo):
    zoe = _contact(api, demo.api_key)
    leo = _contact(api, demo.api_key, name="Leo Mar", email="leo@example.org")
    campaign = api.post("/api/campaigns", json={"name": "Digest"}, headers=auth(demo.api_key)).json["id"]
    to_zoe = _email(api, demo, zoe, campaignId=campaign)
    _email(api, demo, leo)
    by_contact = _list(api, demo, f"?contactId={zoe}").json["data"]
    by_campaign = _list(api, demo, f"?campaignId={campaign}").json["data"]
    assert [item["id"] for item in by_contact] == [item["id"] for item in by_campaign] == [to_zoe]
    assert by_contact[0]["campaignId"] == campaign
    assert by_contact[0]["contactId"] == zoe


def test_workspace_list_channel_filters_and_unserved_channels_match_nothing(api: Client, demo):
    contact_id = _contact(api, demo.api_key)
    email = _email(api, demo, contact_id)
    sms = _send(api, demo, {"contactId": contact_id, "channel": "SMS", "body": "Hola {{firstName}}"}).json["id"]
    assert [item["id"] for item in _list(api, demo, "?channel=EMAIL").json["data"]] == [email]
    assert [(i["id"], i["channel"]) for i in _list(api, demo, "?channel=SMS").json["data"]] == [(sms, "SMS")]
    push = _list(api, demo, "?channel=PUSH").json
    assert push == {"data": [], "pagination": {"page": 1, "limit": 50, "total": 0, "totalPages": 0}}


def test_workspace_list_pages_with_totals(api: Client, demo):
    contact_id = _contact(api, demo.api_key)
    ids = sorted((_email(api, demo, contact_id) for _ in range(5)), reverse=True)
    pages = [_list(api, demo, f"?limit=2&page={page}").json for page in (1, 2, 3)]
    assert [[item["id"] for item in page["data"]] for page in pages] == [ids[:2], ids[2:4], ids[4:]]
    assert pages[2]["pagination"] == {"page": 3, "limit": 2, "total": 5, "totalPages": 3}


def test_workspace_list_capped_total_still_pages_past_it(api: Client, demo, monkeypatch: pytest.MonkeyPatch):
    # Given five messages and a count budget of two items
    contact_id = _contact(api, demo.api_key)
    ids = sorted((_email(api, demo, contact_id) for _ in range(5)), reverse=True)
    monkeypatch.setattr(search, "COUNT_READ_LIMIT", 2)
    # When the second page of two is asked for
    response = _list(api, demo, f"?contactId={contact_id}&limit=2&page=2").json
    # Then the total is the lower bound counted, said so, and the page is still read
    assert response["pagination"] == {"page": 2, "limit": 2, "total": 2, "totalPages": 1, "totalCapped": True}
    assert [item["id"] for item in response["data"]] == ids[2:4]


def test_workspace_list_merged_statuses_page_with_totals(api: Client, demo, stack: Stack):
    # Given five messages the workspace calls QUEUED, stored as our QUEUED or SCHEDULED
    contact_id = _contact(api, demo.api_key)
    ids = sorted((_email(api, demo, contact_id) for _ in range(5)), reverse=True)
    for message_id in ids[1::2]:
        _set(stack, demo.org_id, message_id, "SCHEDULED")
    pages = [_list(api, demo, f"?status=QUEUED&limit=2&page={page}").json for page in (1, 2, 3)]
    assert [[item["id"] for item in page["data"]] for page in pages] == [ids[:2], ids[2:4], ids[4:]]
    assert pages[0]["pagination"]["total"] == 5


def test_workspace_list_page_beyond_ten_thousand_is_400_pointing_to_the_cursor(api: Client, demo):
    response = _list(api, demo, "?limit=100&page=101")
    assert response.status_code == 400
    assert response.json["field"] == "page"
    assert "cursor" in response.json["message"]


def test_workspace_list_unknown_status_word_is_400(api: Client, demo):
    response = _list(api, demo, "?status=READ")
    assert response.status_code == 400
    assert response.json["field"] == "status"


def test_workspace_of_another_organisation_is_404(api: Client, demo):
    message_id = _email(api, demo, _contact(api, demo.api_key))
    other_id, _ = organization(10)
    for response in (
        api.get(f"/api/workspaces/{other_id}/messages", headers=auth(demo.api_key)),
        api.get(f"/api/workspaces/{other_id}/messages/{message_id}", headers=auth(demo.api_key)),
        api.get("/api/workspaces/no-such-workspace/messages", headers=auth(demo.api_key)),
        api.post(
            f"/api/workspaces/{other_id}/messages",
            json={"contactId": "x", "channel": "EMAIL", "body": "hi", "subject": "s"},
            headers=auth(demo.api_key),
        ),
    ):
        assert response.status_code == 404
        assert response.json["error"] == "Not found"


def test_workspace_list_without_a_key_is_401(api: Client, demo):
    response = api.get(f"/api/workspaces/{demo.org_id}/messages")
    assert response.status_code == 401


def test_workspace_send_renders_the_contact_and_charges_once(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    before = credits_of(demo.org_id)
    body = {
        "contactId": contact_id,
        "channel": "EMAIL",
        "subject": "Digest for {{firstName}}",
        "body": "<h1>Hello {{firstName}}</h1>",
        "metadata": {"category": "digest"},
    }
    response = _send(api, demo, body)
    assert response.status_code == 200
    dispatched = response.json
    assert dispatched["status"] == "QUEUED"
    assert dispatched["channel"] == "EMAIL"
    assert (dispatched["contactId"], dispatched["recipient"]) == (contact_id, "zoe@example.org")
    assert credits_of(demo.org_id) == before - dispatched["cost"]
    (stored,) = stored_messages(stack)
    assert (stored["subject"], stored["content"]) == ("Digest for Zoe", "<h1>Hello Zoe</h1>")
    assert stored["metadata"] == {"category": "digest"}


def test_workspace_send_with_a_template_renders_it(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    template = {"name": "Welcome", "channel": "sms", "body": "Hola {{firstName}}"}
    template_id = api.post("/api/templates", json=template, headers=auth(demo.api_key)).json["id"]
    response = _send(api, demo, {"contactId": contact_id, "channel": "SMS", "templateId": template_id})
    assert response.status_code == 200
    (stored,) = stored_messages(stack)
    assert (stored["content"], stored["templateId"]) == ("Hola Zoe", template_id)


def test_workspace_send_email_with_a_template_alone_renders_its_subject(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    template = {"name": "Digest", "channel": "email", "subject": "For {{firstName}}", "body": "Hi {{firstName}}"}
    template_id = api.post("/api/templates", json=template, headers=auth(demo.api_key)).json["id"]
    response = _send(api, demo, {"contactId": contact_id, "channel": "EMAIL", "templateId": template_id})
    assert response.status_code == 200, response.json
    (stored,) = stored_messages(stack)
    assert (stored["subject"], stored["content"]) == ("For Zoe", "Hi Zoe")


def _template(api: Client, demo: Any, **fields: Any) -> str:
    response = api.post("/api/templates", json=fields, headers=auth(demo.api_key))
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def test_workspace_send_body_beside_a_template_keeps_its_id_and_lends_its_defaults(api: Client, demo, stack: Stack):
    # Given an email template with a default, and a contact
    contact_id = _contact(api, demo.api_key)
    template_id = _template(api, demo, name="Digest", channel="email", subject="S", body="B", defaults={"plan": "Gold"})
    # When a send names both a body and the template, as the spec's example does
    body = {"subject": "Your {{plan}} digest", "body": "<h1>Hello {{firstName}}</h1>", "templateId": template_id}
    response = _send(api, demo, {"contactId": contact_id, "channel": "EMAIL", **body})
    # Then the body is rendered with the template's defaults and the message keeps the template's id
    assert response.status_code == 200, response.json
    (stored,) = stored_messages(stack)
    assert (stored["subject"], stored["content"]) == ("Your Gold digest", "<h1>Hello Zoe</h1>")
    detail = api.get(f"/api/workspaces/{demo.org_id}/messages/{response.json['id']}", headers=auth(demo.api_key))
    assert detail.json["template"] == {"id": template_id, "name": "Digest"}


def test_workspace_send_body_beside_a_template_without_subject_takes_the_templates(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    template_id = _template(api, demo, name="Digest", channel="email", subject="For {{firstName}}", body="B")
    response = _send(api, demo, {"contactId": contact_id, "channel": "EMAIL", "body": "Hi", "templateId": template_id})
    assert response.status_code == 200, response.json
    (stored,) = stored_messages(stack)
    assert (stored["subject"], stored["content"]) == ("For Zoe", "Hi")


def test_workspace_send_body_beside_a_template_of_the_other_channel_is_400(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    template_id = _template(api, demo, name="Welcome", channel="sms", body="Hola")
    response = _send(
        api,
        demo,
        {"contactId": contact_id, "channel": "EMAIL", "subject": "S", "body": "Hi", "templateId": template_id},
    )
    assert response.status_code == 400
    assert response.json["field"] == "templateId"
    assert stored_messages(stack) == []


def test_workspace_send_body_beside_a_template_lacking_a_variable_is_422(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    template_id = _template(api, demo, name="Welcome", channel="sms", body="Hola")
    response = _send(
        api, demo, {"contactId": contact_id, "channel": "SMS", "body": "{{plan}}", "templateId": template_id}
    )
    _refused(response, "missing-variable:plan")
    assert stored_messages(stack) == []


def test_workspace_send_same_idempotency_key_sends_once(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    body = {"contactId": contact_id, "channel": "EMAIL", "subject": "Hi", "body": "Hello"}
    first = _send(api, demo, body, **{"Idempotency-Key": "digest-1"})
    second = _send(api, demo, body, **{"Idempotency-Key": "digest-1"})
    assert first.status_code == second.status_code == 200
    assert first.json["id"] == second.json["id"]
    assert len(stored_messages(stack)) == 1


def test_workspace_send_dry_run_changes_nothing(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    body = {"contactId": contact_id, "channel": "EMAIL", "subject": "Hi", "body": "Hello"}
    response = api.post(f"/api/workspaces/{demo.org_id}/messages?dryRun=true", json=body, headers=auth(demo.api_key))
    assert response.status_code == 200
    assert response.json["dryRun"] is True
    assert response.json["recipients"] == ["zoe@example.org"]
    assert stored_messages(stack) == []


def test_workspace_send_without_credits_is_402(api: Client, stack: Stack):
    org_id, key = organization(0)
    contact_id = _contact(api, key)
    response = api.post(
        f"/api/workspaces/{org_id}/messages",
        json={"contactId": contact_id, "channel": "SMS", "body": "Hola"},
        headers=auth(key),
    )
    assert response.status_code == 402
    assert stored_messages(stack) == []


def _refused(response: Any, reason: str) -> None:
    assert response.status_code == 422, response.json
    assert response.json["error"] == "Not dispatched"
    assert response.json["reason"] == reason


def test_workspace_send_unserved_channel_is_422(api: Client, demo):
    contact_id = _contact(api, demo.api_key)
    _refused(_send(api, demo, {"contactId": contact_id, "channel": "PUSH", "body": "hi"}), "channel-not-available")


def test_workspace_send_to_a_suppressed_address_is_422(api: Client, demo, stack: Stack):
    contact_id = _contact(api, demo.api_key)
    suppressions().add(demo.org_id, "zoe@example.org", "Bounce")
    _refused(_send(api, demo, {"contactId": contact_id, "channel": "EMAIL", "subject": "s", "body": "b"}), "suppressed")
    assert stored_messages(stack) == []


def test_workspace_send_to_an_opted_out_number_is_422(api: Client, demo):
    contact_id = _contact(api, demo.api_key)
    suppressions().add(demo.org_id, ZOE["phone"], OPTED_OUT)
    _refused(_send(api, demo, {"contactId": contact_id, "channel": "SMS", "body": "b"}), "opted-out")


def test_workspace_send_email_to_a_contact_without_email_is_422(api: Client, demo):
    contact_id = _contact(api, demo.api_key, name="Leo Mar", phone="+573009998877")
    _refused(_send(api, demo, {"contactId": contact_id, "channel": "EMAIL", "subject": "s", "body": "b"}), "no-email")


def test_workspace_send_sms_to_a_contact_without_phone_is_422(api: Client, demo):
    contact_id = _contact(api, demo.api_key, name="Leo Mar", email="leo@example.org")
    _refused(_send(api, demo, {"contactId": contact_id, "channel": "SMS", "body": "b"}), "no-phone")


def test_workspace_send_with_a_variable_the_contact_lacks_is_422(api: Client, demo):
    contact_id = _contact(api, demo.api_key)
    response = _send(api, demo, {"contactId": contact_id, "channel": "SMS", "body": "Your plan: {{plan}}"})
    _refused(response, "missing-variable:plan")


def test_workspace_send_to_an_unknown_contact_is_404(api: Client, demo):
    response = _send(api, demo, {"contactId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80", "channel": "SMS", "body": "b"})
    assert response.status_code == 404


def test_workspace_get_message_has_contact_campaign_metadata_and_events(api: Client, demo, stack: Stack, drain):
    contact_id = _contact(api, demo.api_key)
    campaign = api.post("/api/campaigns", json={"name": "Digest"}, headers=auth(demo.api_key)).json["id"]
    message_id = _email(api, demo, contact_id, campaignId=campaign, metadata={"category": "digest"})
    drain()
    _set(
        stack,
        demo.org_id,
        message_id,
        "READ",
        openedAt="2999-01-01T00:00:00.000Z",
        clickedAt="2999-01-01T00:01:00.000Z",
    )
    response = api.get(f"/api/workspaces/{demo.org_id}/messages/{message_id}", headers=auth(demo.api_key))
    assert response.status_code == 200
    detail = response.json
    assert detail["status"] == "CLICKED"
    assert detail["contact"] == {"id": contact_id, "name": "Zoe Vidal", "address": "zoe@example.org"}
    assert detail["campaign"] == {"id": campaign, "name": "Digest"}
    assert (detail["body"], detail["metadata"]) == ("Hello Zoe", {"category": "digest"})
    assert (detail["openedAt"], detail["clickedAt"]) == ("2999-01-01T00:00:00.000Z", "2999-01-01T00:01:00.000Z")
    assert [(e["status"], e["ourStatus"], e["source"]) for e in detail["events"]] == [
        ("QUEUED", "QUEUED", "api"),
        ("SENDING", "SENDING", "worker"),
        ("SENT", "SENT", "worker"),
    ]


def test_workspace_get_unknown_message_is_404(api: Client, demo):
    response = api.get(f"/api/workspaces/{demo.org_id}/messages/not-a-message", headers=auth(demo.api_key))
    assert response.status_code == 404
