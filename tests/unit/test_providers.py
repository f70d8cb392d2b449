"""Provider calls and errors: what SNS, End User Messaging and SES are asked, and whether what they
answer makes the queue retry or the message fail (botocore's Stubber: moto has no End User
Messaging and no SES tenants)."""

from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.stub import Stubber

from sendme.domain.errors import ProviderError
from sendme.domain.messages import Channel, Message, MessageType
from sendme.outbound.providers import EmailProvider, EndUserMessagingSmsProvider, SmsProvider
from tests.factories import sms_message

SMS = sms_message()


def not_opted_out(client: BaseClient) -> Stubber:
    """A stubber whose SNS first answers that the number is not on its opted-out list."""
    stubber = Stubber(client)
    stubber.add_response("check_if_phone_number_is_opted_out", {"isOptedOut": False})
    return stubber


SNS_ANSWERS = [("Throttling", True), ("InternalError", True), ("InvalidParameter", False)]


@pytest.mark.parametrize(("code", "retryable"), SNS_ANSWERS)
def test_provider_sns_error_says_whether_a_retry_can_help(code: str, retryable: bool):
    # Given SNS answering Publish with an error
    client = boto3.client("sns", region_name="us-east-1")
    stubber = not_opted_out(client)
    stubber.add_client_error("publish", service_error_code=code, http_status_code=400)
    # When the provider sends through it
    with stubber, pytest.raises(ProviderError) as raised:
        SmsProvider(client).send(SMS)
    # Then the error carries SNS's code and whether the queue should try again
    assert (raised.value.code, raised.value.retryable) == (code, retryable)


def test_provider_sms_carries_the_price_ceiling_when_one_is_set():
    # Given a provider with a US$0.05 ceiling and SNS expecting exactly that attribute
    client = boto3.client("sns", region_name="us-east-1")
    stubber = not_opted_out(client)
    expected = {
        "PhoneNumber": SMS.recipient_details,
        "Message": SMS.content,
        "MessageAttributes": {
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Promotional"},
            "AWS.SNS.SMS.MaxPrice": {"DataType": "Number", "StringValue": "0.05"},
        },
    }
    stubber.add_response("publish", {"MessageId": "sns-1"}, expected_params=expected)
    # When it sends, Then SNS accepted the call with the ceiling (the stubber checks the params)
    with stubber:
        assert SmsProvider(client, Decimal("0.05")).send(SMS) == "sns-1"


def eum_provider(client: Any, max_price: Decimal | None = None) -> EndUserMessagingSmsProvider:
    return EndUserMessagingSmsProvider(
        client,
        "sendme-sms",
        max_price_usd=max_price,
        otp_time_to_live_seconds=600,
        time_to_live_seconds=86400,
    )


def test_provider_eum_sends_with_context_price_ceiling_and_time_to_live():
    # Given End User Messaging expecting exactly these parameters for an OTP
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    stubber = Stubber(client)
    otp = sms_message(message_type=MessageType.OTP)
    expected = {
        "DestinationPhoneNumber": otp.recipient_details,
        "MessageBody": otp.content,
        "MessageType": "TRANSACTIONAL",
        "ConfigurationSetName": "sendme-sms",
        "TimeToLive": 600,
        "Context": {"messageId": otp.id, "orgId": otp.org_id},
        "OriginationIdentity": "SendMe",
        "MaxPrice": "0.05",
    }
    stubber.add_response("send_text_message", {"MessageId": "eum-1"}, expected_params=expected)
    # When it sends with the organisation's sender id, Then the call matched and its id comes back
    with stubber:
        assert eum_provider(client, Decimal("0.05")).send(otp, "SendMe") == "eum-1"


def test_provider_eum_promotional_sms_waits_longer_and_names_no_origination():
    # Given End User Messaging expecting a promotional SMS without a sender or price ceiling
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    stubber = Stubber(client)
    expected = {
        "DestinationPhoneNumber": SMS.recipient_details,
        "MessageBody": SMS.content,
        "MessageType": "PROMOTIONAL",
        "ConfigurationSetName": "sendme-sms",
        "TimeToLive": 86400,
        "Context": {"messageId": SMS.id, "orgId": SMS.org_id},
    }
    stubber.add_response("send_text_message", {"MessageId": "eum-2"}, expected_params=expected)
    # When it sends, Then the call matched
    with stubber:
        assert eum_provider(client).send(SMS) == "eum-2"


