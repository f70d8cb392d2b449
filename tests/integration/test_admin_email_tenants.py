"""sendme-admin with SES tenants on (decision 21): the accounts table in moto, SES v2's tenant API
stubbed by botocore's Stubber (moto implements none of it)."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from devstack.provision import Stack

from .helpers import admin_runner

IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"
CONFIGURATION_SET = "arn:aws:ses:us-east-1:123456789012:configuration-set/test-EmailConfigurationSet"


@pytest.fixture
def ses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The SES v2 client the CLI creates, stubbed; every other client is moto's."""
    client = boto3.client("sesv2", region_name="us-east-1")
    real_client = boto3.session.Session.client

    def client_of(session: boto3.session.Session, name: str, *args: Any, **kwargs: Any) -> Any:
        return client if name == "sesv2" else real_client(session, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(boto3.session.Session, "client", client_of)
    with Stubber(client) as stubber:
        yield stubber


@pytest.fixture
def admin(stack: Stack, capsys: pytest.CaptureFixture[str]):
    """Runs the CLI with tenants on; returns (exit status, stdout JSON or text, stderr)."""

    return admin_runner(
        capsys,
        "--accounts-table",
        stack.ref("AccountsTable"),
        "--email-tenant-resources",
        f"{IDENTITY},{CONFIGURATION_SET}",
    )


def tenant(status: str) -> dict[str, Any]:
    arn = "arn:aws:ses:us-east-1:123456789012:tenant/sendme-org/tn-1"
    return {"Tenant": {"TenantName": "sendme-org", "TenantArn": arn, "SendingStatus": status}}


def expect_status(ses: Stubber, status: str, cause: str | None = None) -> None:
    ses.add_response("get_tenant", tenant(status), {"TenantName": ANY})
    managed = {"Status": status, **({"Cause": cause} if cause else {})}
    entity = {"ReputationEntity": {"SendingStatusAggregate": status, "AwsSesManagedStatus": managed}}
    ses.add_response(
        "get_reputation_entity", entity, {"ReputationEntityReference": ANY, "ReputationEntityType": "RESOURCE"}
    )


def test_cli_create_org_onboards_its_ses_tenant(admin, ses: Stubber):
    # Given SES expecting the tenant, its two resources and the standard reputation policy
    ses.add_response("create_tenant", {}, {"TenantName": ANY, "SuppressionAttributes": ANY, "Tags": ANY})
    for arn in (IDENTITY, CONFIGURATION_SET):
        ses.add_response("create_tenant_resource_association", {}, {"TenantName": ANY, "ResourceArn": arn})
    ses.add_response("get_tenant", tenant("ENABLED"), {"TenantName": ANY})
    ses.add_response(
        "update_reputation_entity_policy",
        {},
        {
            "ReputationEntityType": "RESOURCE",
            "ReputationEntityReference": ANY,
            "ReputationEntityPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/standard",
        },
    )
    expect_status(ses, "ENABLED")
    # When an organisation is created
    status, organization, _ = admin("create-org", "Acme")
    # Then its tenant was set up, is named for it, and may send
    ses.assert_no_pending_responses()
    assert status == 0
    assert organization["emailTenant"]["sendingStatus"] == "ENABLED"


def test_cli_create_org_is_not_stored_when_its_tenant_cannot_be_made(admin, ses: Stubber, stack: Stack):
    # Given SES refusing another tenant
    ses.add_client_error("create_tenant", "LimitExceededException", "Too many tenants")
    # When an organisation is created
    status, _, err = admin("create-org", "Acme")
    # Then the command fails in one line and no organisation was stored
    assert (status, err.strip()) == (1, "sendme-admin: error: AWS refused the request: Too many tenants")
    items = boto3.resource("dynamodb").Table(stack.ref("AccountsTable")).scan()["Items"]
    assert not [item for item in items if item.get("name") == "Acme"]


def test_cli_show_org_shows_a_tenant_ses_paused(admin, ses: Stubber, stack: Stack):
    # Given an organisation whose tenant SES paused for its bounce rate
    org_id = _organization_without_tenant(stack)
    expect_status(ses, "DISABLED", "Bounce rate above the policy's threshold")
    # When an operator looks at it
    status, shown, _ = admin("show-org", org_id)
    # Then the pause and its cause are shown
    assert (status, shown["emailTenant"]["reputationStatus"]) == (0, "DISABLED")
    assert shown["emailTenant"]["cause"] == "Bounce rate above the policy's threshold"


def test_cli_show_org_without_a_tenant_shows_none(admin, ses: Stubber, stack: Stack):
    # Given an organisation created before tenants were on
    org_id = _organization_without_tenant(stack)
    ses.add_client_error("get_tenant", "NotFoundException", http_status_code=404)
    # When an operator looks at it, Then it has no tenant yet
    assert admin("show-org", org_id)[1]["emailTenant"] is None


def _organization_without_tenant(stack: Stack) -> str:
    from sendme.wiring.accounts import account_service

    return account_service().create_organization("Acme").id
