"""openapi.json from the code: each API function's Powertools resolver, merged into one document.

    python -m tools.openapi           # rewrite openapi.json and the edge's route index (make openapi)
    python -m tools.openapi --check   # fail when either is not what the code says (make test)

The functions are found in template.yaml (every function with an Api event), so a new function
or route is documented without touching this file; a route two functions declare is an error.
"""

import argparse
import json
import re
import sys
import warnings
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer
from pydantic import BaseModel

from devstack.template import ROOT, Template
from sendme.contracts.errors import ErrorBody
from sendme.contracts.operations import ERRORS, OPERATIONS, Answer
from sendme.contracts.routes import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY_LENGTH, ROUTES_FILE
from sendme.domain.addresses import CALLING_CODE, COUNTRY, ISO_COUNTRY
from sendme.domain.limits import RATE_LIMIT_HEADERS

OPENAPI_PATH = ROOT / "openapi.json"
REF_TEMPLATE = "#/components/schemas/{model}"
TAGS = {
    "sending": "Send SMS and email: to numbers or addresses, to every contact, or by tag",
    "messages": "The messages sent: a filtered list, and each one with its status timeline",
    "contacts": "The organisation's contacts: create, list, update, delete and bulk import",
    "account": "The caller's organisation: its balance and status, and its messages per day by status",
    "webhooks": "Status webhooks: signed events POSTed to your endpoints when a message's status changes",
    "templates": "Message templates (Mustache) a send renders for each recipient, and their preview",
    "campaigns": "Named campaigns a send's messages belong to (`campaignId`)",
    "suppressions": "The organisation's suppression list: numbers that opted out, bounced or complaining addresses",
    "sendo": "Sendo's `GET /v1/message/list`, for a client migrating from Sendo: our SMS in its shape",
    "workspace": "The workspace messages API's dialect (/api/workspaces/{workspaceId}/messages) over the same "
    "messages: see README's mapping table",
}
DESCRIPTION = (
    "Send SMS (Amazon SNS) and email (Amazon SES) to your contacts and track every message's delivery "
    "status. Sends are asynchronous: the API persists and enqueues the messages and answers with an "
    "enqueue summary. Every request carries `api-key: <key>` or `Authorization: Bearer <key>`."
)


def api_functions(template: Template) -> list[str]:
    return sorted({route.function for route in template.routes()})