EUM_ANSWERS = [
    ("ConflictException", "DESTINATION_PHONE_NUMBER_OPTED_OUT", "SMS_OPTED_OUT", False),
    ("ConflictException", "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION", "SMS_PROTECT_BLOCKED", False),
    ("ConflictException", "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE", "SMS_PROTECT_BLOCKED", False),
    ("ValidationException", "PRICE_OVER_THRESHOLD", "SMS_PRICE_OVER_MAX", False),
    ("ThrottlingException", None, "ThrottlingException", True),
    ("InternalServerException", None, "InternalServerException", True),
]


@pytest.mark.parametrize(("code", "reason", "ours", "retryable"), EUM_ANSWERS)
def test_provider_eum_error_says_whether_a_retry_can_help(code: str, reason: str | None, ours: str, retryable: bool):
    # Given End User Messaging refusing SendTextMessage with an error and its reason
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    stubber = Stubber(client)
    fields = {"Reason": reason} if reason else None
    stubber.add_client_error("send_text_message", service_error_code=code, modeled_fields=fields)
    # When the provider sends through it
    with stubber, pytest.raises(ProviderError) as raised:
        eum_provider(client).send(SMS)
    # Then an opted-out or protect-blocked number is final; throttling and outages are retried
    assert (raised.value.code, raised.value.retryable) == (ours, retryable)


def email_expected(message: Message, **extra: Any) -> dict[str, Any]:
    return {
        "FromEmailAddress": "no-reply@example.com",
        "Destination": {"ToAddresses": [message.recipient_details]},
        "Content": {
            "Simple": {
                "Subject": {"Data": "", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": message.content, "Charset": "UTF-8"}},
            }
        },
        "EmailTags": [{"Name": "messageId", "Value": message.id}, {"Name": "orgId", "Value": message.org_id}],
        "ConfigurationSetName": "sendme-email",
        **extra,
    }


@pytest.mark.parametrize("tenants", [True, False])
def test_provider_email_names_the_organisations_tenant_only_where_tenants_are_on(tenants: bool):
    # Given SES expecting the email with (or, tenants off, without) the organisation's tenant
    client = boto3.client("sesv2", region_name="us-east-1")
    stubber = Stubber(client)
    email = sms_message(channel=Channel.EMAIL, recipient_details="ana@example.com", provider="SES")
    extra = {"TenantName": f"sendme-{email.org_id}"} if tenants else {}
    stubber.add_response("send_email", {"MessageId": "ses-1"}, expected_params=email_expected(email, **extra))
    # When it sends, Then the call matched
    with stubber:
        provider = EmailProvider(client, "no-reply@example.com", "sendme-email", tenants=tenants)
        assert provider.send(email) == "ses-1"


def test_provider_email_to_a_tenant_ses_paused_is_final():
    # Given SES refusing the email because the organisation's tenant is paused
    client = boto3.client("sesv2", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("send_email", service_error_code="SendingPausedException")
    email = sms_message(channel=Channel.EMAIL, recipient_details="ana@example.com", provider="SES")
    # When the provider sends through it
    with stubber, pytest.raises(ProviderError) as raised:
        EmailProvider(client, "no-reply@example.com", "sendme-email", tenants=True).send(email)
    # Then no retry is asked for: the message fails (and is refunded) and others keep sending
    assert (raised.value.code, raised.value.retryable) == ("SendingPausedException", False)


def test_provider_sms_to_a_number_on_sns_opted_out_list_fails_without_publishing():
    # Given SNS saying the number opted out (and expecting no Publish)
    client = boto3.client("sns", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_response("check_if_phone_number_is_opted_out", {"isOptedOut": True})
    # When the provider sends to it
    with stubber, pytest.raises(ProviderError) as raised:
        SmsProvider(client).send(SMS)
    # Then it fails for good, saying why, and nothing was published
    assert (raised.value.code, raised.value.retryable) == ("OPTED_OUT", False)
    stubber.assert_no_pending_responses()
