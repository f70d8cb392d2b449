"""Every request example of the specs in ../shared/spec, as written (path, headers, body), over
real HTTP against the local stack: what each answers is what a reader of the spec expects.

The placeholder token of an example (`your-token-here`, `tu-api-key-aqui`, `<token>`) is the demo
organisation's key; nothing else is changed. The demo organisation's home country is CO, and its
contacts include Juan Pérez (3001234567, juan@example.com).
"""

import json
from typing import Any

import pytest
import requests

from .conftest import PROVIDER_ACCEPTED, Api, assert_refused_unauthenticated

JUAN = "+573001234567"


class Spec:
    """Sends one example exactly as its snippet does."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url = base_url
        self.key = key

    def request(
        self, method: str, path: str, headers: dict[str, str], body: Any = None, key: str | None = None
    ) -> requests.Response:
        token = key if key is not None else self.key
        sent = {name: value.replace("TOKEN", token) for name, value in headers.items()}
        data = json.dumps(body) if body is not None else None
        return requests.request(method, self.base_url + path, headers=sent, data=data, timeout=30)


# The examples' headers, their placeholder written as TOKEN.
BEARER_JSON = {"Authorization": "Bearer TOKEN", "Content-Type": "application/json"}
API_KEY_JSON = {"api-key": "TOKEN", "Content-Type": "application/json"}
BEARER = {"Authorization": "Bearer TOKEN"}


@pytest.fixture(scope="module")
def spec(local_stack: dict[str, Any]) -> Spec:
    return Spec(local_stack["api_url"], local_stack["api_key"])


def _total(api: Api) -> int:
    total: int = api.get("/api/messages?limit=1").json()["meta"]["totalRecords"]
    return total


def _recipients(response: requests.Response) -> list[str]:
    return [message["recipient"] for message in response.json()["messages"]]


# sendme123-sms-contacts.txt


SMS_CONTACTS_EXAMPLES = [
    pytest.param(
        {
            "message": "Hello, this is a test message from SendMe",
            "contacts": ["3001234567", "3009876543"],
            "type": "SMS",
            "country": "CO",
        },
        ["+573001234567", "+573009876543"],
        id="example-request-body",
    ),
    pytest.param(
        {
            "message": "Welcome to SendMe! Your account has been activated.",
            "contacts": ["3001234567", "3007654321"],
            "country": "CO",
        },
        ["+573001234567", "+573007654321"],
        id="fetch-usage",
    ),
    pytest.param(
        {"message": "Hello, this is a message from SendMe", "contacts": ["3001234567", "3009876543"], "country": "CO"},
        ["+573001234567", "+573009876543"],
        id="curl",
    ),
]


@pytest.mark.parametrize(("body", "recipients"), SMS_CONTACTS_EXAMPLES)
def test_spec_sms_contacts_example_is_201_with_e164_recipients_and_sent(spec: Spec, api: Api, body, recipients):
    response = spec.request("POST", "/api/messages/sms/contacts", BEARER_JSON, body)
    assert response.status_code == 201, response.text
    # The contract's MessageEnqueueResultDto, plus why any recipient got nothing
    assert set(response.json()) == {"queueId", "channel", "messages", "skipped"}
    assert response.json()["queueId"].startswith("sms-")
    assert response.json()["channel"] == "sms"
    assert _recipients(response) == recipients
    for message in response.json()["messages"]:
        assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


def test_spec_sms_contacts_axios_otp_without_country_is_read_in_the_home_country(spec: Spec, api: Api):
    # The axios snippet sends JSON (axios sets the Content-Type) and no country
    body = {"message": "Your verification code is: 123456", "contacts": ["3001234567"], "type": "OTP"}
    response = spec.request("POST", "/api/messages/sms/contacts", {**BEARER, "Content-Type": "application/json"}, body)
    assert response.status_code == 201, response.text
    assert _recipients(response) == [JUAN]
    (message,) = response.json()["messages"]
    stored = api.wait_for(message["id"], PROVIDER_ACCEPTED)
    assert (stored["messageType"], stored["status"] in PROVIDER_ACCEPTED) == ("OTP", True)


def test_spec_sms_contacts_nothing_sendable_is_400_with_the_reasons(spec: Spec, api: Api):
    # Given numbers that cannot be read even in the home country
    before = _total(api)
    body = {"message": "Hello", "contacts": ["12", "3001234567890123"]}
    response = spec.request("POST", "/api/messages/sms/contacts", BEARER_JSON, body)
    # Then the answer says why for each, instead of a silent 200, and nothing is stored
    assert response.status_code == 400
    assert response.json()["skipped"] == [
        {"recipient": "12", "reason": "invalid"},
        {"recipient": "3001234567890123", "reason": "invalid"},
    ]
    assert _total(api) == before


def test_spec_sms_queue_id_correlates_the_sends_messages(spec: Spec, api: Api):
    # "Use the returned queueId to correlate delivery status"
    body = {
        "message": "Hello, this is a message from SendMe",
        "contacts": ["3001234567", "3009876543"],
        "country": "CO",
    }
    sent = spec.request("POST", "/api/messages/sms/contacts", BEARER_JSON, body).json()
    listed = api.get(f"/api/messages?queueId={sent['queueId']}").json()
    assert sorted(item["id"] for item in listed["data"]) == sorted(m["id"] for m in sent["messages"])
    assert listed["meta"]["totalRecords"] == 2


# sendme123-messages-overview.txt


def test_spec_overview_sms_is_201_and_the_message_carries_the_contact(spec: Spec, api: Api):
    body = {"message": "Hello, this is a test message", "contacts": ["3001234567"], "country": "CO"}
    response = spec.request("POST", "/api/messages/sms/contacts", BEARER_JSON, body)
    assert response.status_code == 201, response.text
    (message,) = response.json()["messages"]
    # 3001234567 is Juan Pérez, one of the organisation's contacts: the message carries him
    listed = api.get(f"/api/messages/{message['id']}").json()
    assert listed["contact"]["name"] == "Juan Pérez"
    by_contact = api.get(f"/api/messages?contactId={listed['contact']['id']}&limit=100").json()
    assert message["id"] in [item["id"] for item in by_contact["data"]]


def test_spec_overview_email_example_without_contacts_is_400_naming_contacts(spec: Spec, api: Api):
    # The example names no recipient, and /email/contacts has no one else to send to
    before = _total(api)
    body = {"subject": "Welcome to SendMe", "message": "<h1>Welcome!</h1><p>Thank you for joining us.</p>"}
    response = spec.request("POST", "/api/messages/email/contacts", BEARER_JSON, body)
    assert response.status_code == 400
    assert (response.json()["error"], response.json()["field"]) == ("Invalid parameters", "contacts")
    assert _total(api) == before


def test_spec_overview_email_html_without_content_type_is_sent_as_html(spec: Spec, api: Api):
    # The example's body, given an address to go to
    body = {
        "subject": "Welcome to SendMe",
        "message": "<h1>Welcome!</h1><p>Thank you for joining us.</p>",
        "contacts": ["juan@example.com"],
    }
    response = spec.request("POST", "/api/messages/email/contacts", BEARER_JSON, body)
    assert response.status_code == 201, response.text
    assert (response.json()["contentType"], response.json()["contentTypeDetected"]) == ("HTML", True)
    (message,) = response.json()["messages"]
    stored = api.wait_for(message["id"], PROVIDER_ACCEPTED)
    assert (stored["contentType"], stored["contact"]["name"]) == ("HTML", "Juan Pérez")
    assert stored["status"] in PROVIDER_ACCEPTED


def test_spec_overview_send_email_example_without_contacts_is_400_naming_contacts(spec: Spec):
    body = {"subject": "Registration confirmation", "message": "Welcome to our platform"}
    response = spec.request("POST", "/api/messages/send/email", API_KEY_JSON, body)
    assert response.status_code == 400
    assert response.json()["field"] == "contacts"


def test_spec_overview_send_email_is_an_alias_of_email_contacts(spec: Spec, api: Api):
    body = {"subject": "Registration confirmation", "message": "Welcome to our platform", "contacts": ["a@example.com"]}
    response = spec.request("POST", "/api/messages/send/email", API_KEY_JSON, body)
    assert response.status_code == 201, response.text
    assert (response.json()["channel"], response.json()["contentType"]) == ("email", "PLAIN_TEXT")
    (message,) = response.json()["messages"]
    assert api.wait_for(message["id"], PROVIDER_ACCEPTED)["status"] in PROVIDER_ACCEPTED


def test_spec_email_addresses_differing_in_case_are_one_recipient(spec: Spec):
    body = {"subject": "Hi", "message": "Hello", "contacts": ["Juan@Example.com", "juan@example.com"]}
    response = spec.request("POST", "/api/messages/email/contacts", BEARER_JSON, body)
    assert response.status_code == 201, response.text
    assert _recipients(response) == ["Juan@example.com"]
    assert response.json()["skipped"] == [{"recipient": "juan@example.com", "reason": "duplicate"}]


# sendme123-list-messages.es.txt


def test_spec_list_all_messages_is_the_paginated_list(spec: Spec):
    response = spec.request("GET", "/api/messages", API_KEY_JSON)
    assert response.status_code == 200, response.text
    meta = response.json()["meta"]
    assert (meta["currentPage"], meta["limit"], meta["hasPreviousPage"]) == (1, 10, False)
    item_keys = {
        "id", "content", "contentType", "status", "sentAt", "errorMessage", "recipientDetails", "countryCode",
        "messageType", "provider", "campaign", "contact", "organizationId", "createdAt", "updatedAt", "deletedAt",
    }  # fmt: skip
    for item in response.json()["data"]:
        assert item_keys <= set(item)


def test_spec_list_delivered_page_one_of_twenty(spec: Spec):
    response = spec.request("GET", "/api/messages?status=DELIVERED&page=1&limit=20", API_KEY_JSON)
    assert response.status_code == 200, response.text
    assert {item["status"] for item in response.json()["data"]} <= {"DELIVERED"}
    assert (response.json()["meta"]["currentPage"], response.json()["meta"]["limit"]) == (1, 20)


def test_spec_list_date_range_is_january_2024(spec: Spec):
    response = spec.request("GET", "/api/messages?startDate=2024-01-01&endDate=2024-01-31", API_KEY_JSON)
    assert response.status_code == 200, response.text
    # The stack was started today: it has no message of January 2024
    assert (response.json()["data"], response.json()["meta"]["totalRecords"]) == ([], 0)


def test_spec_list_national_recipient_is_found_in_the_home_country(spec: Spec, api: Api):
    # The example item's recipientDetails, "3001234567", asked for as shown, without countryCode
    sent = api.post("/api/messages/sms/contacts", {"message": "Hola", "contacts": ["+573001234567"]}).json()
    response = spec.request("GET", "/api/messages?recipientDetails=3001234567&limit=100", API_KEY_JSON)
    assert response.status_code == 200, response.text
    assert {item["recipientDetails"] for item in response.json()["data"]} == {JUAN}
    assert sent["messages"][0]["id"] in [item["id"] for item in response.json()["data"]]


def test_spec_list_400_is_the_spanish_body_for_es(spec: Spec):
    response = spec.request("GET", "/api/messages?limit=0", {**API_KEY_JSON, "Accept-Language": "es"})
    assert response.status_code == 400
    assert (response.json()["error"], response.json()["details"]) == (
        "Parámetros inválidos",
        "El parámetro 'limit' debe estar entre 1 y 100",
    )


def test_spec_list_400_is_english_by_default_with_the_same_keys(spec: Spec):
    english = spec.request("GET", "/api/messages?limit=0", API_KEY_JSON).json()
    spanish = spec.request("GET", "/api/messages?limit=0", {**API_KEY_JSON, "Accept-Language": "es"}).json()
    assert (english["error"], english["details"]) == (
        "Invalid parameters",
        "The parameter 'limit' must be between 1 and 100",
    )
    assert set(english) == set(spanish)


def test_spec_list_401_is_the_spanish_body_for_es(spec: Spec):
    response = spec.request("GET", "/api/messages", {**API_KEY_JSON, "Accept-Language": "es"}, key="tu-api-key-aqui")
    assert (response.status_code, response.json()) == (
        401,
        {"error": "No autorizado", "message": "API key inválida o faltante"},
    )


def test_spec_list_401_is_english_by_default(spec: Spec):
    assert_refused_unauthenticated(spec.request("GET", "/api/messages", API_KEY_JSON, key="tu-api-key-aqui"))


# workspace-messages.txt's examples as written name workspace `ws_1`, which is not the caller's
# organisation: a JSON 404 that reveals nothing and sends nothing (tests/e2e/test_workspace.py runs
# them with the caller's own workspace id; tests/e2e/test_sendo.py runs Sendo's, which names none).

FOREIGN_WORKSPACE = [
    pytest.param("GET", "/api/workspaces/ws_1/messages", None, id="workspace-list"),
    pytest.param(
        "POST",
        "/api/workspaces/ws_1/messages",
        {
            "contactId": "ct_abc123",
            "channel": "EMAIL",
            "subject": "Your weekly digest",
            "body": "<h1>Hello {{firstName}}</h1><p>Here is your update...</p>",
            "templateId": "tpl_abc123",
            "campaignId": "cmp_abc123",
            "metadata": {"category": "digest"},
        },
        id="workspace-send",
    ),
    pytest.param("GET", "/api/workspaces/ws_1/messages/msg_abc123", None, id="workspace-get"),
]


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN_WORKSPACE)
def test_spec_workspace_examples_of_another_workspace_are_a_json_404_that_sends_nothing(
    spec: Spec, api: Api, method, path, body
):
    before = _total(api)
    response = spec.request(method, path, BEARER_JSON if body else BEARER, body)
    assert response.status_code == 404
    assert response.json()["error"] == "Not found"
    assert _total(api) == before
