"""/api/templates CRUD, and POST /api/templates/{id}/preview: render for one contact."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.catalog import CatalogQuery, Preview, PreviewRequest, TemplateInput, TemplatePage, TemplatePatch
from sendme.domain.templates import Template
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.catalog import template_service

app = build_resolver()


def _query() -> CatalogQuery:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    return CatalogQuery.model_validate(app.current_event.query_string_parameters or {})


@app.post("/api/templates")
def create_template(request: Annotated[TemplateInput, Body()]) -> Response[Template]:
    return json_response(template_service().create(caller(app).org_id, request), HTTPStatus.CREATED)


@app.get("/api/templates")
def list_templates() -> Response[TemplatePage]:
    return json_response(template_service().list(caller(app).org_id, _query()))


@app.get("/api/templates/<template_id>")
def get_template(template_id: str) -> Response[Template]:
    return json_response(template_service().get(caller(app).org_id, template_id))


@app.patch("/api/templates/<template_id>")
def update_template(template_id: str, request: Annotated[TemplatePatch, Body()]) -> Response[Template]:
    return json_response(template_service().update(caller(app).org_id, template_id, request))


@app.delete("/api/templates/<template_id>")
def delete_template(template_id: str) -> Response[None]:
    template_service().delete(caller(app).org_id, template_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


@app.post("/api/templates/<template_id>/preview")
def preview_template(template_id: str, request: Annotated[PreviewRequest, Body()]) -> Response[Preview]:
    return json_response(template_service().preview(caller(app).org_id, template_id, request))


lambda_handler = entrypoint(app, request_guard, cors_policy)
