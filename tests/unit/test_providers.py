"""Provider errors: what SNS answers decides whether the queue retries or the message fails."""

import boto3
import pytest
from botocore.stub import Stubber

from sendme.errors import ProviderError
from sendme.models import Channel, Message, MessageType
from sendme.providers import SmsProvider

SMS = Message(
    org_id="org",
    id="01a209ba-a87a-7822-b73a-8d2593857aa2",
    channel=Channel.SMS,
    message_type=MessageType.SMS,
    content="Hola",
    recipient_details="+573001234567",
    provider="SNS",
    queue_id="sms-1",
    created_at="2026-01-01T00:00:00.000Z",
    updated_at="2026-01-01T00:00:00.000Z",
)


SNS_ANSWERS = [("Throttling", True), ("InternalError", True), ("InvalidParameter", False)]


@pytest.mark.parametrize(("code", "retryable"), SNS_ANSWERS)
def test_provider_sns_error_says_whether_a_retry_can_help(code: str, retryable: bool):
    # Given SNS answering Publish with an error
    client = boto3.client("sns", region_name="us-east-1")
    stubber = Stubber(client)
    stubber.add_client_error("publish", service_error_code=code, http_status_code=400)
    # When the provider sends through it
    with stubber, pytest.raises(ProviderError) as raised:
        SmsProvider(client).send(SMS)
    # Then the error carries SNS's code and whether the queue should try again
    assert (raised.value.code, raised.value.retryable) == (code, retryable)
