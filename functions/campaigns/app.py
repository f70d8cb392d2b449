"""/api/campaigns CRUD: the named campaigns sends may belong to (`campaignId`)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from sendme.contracts.catalog import CampaignInput, CampaignPage, CampaignPatch, CampaignStats, CatalogQuery
from sendme.domain.templates import Campaign
from sendme.edge.http import build_resolver, caller, entrypoint, json_response
from sendme.wiring.accounts import request_guard
from sendme.wiring.api import cors_policy
from sendme.wiring.catalog import campaign_service

app = build_resolver()


def _query() -> CatalogQuery:
    # Parsed by hand: the edge has refused unknown parameters (sendme.contracts.operations).
    return CatalogQuery.model_validate(app.current_event.query_string_parameters or {})


@app.post("/api/campaigns")
def create_campaign(request: Annotated[CampaignInput, Body()]) -> Response[Campaign]:
    return json_response(campaign_service().create(caller(app).org_id, request), HTTPStatus.CREATED)


@app.get("/api/campaigns")
def list_campaigns() -> Response[CampaignPage]:
    return json_response(campaign_service().list(caller(app).org_id, _query()))


@app.get("/api/campaigns/<campaign_id>")
def get_campaign(campaign_id: str) -> Response[Campaign]:
    return json_response(campaign_service().get(caller(app).org_id, campaign_id))


@app.get("/api/campaigns/<campaign_id>/stats")
def campaign_stats(campaign_id: str) -> Response[CampaignStats]:
    return json_response(campaign_service().stats(caller(app).org_id, campaign_id))


@app.patch("/api/campaigns/<campaign_id>")
def update_campaign(campaign_id: str, request: Annotated[CampaignPatch, Body()]) -> Response[Campaign]:
    return json_response(campaign_service().update(caller(app).org_id, campaign_id, request))


@app.delete("/api/campaigns/<campaign_id>")
def delete_campaign(campaign_id: str) -> Response[None]:
    campaign_service().delete(caller(app).org_id, campaign_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


lambda_handler = entrypoint(app, request_guard, cors_policy)
