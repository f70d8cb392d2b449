"""SES tenants (decision 21) through botocore's Stubber: moto implements no tenant API."""

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sendme.outbound.email_tenants import EmailTenants, TenantStatus

ORG = "01a209ba-a87a-7822-b73a-8d2593857aa2"
NAME = f"sendme-{ORG}"
TENANT_ARN = f"arn:aws:ses:us-east-1:123456789012:tenant/{NAME}/tn-1"
IDENTITY = "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"
CONFIGURATION_SET = "arn:aws:ses:us-east-1:123456789012:configuration-set/sendme-email"


def tenant(status: str = "ENABLED") -> dict[str, Any]:
    return {"Tenant": {"TenantName": NAME, "TenantId": "tn-1", "TenantArn": TENANT_ARN, "SendingStatus": status}}


def stubbed() -> tuple[EmailTenants, Stubber]:
    client = boto3.client("sesv2", region_name="us-east-1")
    return EmailTenants(client, [IDENTITY, CONFIGURATION_SET]), Stubber(client)


def expect_onboarding(stubber: Stubber, *, already_there: bool = False) -> None:
    create = {
        "TenantName": NAME,
        "SuppressionAttributes": {"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "Tags": [{"Key": "orgId", "Value": ORG}],
    }
    if already_there:
        stubber.add_client_error("create_tenant", "AlreadyExistsException", expected_params=create)
    else:
        stubber.add_response("create_tenant", {"TenantName": NAME, "TenantArn": TENANT_ARN}, create)
    for arn in (IDENTITY, CONFIGURATION_SET):
        association = {"TenantName": NAME, "ResourceArn": arn}
        if already_there:
            stubber.add_client_error(
                "create_tenant_resource_association", "AlreadyExistsException", expected_params=association
            )
        else:
            stubber.add_response("create_tenant_resource_association", {}, association)
    stubber.add_response("get_tenant", tenant(), {"TenantName": NAME})
    policy = {
        "ReputationEntityType": "RESOURCE",
        "ReputationEntityReference": TENANT_ARN,
        "ReputationEntityPolicy": "arn:aws:ses:us-east-1:aws:reputation-policy/standard",
    }
    stubber.add_response("update_reputation_entity_policy", {}, policy)


def test_email_tenants_onboard_creates_the_tenant_with_its_resources_and_standard_policy():
    # Given SES expecting the tenant, its two associations and the standard reputation policy
    tenants, stubber = stubbed()
    expect_onboarding(stubber)
    # When the organisation is onboarded
    with stubber:
        status = tenants.onboard(ORG)
    # Then every call was made as expected, and the tenant may send
    stubber.assert_no_pending_responses()
    assert status == TenantStatus(name=NAME, sending_status="ENABLED")


def test_email_tenants_onboard_again_finishes_what_exists():
    # Given a tenant and associations that already exist (an earlier, interrupted onboarding)
    tenants, stubber = stubbed()
    expect_onboarding(stubber, already_there=True)
    # When it is onboarded again, Then it does not fail and the policy is applied
    with stubber:
        assert tenants.onboard(ORG).sending_status == "ENABLED"
    stubber.assert_no_pending_responses()


def test_email_tenants_onboard_fails_on_any_other_error():
    # Given SES refusing to create more tenants
    tenants, stubber = stubbed()
    stubber.add_client_error("create_tenant", "LimitExceededException")
    # When the organisation is onboarded, Then the refusal surfaces
    with stubber, pytest.raises(Exception, match="LimitExceeded"):
        tenants.onboard(ORG)


def test_email_tenants_status_shows_a_tenant_ses_paused():
    # Given a tenant whose reputation SES judged bad enough to pause it
    tenants, stubber = stubbed()
    stubber.add_response("get_tenant", tenant("DISABLED"), {"TenantName": NAME})
    entity = {
        "ReputationEntity": {
            "ReputationEntityReference": TENANT_ARN,
            "ReputationEntityType": "RESOURCE",
            "SendingStatusAggregate": "DISABLED",
            "AwsSesManagedStatus": {"Status": "DISABLED", "Cause": "Bounce rate above the policy's threshold"},
        }
    }
    expected = {"ReputationEntityReference": TENANT_ARN, "ReputationEntityType": "RESOURCE"}
    stubber.add_response("get_reputation_entity", entity, expected)
    # When its status is read
    with stubber:
        status = tenants.status(ORG)
    # Then it says the tenant is paused, and why
    assert status is not None
    assert status.to_wire() == {
        "tenant": NAME,
        "sendingStatus": "DISABLED",
        "reputationStatus": "DISABLED",
        "cause": "Bounce rate above the policy's threshold",
    }


def test_email_tenants_status_of_an_organisation_without_a_tenant_is_none():
    # Given no tenant for the organisation (created before tenants were turned on)
    tenants, stubber = stubbed()
    stubber.add_client_error("get_tenant", "NotFoundException", http_status_code=404)
    # When its status is read, Then there is none
    with stubber:
        assert tenants.status(ORG) is None
