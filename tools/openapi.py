"""openapi.json from the code: each API function's Powertools resolver, merged into one document.

    python -m tools.openapi           # rewrite openapi.json (make openapi)
    python -m tools.openapi --check   # fail when openapi.json is not what the code says (make test)

The functions are found in template.yaml (every function with an Api event), so a new function
or route is documented without touching this file; a route two functions declare is an error.
"""

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, HTTPBearer

from devstack.template import ROOT, Template
from sendme.contracts.errors import ErrorBody

OPENAPI_PATH = ROOT / "openapi.json"
ERROR_SCHEMA = "ErrorResponse"
DESCRIPTION = (
    "Send SMS (Amazon SNS) and email (Amazon SES) to your contacts and track every message's delivery "
    "status. Sends are asynchronous: the API persists and enqueues the messages and answers with an "
    "enqueue summary. Every request carries `api-key: <key>` or `Authorization: Bearer <key>`."
)


def api_functions(template: Template) -> list[str]:
    return sorted({route.function for route in template.routes()})


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _describe_errors(document: dict[str, Any]) -> None:
    """Powertools documents its 422 validation body; the API answers invalid input with a 400."""
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None:
                responses["400"] = _error("Invalid parameters: `field` names the first one")
            responses["401"] = _error("Invalid or missing API key")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    operations = json.dumps(document["paths"])
    for validation_body in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        if f'"#/components/schemas/{validation_body}"' not in operations:
            schemas.pop(validation_body, None)
    schemas[ERROR_SCHEMA] = ErrorBody.model_json_schema()


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
    _describe_errors(document)
    return document


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.openapi", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file differs from the code")
    parser.add_argument("--output", type=Path, default=OPENAPI_PATH)
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        if not args.output.exists() or args.output.read_text() != text:
            print(f"{args.output.name} is out of date with the code: run `make openapi` and commit it", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
