"""/api/webhooks: an organisation's endpoints, and the profile flag that sends copy onto messages."""

from sendme.contracts.webhooks import WebhookCreated, WebhookInput, WebhookList, WebhookPatch, WebhookView
from sendme.domain.clock import now_iso
from sendme.domain.errors import WebhookNotFoundError
from sendme.domain.ids import new_id
from sendme.domain.webhooks import EndpointStatus, WebhookEndpoint, checked_url, new_secret
from sendme.storage.webhooks import WebhookRepository


class WebhookService:
    def __init__(self, endpoints: WebhookRepository, *, loopback_only: bool = False) -> None:
        self._endpoints = endpoints
        self._loopback_only = loopback_only

    def create(self, org_id: str, request: WebhookInput) -> WebhookCreated:
        now = now_iso()
        endpoint = WebhookEndpoint(
            org_id=org_id,
            id=new_id(),
            url=checked_url(request.url, loopback_only=self._loopback_only),
            events=list(dict.fromkeys(request.events)),
            secret=new_secret(),
            created_at=now,
            updated_at=now,
        )
        self._endpoints.put(endpoint)
        self._endpoints.mark_organization(org_id, has_webhooks=True)
        return WebhookCreated(**WebhookView.of(endpoint).model_dump(), secret=endpoint.secret)

    def list(self, org_id: str) -> WebhookList:
        return WebhookList(data=[WebhookView.of(endpoint) for endpoint in self._endpoints.list(org_id)])

    def get(self, org_id: str, endpoint_id: str) -> WebhookView:
        return WebhookView.of(self._existing(org_id, endpoint_id))

    def update(self, org_id: str, endpoint_id: str, patch: WebhookPatch) -> WebhookView:
        endpoint = self._existing(org_id, endpoint_id)
        changes: dict[str, object] = {"updated_at": now_iso()}
        if patch.url is not None:
            changes["url"] = checked_url(patch.url, loopback_only=self._loopback_only)
        if patch.events is not None:
            changes["events"] = list(dict.fromkeys(patch.events))
        if patch.status is EndpointStatus.ENABLED and endpoint.status is EndpointStatus.DISABLED:
            # Re-enabled by its owner: its failing streak starts again from nothing.
            changes |= {"status": EndpointStatus.ENABLED, "disabled_at": None, "failing_since": None}
        elif patch.status is EndpointStatus.DISABLED:
            changes |= {"status": EndpointStatus.DISABLED, "disabled_at": changes["updated_at"]}
        updated = endpoint.model_copy(update=changes)
        self._endpoints.put(updated)
        self._endpoints.refresh_organization(org_id)
        return WebhookView.of(updated)

    def delete(self, org_id: str, endpoint_id: str) -> None:
        if not self._endpoints.delete(org_id, endpoint_id):
            raise WebhookNotFoundError(f"no webhook {endpoint_id}")
        self._endpoints.refresh_organization(org_id)

    def _existing(self, org_id: str, endpoint_id: str) -> WebhookEndpoint:
        endpoint = self._endpoints.get(org_id, endpoint_id)
        if endpoint is None:
            raise WebhookNotFoundError(f"no webhook {endpoint_id}")
        return endpoint
