"""openapi.json is generated from the handlers' resolvers and served as Swagger UI on the local stack."""

import re

from werkzeug.test import Client

from devstack.template import Template
from tools.openapi import generate


def _shape(path: str) -> str:
    """/api/messages/{id} and /api/messages/{message_id} are the same route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_openapi_documents_every_route_of_the_template():
    document = generate()
    documented = {(method.upper(), _shape(path)) for path, item in document["paths"].items() for method in item}
    # ANY routes only carry the 405s of the other methods (template.yaml).
    declared = {(route.method, _shape(route.path)) for route in Template.load().routes() if route.method != "ANY"}
    assert documented == declared


def test_openapi_request_bodies_are_the_pydantic_models_on_the_wire():
    document = generate()
    body = document["paths"]["/api/messages/sms/contacts"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SmsContactsRequest"}
    schema = document["components"]["schemas"]["SmsContactsRequest"]
    assert "contacts" in schema["required"]
    assert {"required": ["message"], "properties": {"message": {"type": "string"}}} in schema["anyOf"]
    assert "campaignId" in schema["properties"]


def test_openapi_invalid_input_is_documented_as_the_400_error_body():
    operation = generate()["paths"]["/api/messages/sms/contacts"]["post"]
    # Powertools' own 422 validation body is gone; a send's 422 is a reused Idempotency-Key
    assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_openapi_groups_every_operation_under_a_tag_with_a_summary_and_a_description():
    document = generate()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["tags"][0] in {tag["name"] for tag in document["tags"]}
            assert operation["summary"]
            assert operation["summary"] != f"{method.upper()} {path}"
            assert operation["description"]


def test_openapi_lists_every_filter_of_the_message_list_with_its_values():
    parameters = {p["name"]: p for p in generate()["paths"]["/api/messages"]["get"]["parameters"]}
    assert set(parameters) == {
        *("page", "limit", "cursor", "content", "contentType", "status", "sentAt", "recipientDetails"),
        *("countryCode", "messageType", "providerId", "campaignId", "contactId", "queueId", "startDate", "endDate"),
        *("direction", "number"),
    }
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["startDate"]["schema"] == {"type": "string", "format": "date"}
    assert parameters["countryCode"]["schema"] == {"$ref": "#/components/schemas/CallingCodeOrCountry"}
    assert all(p["allowEmptyValue"] for p in parameters.values())  # "status=" is an unset filter


def test_openapi_documents_every_answer_of_a_send_with_its_body():
    document = generate()
    operation = document["paths"]["/api/messages/sms/all"]["post"]
    assert set(operation["responses"]) == {
        *("200", "201", "202", "400", "401", "402", "403", "409", "415", "422", "429", "503"),
    }
    ok = operation["responses"]["200"]["content"]["application/json"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in ok["schema"]["anyOf"]} == {"EnqueueResult", "DryRunResult"}
    assert set(ok["examples"]) == {"nothing_valid", "dry_run"}
    assert {p["name"]: p["in"] for p in operation["parameters"]} == {"dryRun": "query", "Idempotency-Key": "header"}
    assert operation["requestBody"]["content"]["application/json"]["example"] == {"message": "Hi all"}


def test_openapi_request_bodies_refuse_unknown_fields_and_say_what_the_code_checks():
    schemas = generate()["components"]["schemas"]
    assert all(
        schemas[name]["additionalProperties"] is False for name in ("SmsAllRequest", "ContactInput", "ContactPatch")
    )
    assert schemas["SmsContactsRequest"]["properties"]["country"]["anyOf"][0]["$ref"].endswith("/IsoCountry")
    assert "CO" in schemas["IsoCountry"]["enum"]
    assert {"57", "CO"} <= set(schemas["CallingCodeOrCountry"]["enum"])
    assert schemas["SmsAllRequest"]["properties"]["type"]["enum"] == ["SMS", "OTP"]  # FLASH is refused
    assert schemas["ContactPatch"]["properties"]["tags"]["type"] == "array"  # not nullable: null is refused


def test_openapi_docs_route_serves_swagger_ui_without_a_key(api: Client):
    response = api.get("/api/docs")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    page = response.get_data(as_text=True)
    assert "SwaggerUIBundle" in page  # the bundle is inlined: no CDN is needed
    assert "/api/messages/sms/contacts" in page


def test_openapi_docs_route_serves_the_document_as_json(api: Client):
    response = api.get("/api/docs?format=json")
    assert response.status_code == 200
    assert response.get_json()["paths"].keys() == generate()["paths"].keys()


def test_openapi_answers_declare_the_ratelimit_headers_and_429_retry_after():
    # Given every answer of every operation
    document = generate()
    answers = [
        (status, answer)
        for item in document["paths"].values()
        for operation in item.values()
        for status, answer in operation["responses"].items()
    ]
    # Then each one past the authorizer names the RateLimit fields, and a 429 Retry-After too
    for status, answer in answers:
        headers = set(answer.get("headers", {}))
        if status == "401":
            assert not headers
            continue
        assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= headers, status
        assert ("Retry-After" in headers) == (status == "429")
    assert set(document["components"]["headers"]) == {
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "Retry-After",
    }
