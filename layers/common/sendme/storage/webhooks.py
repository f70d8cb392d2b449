"""Webhook endpoints in the accounts table, and the organisation's flag that it has any.

Layout: pk "ORG#<orgId>", sk "WEBHOOK#<endpointId>". The organisation's profile carries
`webhooks: true` while one of its endpoints is enabled: sends copy it onto their messages, and
only those messages' status changes reach the webhook pipeline (decision 33).
"""

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from sendme.domain.webhooks import EndpointStatus, WebhookEndpoint
from sendme.storage import keys
from sendme.storage.dynamodb import is_condition_failure

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class WebhookRepository:
    def __init__(self, table: "Table") -> None:
        self._table = table

    def put(self, endpoint: WebhookEndpoint) -> None:
        item = endpoint.model_dump(mode="json", by_alias=True, exclude_none=True)
        self._table.put_item(Item={**keys.webhook(endpoint.org_id, endpoint.id), **item})

    def get(self, org_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        item = self._table.get_item(Key=keys.webhook(org_id, endpoint_id), ConsistentRead=True).get("Item")
        return WebhookEndpoint.model_validate(item) if item else None

    def list(self, org_id: str) -> list[WebhookEndpoint]:
        condition = Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(keys.WEBHOOK)
        arguments: dict[str, Any] = {"KeyConditionExpression": condition}
        endpoints: list[WebhookEndpoint] = []
        while True:
            page = self._table.query(**arguments)
            endpoints.extend(WebhookEndpoint.model_validate(item) for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                return endpoints
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(self, org_id: str, endpoint_id: str) -> bool:
        try:
            self._table.delete_item(Key=keys.webhook(org_id, endpoint_id), ConditionExpression=Attr("pk").exists())
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def mark_organization(self, org_id: str, *, has_webhooks: bool) -> None:
        """Set or clear the profile's `webhooks` flag (only an existing profile)."""
        expression = "SET webhooks = :on" if has_webhooks else "REMOVE webhooks"
        values: dict[str, Any] = {"ExpressionAttributeValues": {":on": True}} if has_webhooks else {}
        try:
            self._table.update_item(
                Key=keys.organization(org_id),
                UpdateExpression=expression,
                ConditionExpression=Attr("pk").exists(),
                **values,
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    def refresh_organization(self, org_id: str) -> None:
        """Keep the profile flag true exactly while one of its endpoints is enabled."""
        enabled = any(endpoint.status is EndpointStatus.ENABLED for endpoint in self.list(org_id))
        self.mark_organization(org_id, has_webhooks=enabled)

    def record_success(self, endpoint: WebhookEndpoint) -> None:
        """End a failing streak; written only when there is one, so a healthy endpoint costs no write."""
        if endpoint.failing_since is not None:
            self._update(endpoint, "REMOVE failingSince")

    def record_failure(self, endpoint: WebhookEndpoint, at: str, status_code: int | None) -> WebhookEndpoint:
        """Count a failed attempt; the streak starts at the first one. Returns the endpoint after it."""
        expression = "SET failingSince = if_not_exists(failingSince, :at), lastFailureAt = :at"
        values: dict[str, Any] = {":at": at}
        if status_code is None:
            expression += " REMOVE lastStatusCode"
        else:
            expression += ", lastStatusCode = :code"
            values[":code"] = status_code
        return self._update(endpoint, expression, values)

    def record_given_up(self, endpoint: WebhookEndpoint) -> None:
        self._update(endpoint, "ADD failedDeliveries :one", {":one": 1})

    def disable(self, endpoint: WebhookEndpoint, at: str) -> None:
        self._update(
            endpoint,
            "SET #status = :disabled, disabledAt = :at, updatedAt = :at",
            {":disabled": EndpointStatus.DISABLED.value, ":at": at},
        )

    def _update(
        self, endpoint: WebhookEndpoint, expression: str, values: dict[str, Any] | None = None
    ) -> WebhookEndpoint:
        arguments: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
        if "#status" in expression:
            arguments["ExpressionAttributeNames"] = {"#status": "status"}
        item = self._table.update_item(
            Key=keys.webhook(endpoint.org_id, endpoint.id),
            UpdateExpression=expression,
            # An endpoint deleted meanwhile is not brought back as a fragment.
            ConditionExpression=Attr("pk").exists(),
            ReturnValues="ALL_NEW",
            **arguments,
        )["Attributes"]
        return WebhookEndpoint.model_validate(item)
