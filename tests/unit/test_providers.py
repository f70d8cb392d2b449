"""Provider errors: what SNS answers decides whether the queue retries or the message fails."""

from decimal import Decimal

import boto3
import pytest
from botocore.client import BaseClient
from botocore.stub import Stubber

from sendme.domain.errors import ProviderError
from sendme.outbound.providers import SmsProvider
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
