"""One SES tenant per organisation (decision 21).

SES judges the reputation of each tenant on its own: under the `standard` reputation policy it
pauses a tenant whose bounces or complaints cross its thresholds, and only that tenant's emails
stop. Each tenant keeps its own suppression list, so one organisation's bounced addresses do
not silence them for another. The tenant's name follows from the organisation's id, so the
delivery worker needs nothing stored to name it on every send.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

REPUTATION_POLICY = "standard"


def tenant_name(org_id: str) -> str:
    return f"sendme-{org_id}"


@dataclass(frozen=True)
class TenantStatus:
    """Whether SES lets the organisation's tenant send, and why not."""

    name: str
    # ENABLED, REINSTATED or DISABLED: the tenant's own status, and the one its reputation
    # policy sets (DISABLED once SES paused it).
    sending_status: str
    reputation_status: str | None = None
    cause: str | None = None

    def to_wire(self) -> dict[str, Any]:
        wire = {"tenant": self.name, "sendingStatus": self.sending_status}
        if self.reputation_status:
            wire["reputationStatus"] = self.reputation_status
        if self.cause:
            wire["cause"] = self.cause
        return wire


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class EmailTenants:
    """Creates an organisation's tenant and reads its status (SES v2 tenant API)."""

    def __init__(self, client: "SESV2Client", resource_arns: Sequence[str]) -> None:
        self._client = client
        # The shared sending identity and configuration set every tenant sends through.
        self._resource_arns = list(resource_arns)

    def onboard(self, org_id: str) -> TenantStatus:
        """Create the tenant, associate the shared resources, apply the reputation policy.
        Safe to repeat: what already exists is kept, so a half-done onboarding can be finished."""
        name = tenant_name(org_id)
        try:
            self._client.create_tenant(
                TenantName=name,
                SuppressionAttributes={"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
                Tags=[{"Key": "orgId", "Value": org_id}],
            )
        except ClientError as error:
            if _code(error) != "AlreadyExistsException":
                raise
        for arn in self._resource_arns:
            try:
                self._client.create_tenant_resource_association(TenantName=name, ResourceArn=arn)
            except ClientError as error:
                if _code(error) != "AlreadyExistsException":
                    raise
        tenant = self._client.get_tenant(TenantName=name)["Tenant"]
        meta = self._client.meta
        self._client.update_reputation_entity_policy(
            ReputationEntityType="RESOURCE",
            ReputationEntityReference=tenant["TenantArn"],
            ReputationEntityPolicy=f"arn:{meta.partition}:ses:{meta.region_name}:aws:reputation-policy/{REPUTATION_POLICY}",
        )
        return TenantStatus(name=name, sending_status=tenant["SendingStatus"])

    def status(self, org_id: str) -> TenantStatus | None:
        """The tenant's sending status; None if the organisation has no tenant (not onboarded)."""
        name = tenant_name(org_id)
        try:
            tenant = self._client.get_tenant(TenantName=name)["Tenant"]
            entity = self._client.get_reputation_entity(
                ReputationEntityReference=tenant["TenantArn"], ReputationEntityType="RESOURCE"
            )["ReputationEntity"]
        except ClientError as error:
            if _code(error) == "NotFoundException":
                return None
            raise
        paused_by_ses = entity.get("AwsSesManagedStatus", {})
        return TenantStatus(
            name=name,
            sending_status=tenant["SendingStatus"],
            reputation_status=entity.get("SendingStatusAggregate"),
            cause=paused_by_ses.get("Cause") if paused_by_ses.get("Status") == "DISABLED" else None,
        )
