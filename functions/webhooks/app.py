"""/api/webhooks: create (the secret shown once), list, get, update and delete status webhooks;
list an endpoint's deliveries and retry a failed one."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.webhooks import (
    DeliveryPage,
    DeliveryQuery,
    DeliveryView,
    WebhookCreated,
    WebhookInput,
    WebhookList,
    WebhookPatch,
    WebhookView,
)
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.webhooks import webhook_deliveries, webhook_service

app = build_resolver()


@app.post("/api/webhooks")
def create(request: Annotated[WebhookInput, Body()]) -> Response[WebhookCreated]:
    return json_response(webhook_service().create(caller(app).org_id, request), HTTPStatus.CREATED)


@app.get("/api/webhooks")
def list_webhooks() -> Response[WebhookList]:
    return json_response(webhook_service().list(caller(app).org_id))


@app.get("/api/webhooks/<webhook_id>")
def get(webhook_id: str) -> Response[WebhookView]:
    return json_response(webhook_service().get(caller(app).org_id, webhook_id))


@app.patch("/api/webhooks/<webhook_id>")
def update(webhook_id: str, request: Annotated[WebhookPatch, Body()]) -> Response[WebhookView]:
    return json_response(webhook_service().update(caller(app).org_id, webhook_id, request))


@app.delete("/api/webhooks/<webhook_id>")
def delete(webhook_id: str) -> Response[None]:
    webhook_service().delete(caller(app).org_id, webhook_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


@app.get("/api/webhooks/<webhook_id>/deliveries")
def list_deliveries(webhook_id: str) -> Response[DeliveryPage]:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    query = DeliveryQuery.model_validate(app.current_event.query_string_parameters or {})
    return json_response(webhook_deliveries().list(caller(app).org_id, webhook_id, query))


@app.post("/api/webhooks/<webhook_id>/deliveries/<delivery_id>/retry")
def retry(webhook_id: str, delivery_id: str) -> Response[DeliveryView]:
    view = webhook_deliveries().retry(caller(app).org_id, webhook_id, delivery_id)
    return json_response(view, HTTPStatus.ACCEPTED)


lambda_handler = entrypoint(app, request_guard, cors_policy)
