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
    declared = {(route.method, _shape(route.path)) for route in Template.load().routes()}
    assert documented == declared


def test_openapi_request_bodies_are_the_pydantic_models_on_the_wire():
    document = generate()
    body = document["paths"]["/api/messages/sms/contacts"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SmsContactsRequest"}
    schema = document["components"]["schemas"]["SmsContactsRequest"]
    assert {"message", "contacts"} <= set(schema["required"])
    assert "campaignId" in schema["properties"]


def test_openapi_invalid_input_is_documented_as_the_400_error_body():
    operation = generate()["paths"]["/api/messages/sms/contacts"]["post"]
    assert "422" not in operation["responses"]
    assert operation["responses"]["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


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