def _shape(path: str) -> str:
    """/api/messages/{id} (template.yaml) and /api/messages/{message_id} (the resolver) are one route."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


class _Schemas:
    """components.schemas, given each model the tables name (and the models those refer to)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})

    def of(self, model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        for name, definition in schema.pop("$defs", {}).items():
            self.schemas.setdefault(name, definition)
        return schema

    def add(self, model: type[BaseModel]) -> dict[str, str]:
        if model.__name__ not in self.schemas:
            self.schemas[model.__name__] = self.of(model)
        return _ref(model)

    def body(self, body: type[BaseModel] | tuple[type[BaseModel], ...]) -> dict[str, Any]:
        if isinstance(body, tuple):
            return {"anyOf": [self.add(model) for model in body]}
        return self.add(body)


# The IETF RateLimit header fields: on every answer once the API key is known (not the authorizer's
# 401, nor a suspended organisation's 403), and Retry-After on the 429 of the organisation's limit.
HEADERS = {
    "RateLimit-Limit": "The organisation's request budget: how many requests it may make at once (its burst).",
    "RateLimit-Remaining": "How many more requests it may make now.",
    "RateLimit-Reset": "Seconds until its budget is whole again.",
    "Retry-After": "Seconds until a refused request would be admitted.",
}
assert tuple(HEADERS) == RATE_LIMIT_HEADERS


def _headers(status: HTTPStatus) -> dict[str, Any]:
    if status is HTTPStatus.UNAUTHORIZED:
        return {}
    names = [name for name in HEADERS if name != "Retry-After" or status is HTTPStatus.TOO_MANY_REQUESTS]
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _response(schemas: _Schemas, status: HTTPStatus, answer: Answer) -> dict[str, Any]:
    response: dict[str, Any] = {"description": answer.description}
    if headers := _headers(status):
        response["headers"] = headers
    if answer.body is not None:
        media: dict[str, Any] = {"schema": schemas.body(answer.body)}
        if answer.examples:
            media["examples"] = {name: {"value": value} for name, value in answer.examples.items()}
        response["content"] = {"application/json": media}
    return response


def _query_parameters(schemas: _Schemas, query: type[BaseModel]) -> list[dict[str, Any]]:
    model = schemas.of(query)
    required = set(model.get("required", []))
    parameters = []
    for name, field in model["properties"].items():
        schema = _absent_not_null({key: value for key, value in field.items() if key not in ("title", "default")})
        parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
        if description := schema.pop("description", None):
            parameter["description"] = description
        if getattr(query, "empty_is_unset", False):
            parameter["allowEmptyValue"] = True
        parameters.append(parameter)
    return parameters


def _absent_not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional parameter is left out, never null: `X | None` is documented as X."""
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1:
        (option,) = options
        schema = {**{key: value for key, value in schema.items() if key != "anyOf"}, **option}
    return schema


IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "A retried request with the same key and body returns the first answer and is charged once "
    "(24 hours); the same key with another body or route is a 422.",
    # Printable ASCII without surrounding spaces, which HTTP would strip.
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_IDEMPOTENCY_KEY_LENGTH,
        "pattern": IDEMPOTENCY_KEY_PATTERN,
    },
}


# Value lists too long to repeat in every schema that takes them: documented once, by name.
NAMED_SCHEMAS = {"IsoCountry": ISO_COUNTRY, "Country": COUNTRY, "CallingCodeOrCountry": CALLING_CODE}


def _name_long_lists(node: Any, named: dict[str, str]) -> Any:
    if isinstance(node, dict):
        if (name := named.get(json.dumps(node, sort_keys=True))) is not None:
            return {"$ref": REF_TEMPLATE.format(model=name)}
        return {key: _name_long_lists(value, named) for key, value in node.items()}
    if isinstance(node, list):
        return [_name_long_lists(item, named) for item in node]
    return node


def _describe(document: dict[str, Any]) -> None:
    """Each operation as its entry in sendme.contracts.operations says: tag, summary, description,
    parameters, request example and every answer with its body and examples."""
    operations = {(method, _shape(path)): operation for (method, path), operation in OPERATIONS.items()}
    schemas = _Schemas(document)
    for path, path_item in document["paths"].items():
        for method, documented in path_item.items():
            operation = operations.get((method.upper(), _shape(path)))
            if operation is None:
                raise LookupError(f"{method.upper()} {path} has no entry in sendme.contracts.operations.OPERATIONS")
            documented.update(tags=[operation.tag], summary=operation.summary, description=operation.description)
            parameters = [p for p in documented.get("parameters", []) if p["in"] == "path"]
            if operation.query:
                parameters += _query_parameters(schemas, operation.query)
            if operation.idempotent:
                parameters.append(IDEMPOTENCY_PARAMETER)
            if parameters:
                documented["parameters"] = parameters
            if operation.file_body:
                documented["requestBody"] = {
                    "required": True,
                    "content": {
                        media_type: {"schema": {"type": "string"}, "example": example}
                        for media_type, example in operation.file_body.items()
                    },
                }
            if operation.request_example and "requestBody" in documented:
                documented["requestBody"]["content"]["application/json"]["example"] = operation.request_example
            answers = {**operation.answers, **{status: ERRORS[status] for status in operation.errors}}
            documented["responses"] = {
                str(status.value): _response(schemas, status, answer) for status, answer in sorted(answers.items())
            }
    schemas.add(ErrorBody)  # documented even where no route names it
    document["components"]["headers"] = {
        name: {"description": text, "required": False, "schema": {"type": "integer", "minimum": 0}}
        for name, text in HEADERS.items()
    }
    used = json.dumps(document["paths"])
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        if f'"#/components/schemas/{unused}"' not in used:
            schemas.schemas.pop(unused, None)
    document["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
    named = {json.dumps(schema.json_schema, sort_keys=True): name for name, schema in NAMED_SCHEMAS.items()}
    document["paths"] = _name_long_lists(document["paths"], named)
    schemas.schemas.update(_name_long_lists(schemas.schemas, named))
    schemas.schemas.update({name: schema.json_schema for name, schema in NAMED_SCHEMAS.items()})


def generate(template: Template | None = None) -> dict[str, Any]:
    template = template or Template.load()
    merge = OpenAPIMerge(
        title="SendMe messaging API",
        version="1.0.0",
        description=DESCRIPTION,
        security_schemes={
            "apiKey": APIKey(in_=APIKeyIn.header, name="api-key"),
            "bearer": HTTPBearer(),
        },
        security=[{"apiKey": []}, {"bearer": []}],
        on_conflict="error",
    )
    for function in api_functions(template):
        module, _ = template.function_handler(function).rsplit(".", 1)
        merge.add_file(template.function_code(function) / f"{module}.py")
    # Powertools only warns when a handler cannot be imported; a document missing routes is an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document: dict[str, Any] = json.loads(merge.get_openapi_json_schema())
    _describe(document)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def route_index() -> str:
    """sendme/contracts/routes.json: each route's query parameters, read by the edge on every request."""
    routes = {f"{method} {path}": sorted(operation.query_names()) for (method, path), operation in OPERATIONS.items()}
    return json.dumps(routes, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.openapi", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file differs from the code")
    parser.add_argument("--output", type=Path, default=OPENAPI_PATH)
    args = parser.parse_args(argv)
    files = {args.output: render(generate()), ROUTES_FILE: route_index()}
    if args.check:
        stale = [path.name for path, text in files.items() if not path.exists() or path.read_text() != text]
        if stale:
            print(f"{', '.join(stale)} out of date with the code: run `make openapi` and commit", file=sys.stderr)
            return 1
        return 0
    for path, text in files.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
