"""No input gives a 5xx, and nothing the API does not know is silently ignored: bodies that are
not UTF-8, not JSON or too deep, other media types, unknown fields and parameters, other methods."""

import pytest
from werkzeug.test import Client

from devstack.provision import Stack

from .helpers import SPEC_SMS_BODY, auth, credits_of, queued, stored_messages

SEND = "/api/messages/sms/contacts"
CONTACT = {"name": "Ana Ruiz", "phone": "+573001112233"}
# Every route that reads a JSON body, each with a body it would accept.
JSON_ROUTES = [
    pytest.param("POST", SEND, SPEC_SMS_BODY, id="sms-contacts"),
    pytest.param("POST", "/api/messages/email/all", {"subject": "Hi", "message": "Hello"}, id="email-all"),
    pytest.param("POST", "/api/contacts", CONTACT, id="contacts-create"),
]


def _key(headers: dict[str, str]) -> dict[str, str]:
    return {"api-key": headers["api-key"]}


def _nothing_stored(stack: Stack, org_id: str) -> None:
    assert stored_messages(stack) == []
    assert queued(stack) == 0
    assert credits_of(org_id) == 100


@pytest.mark.parametrize(("method", "path", "_body"), JSON_ROUTES)
def test_request_body_not_utf8_is_400_and_stores_nothing(api: Client, demo, stack: Stack, method, path, _body):
    # Given bytes that are not UTF-8 / When posted as JSON
    response = api.open(path, method=method, data=b"\xa9\xff{", headers=auth(demo.api_key))
    # Then 400 naming the body, and nothing was written or charged
    assert response.status_code == 400
    assert response.json == {
        "error": "Invalid parameters",
        "message": "The request body is not valid UTF-8",
        "details": "The request body is not valid UTF-8",
        "field": "body",
    }
    _nothing_stored(stack, demo.org_id)


@pytest.mark.parametrize(("method", "path", "body"), JSON_ROUTES)
@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"])
def test_request_body_of_another_media_type_is_415_naming_json(
    api: Client, demo, stack: Stack, method, path, body, content_type
):
    # Given a JSON body sent as another media type (multipart without its boundary included)
    headers = {**_key(auth(demo.api_key)), "Content-Type": content_type}
    response = api.open(path, method=method, json=body, headers=headers)
    # Then 415 saying what the route reads, and nothing stored
    assert response.status_code == 415
    assert response.json["error"] == "Unsupported media type"
    assert response.json["accepted"] == ["application/json"]
    _nothing_stored(stack, demo.org_id)


def test_request_json_media_type_with_a_charset_is_read(api: Client, demo):
    headers = {**_key(auth(demo.api_key)), "Content-Type": "application/json; charset=utf-8"}
    assert api.post(SEND, json=SPEC_SMS_BODY, headers=headers).status_code == 201


@pytest.mark.parametrize(("method", "path", "_body"), JSON_ROUTES)
def test_request_json_nested_100000_deep_is_400_and_stores_nothing(
    api: Client, demo, stack: Stack, method, path, _body
):
    depth = 100_000
    response = api.open(path, method=method, data="[" * depth + "]" * depth, headers=auth(demo.api_key))
    assert response.status_code == 400
    assert response.json["message"] == "The request body is not valid JSON"
    _nothing_stored(stack, demo.org_id)


def test_request_json_number_too_long_to_read_is_400(api: Client, demo, stack: Stack):
    # Python refuses to convert integers of more than 4,300 digits (a ValueError, not a JSON error)
    body = '{"message": "hi", "contacts": ["3001234567"], "campaignId": ' + "9" * 5000 + "}"
    response = api.post(SEND, data=body, headers=auth(demo.api_key))
    assert response.status_code == 400
    _nothing_stored(stack, demo.org_id)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param(SEND, {**SPEC_SMS_BODY, "sendAt": "2030-01-01T00:00:00Z", "from": "ACME"}, id="send"),
        pytest.param("/api/messages/sms/all", {"message": "hi", "sendAt": "tomorrow"}, id="send-all"),
        pytest.param("/api/contacts", {**CONTACT, "nickname": "Anita"}, id="contact"),
    ],
)
def test_request_unknown_body_fields_are_400_naming_them(api: Client, demo, stack: Stack, path, body):
    # Given a body with fields the API does not have / When posted
    response = api.post(path, json=body, headers=auth(demo.api_key))
    # Then 400 naming every one of them, and nothing was sent now instead
    unknown = sorted(set(body) - set(SPEC_SMS_BODY) - set(CONTACT) - {"message"})
    assert response.status_code == 400
    assert sorted(response.json["unknown"]) == unknown
    assert response.json["message"].startswith("Received unknown parameter")
    _nothing_stored(stack, demo.org_id)


def test_request_unknown_field_of_a_contact_patch_is_400(api: Client, demo):
    created = api.post("/api/contacts", json=CONTACT, headers=auth(demo.api_key)).json
    response = api.patch(f"/api/contacts/{created['id']}", json={"nickname": "Anita"}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "nickname")


@pytest.mark.parametrize(
    "path",
    [
        "/api/messages?statuz=SENT&from=2024-01-01",
        "/api/contacts?tags=vip",
        "/api/contacts/0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80?expand=history",
        "/api/messages/0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80?fields=id",
    ],
)
def test_request_unknown_query_parameters_are_400_naming_them(api: Client, demo, path):
    # Given a filter the API does not have / When listing
    response = api.get(path, headers=auth(demo.api_key))
    # Then 400 naming it rather than an unfiltered answer
    assert response.status_code == 400
    names = [pair.split("=")[0] for pair in path.split("?")[1].split("&")]
    assert response.json["unknown"] == sorted(names)


def test_request_unknown_query_parameter_of_a_send_is_400_and_sends_nothing(api: Client, demo, stack: Stack):
    response = api.post(f"{SEND}?scheduledAt=2030-01-01", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "scheduledAt")
    _nothing_stored(stack, demo.org_id)


def test_request_known_query_parameters_are_still_read(api: Client, demo):
    response = api.post(f"{SEND}?dryRun=true", json=SPEC_SMS_BODY, headers=auth(demo.api_key))
    assert (response.status_code, response.json["dryRun"]) == (200, True)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/contacts/0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80", "DELETE, GET, PATCH"),
        ("DELETE", "/api/messages", "GET"),
        ("GET", SEND, "POST"),
        ("GET", "/api/contacts/import", "POST"),
        ("HEAD", "/api/messages/0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80", "GET"),
    ],
)
def test_request_another_method_on_a_known_path_is_405_with_allow(api: Client, demo, method, path, allowed):
    response = api.open(path, method=method, headers=auth(demo.api_key))
    assert response.status_code == 405
    assert response.headers["Allow"] == allowed


def test_request_another_method_needs_a_key_first(api: Client):
    assert api.put("/api/messages").status_code == 401


def test_request_unknown_path_is_still_404(api: Client, demo):
    response = api.get("/api/messages/sms", headers=auth(demo.api_key))
    assert (response.status_code, response.json["error"]) == (404, "Not found")
