"""/api/campaigns, and sends that name one: the campaign must exist, and list items carry its name."""

from werkzeug.test import Client

from .helpers import SPEC_SMS_BODY, auth, credits_of, organization


def create(api: Client, key: str, name: str = "Campaña de bienvenida") -> str:
    response = api.post("/api/campaigns", json={"name": name, "description": "Nuevos"}, headers=auth(key))
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def test_campaigns_create_then_get_returns_name_description_and_created_at(api: Client, demo):
    campaign_id = create(api, demo.api_key)
    response = api.get(f"/api/campaigns/{campaign_id}", headers=auth(demo.api_key))
    assert response.status_code == 200
    assert (response.json["name"], response.json["description"]) == ("Campaña de bienvenida", "Nuevos")
    assert response.json["createdAt"]


def test_campaigns_list_and_patch_and_delete(api: Client, demo):
    campaign_id = create(api, demo.api_key)
    patched = api.patch(f"/api/campaigns/{campaign_id}", json={"description": None}, headers=auth(demo.api_key))
    assert (patched.status_code, patched.json["description"]) == (200, None)
    listed = api.get("/api/campaigns", headers=auth(demo.api_key)).json
    assert [c["id"] for c in listed["data"]] == [campaign_id]
    assert api.delete(f"/api/campaigns/{campaign_id}", headers=auth(demo.api_key)).status_code == 204
    assert api.get("/api/campaigns", headers=auth(demo.api_key)).json["data"] == []


def test_campaigns_of_another_organisation_are_404(api: Client, demo):
    campaign_id = create(api, demo.api_key)
    _, other = organization(credits=10)
    assert api.get(f"/api/campaigns/{campaign_id}", headers=auth(other)).status_code == 404
    assert api.delete(f"/api/campaigns/{campaign_id}", headers=auth(other)).status_code == 404


def test_campaigns_create_refuses_a_missing_name(api: Client, demo):
    response = api.post("/api/campaigns", json={"description": "x"}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "name")


def test_campaigns_patch_refuses_a_null_name_and_keeps_the_campaign_listable(api: Client, demo):
    # Given a campaign
    campaign_id = create(api, demo.api_key)
    # When a patch sends its name as null (the schema says it may be left out, not nulled)
    response = api.patch(f"/api/campaigns/{campaign_id}", json={"name": None}, headers=auth(demo.api_key))
    # Then it is a 400 naming the field, and the campaign keeps its name
    assert (response.status_code, response.json["field"]) == (400, "name")
    listed = api.get("/api/campaigns", headers=auth(demo.api_key))
    assert (listed.status_code, listed.json["data"][0]["name"]) == (200, "Campaña de bienvenida")


def test_templates_patch_refuses_a_null_subject(api: Client, demo):
    created = api.post(
        "/api/templates", json={"name": "Hola", "channel": "sms", "body": "Hola {{name}}"}, headers=auth(demo.api_key)
    )
    assert created.status_code == 201, created.json
    response = api.patch(f"/api/templates/{created.json['id']}", json={"subject": None}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "subject")


def test_send_with_another_organisations_campaign_is_400(api: Client, demo):
    _, other = organization(credits=10)
    campaign_id = create(api, other)
    body = {**SPEC_SMS_BODY, "campaignId": campaign_id}
    response = api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "campaignId")


def test_message_list_items_carry_the_campaigns_name_and_filter_by_it(api: Client, demo):
    # Given one send in a campaign and one outside it
    campaign_id = create(api, demo.api_key)
    api.post(
        "/api/messages/sms/contacts", json={**SPEC_SMS_BODY, "campaignId": campaign_id}, headers=auth(demo.api_key)
    )
    api.post("/api/messages/sms/contacts", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    # When the list is filtered by the campaign
    page = api.get(f"/api/messages?campaignId={campaign_id}", headers=auth(demo.api_key)).json
    # Then its two messages come, each naming the campaign
    assert page["meta"]["totalRecords"] == 2
    assert {(m["campaign"]["id"], m["campaign"]["name"]) for m in page["data"]} == {
        (campaign_id, "Campaña de bienvenida")
    }
    unfiltered = api.get("/api/messages", headers=auth(demo.api_key)).json["data"]
    assert sorted(m["campaign"] is None for m in unfiltered) == [False, False, True, True]


def stats(api: Client, key: str, campaign_id: str):
    return api.get(f"/api/campaigns/{campaign_id}/stats", headers=auth(key))


def test_campaign_stats_count_a_sends_messages_per_status_and_channel_with_cost_and_send_times(api, demo, drain):
    # Given a campaign sent two SMS, then one email, and the worker has sent them
    campaign_id = create(api, demo.api_key)
    before = credits_of(demo.org_id)
    sms = api.post(
        "/api/messages/sms/contacts", json={**SPEC_SMS_BODY, "campaignId": campaign_id}, headers=auth(demo.api_key)
    )
    email = {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"], "campaignId": campaign_id}
    mail = api.post("/api/messages/email/contacts", json=email, headers=auth(demo.api_key))
    assert (sms.status_code, mail.status_code) == (201, 201)
    drain()
    # When its stats are read
    response = stats(api, demo.api_key, campaign_id)
    # Then they count the three messages, now SENT, per channel, and the credits charged
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["campaignId"], body["messages"]) == (campaign_id, 3)
    assert {status: n for status, n in body["byStatus"].items() if n} == {"SENT": 3}
    assert body["byChannel"] == {"sms": 2, "email": 1}
    assert body["cost"] == before - credits_of(demo.org_id) > 0
    # and the first send is the SMS's, the last the email's
    listed = api.get(f"/api/messages?campaignId={campaign_id}", headers=auth(demo.api_key)).json["data"]
    created = sorted(message["createdAt"] for message in listed)
    assert (body["firstSendAt"], body["lastSendAt"]) == (created[0], created[-1])


def test_campaign_stats_of_a_campaign_never_sent_to_are_zeros(api: Client, demo):
    campaign_id = create(api, demo.api_key)
    body = stats(api, demo.api_key, campaign_id).json
    assert (body["messages"], body["cost"], body["firstSendAt"], body["lastSendAt"]) == (0, 0, None, None)
    assert set(body["byStatus"].values()) == {0}
    assert body["byChannel"] == {"sms": 0, "email": 0}


def test_campaign_stats_of_another_organisations_or_an_unknown_campaign_are_404(api: Client, demo):
    campaign_id = create(api, demo.api_key)
    _, other = organization(credits=10)
    assert stats(api, other, campaign_id).status_code == 404
    assert stats(api, demo.api_key, "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a99").status_code == 404
