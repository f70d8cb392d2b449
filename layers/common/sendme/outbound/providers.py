"""The SMS (Amazon SNS, or AWS End User Messaging SMS) and email (Amazon SES v2) providers.

Each turns a stored message into one provider call and returns the provider's message id, or
raises ProviderError saying whether trying again later can help.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from sendme.domain.errors import ProviderError
from sendme.domain.messages import ContentType, Message, MessageType
from sendme.outbound.email_tenants import tenant_name

if TYPE_CHECKING:
    from mypy_boto3_pinpoint_sms_voice_v2 import PinpointSMSVoiceV2Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient

_RETRYABLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "ThrottledException",
        "InternalError",
        "InternalFailure",
        "InternalErrorException",
        "InternalServerException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "KMSThrottlingException",
    }
)


# End User Messaging says why it refused in a `Reason` beside the error code. These refusals are
# about the recipient or our own protect configuration: no retry can change them.
_FINAL_REASONS = {
    "DESTINATION_PHONE_NUMBER_OPTED_OUT": "SMS_OPTED_OUT",
    "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION": "SMS_PROTECT_BLOCKED",
    "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE": "SMS_PROTECT_BLOCKED",
    "PRICE_OVER_THRESHOLD": "SMS_PRICE_OVER_MAX",
}


def _as_provider_error(error: Exception) -> ProviderError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        message = error.response.get("Error", {}).get("Message", code)
        reason = str(error.response.get("Reason", ""))
        if reason in _FINAL_REASONS:
            return ProviderError(message, code=_FINAL_REASONS[reason], retryable=False)
        return ProviderError(message, code=code, retryable=code in _RETRYABLE_CODES)
    # Connection resets and timeouts: the request may not have reached the provider.
    return ProviderError(type(error).__name__, code="ConnectionError", retryable=True)


class Provider(Protocol):
    """What the delivery worker sends through: one call per message, the provider's id back."""

    name: str

    def send(self, message: Message, sender_id: str | None = None) -> str: ...


class SmsProvider:
    name = "SNS"

    def __init__(self, client: "SNSClient", max_price_usd: Decimal | None = None) -> None:
        self._client = client
        self._max_price_usd = max_price_usd

    def send(self, message: Message, sender_id: str | None = None) -> str:
        # OTP must arrive now: Transactional. Everything else goes at the cheaper Promotional rate.
        sms_type = "Transactional" if message.message_type is MessageType.OTP else "Promotional"
        attributes: dict[str, Any] = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": sms_type}}
        if self._max_price_usd is not None:
            attributes["AWS.SNS.SMS.MaxPrice"] = {"DataType": "Number", "StringValue": str(self._max_price_usd)}
        if sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": sender_id}
        if message.from_ and message.from_.startswith("+"):
            # The organisation's two-way number: replies come back to it (decision 31).
            attributes["AWS.MM.SMS.OriginationNumber"] = {"DataType": "String", "StringValue": message.from_}
        try:
            if self._client.check_if_phone_number_is_opted_out(phoneNumber=message.recipient_details)["isOptedOut"]:
                # SNS would accept it and deliver nothing: end it here, refunded, saying why.
                raise ProviderError(
                    "the number is on SNS's opted-out list (it replied STOP to this account)",
                    code="OPTED_OUT",
                    retryable=False,
                )
            response = self._client.publish(
                PhoneNumber=message.recipient_details, Message=message.content, MessageAttributes=attributes
            )
        except (ClientError, BotoCoreError) as error:
            raise _as_provider_error(error) from error
        return response["MessageId"]

    def opt_in(self, number: str) -> bool:
        """Take the number off SNS's opted-out list, if it is on it; False if SNS refused (it allows
        this once every 30 days per number)."""
        try:
            if self._client.check_if_phone_number_is_opted_out(phoneNumber=number)["isOptedOut"]:
                self._client.opt_in_phone_number(phoneNumber=number)
        except ClientError:
            return False
        return True


class EndUserMessagingSmsProvider:
    """SMS through AWS End User Messaging SMS (SendTextMessage), decision 22.

    The configuration set carries the protect configuration (country rules) and the event
    destination; `Context` rides along into every event, so a receipt names its message.
    """

    name = "EUM"

    def __init__(
        self,
        client: "PinpointSMSVoiceV2Client",
        configuration_set: str,
        *,
        origination_identity: str = "",
        max_price_usd: Decimal | None = None,
        otp_time_to_live_seconds: int,
        time_to_live_seconds: int,
    ) -> None:
        self._client = client
        self._configuration_set = configuration_set
        self._origination_identity = origination_identity
        self._max_price_usd = max_price_usd
        self._otp_time_to_live_seconds = otp_time_to_live_seconds
        self._time_to_live_seconds = time_to_live_seconds

    def send(self, message: Message, sender_id: str | None = None) -> str:
        otp = message.message_type is MessageType.OTP
        arguments: dict[str, Any] = {
            "DestinationPhoneNumber": message.recipient_details,
            "MessageBody": message.content,
            "MessageType": "TRANSACTIONAL" if otp else "PROMOTIONAL",
            "ConfigurationSetName": self._configuration_set,
            "TimeToLive": self._otp_time_to_live_seconds if otp else self._time_to_live_seconds,
            "Context": {"messageId": message.id, "orgId": message.org_id},
        }
        if origination := sender_id or self._origination_identity:
            arguments["OriginationIdentity"] = origination
        if self._max_price_usd is not None:
            arguments["MaxPrice"] = str(self._max_price_usd)
        try:
            response = self._client.send_text_message(**arguments)
        except (ClientError, BotoCoreError) as error:
            raise _as_provider_error(error) from error
        return response["MessageId"]


class EmailProvider:
    name = "SES"

    def __init__(self, client: "SESV2Client", sender: str, configuration_set: str, *, tenants: bool = False) -> None:
        self._client = client
        self._sender = sender
        self._configuration_set = configuration_set
        self._tenants = tenants

    def send(self, message: Message, sender_id: str | None = None) -> str:
        body: dict[str, Any] = {"Text": {"Data": message.content, "Charset": "UTF-8"}}
        if message.content_type is ContentType.HTML:
            # Clients that cannot show HTML fall back to the plain-text part.
            body = {
                "Html": {"Data": message.content, "Charset": "UTF-8"},
                "Text": {"Data": html_to_text(message.content), "Charset": "UTF-8"},
            }
        arguments: dict[str, Any] = {
            "FromEmailAddress": self._sender,
            "Destination": {"ToAddresses": [message.recipient_details]},
            "Content": {"Simple": {"Subject": {"Data": message.subject or "", "Charset": "UTF-8"}, "Body": body}},
            # Receipts (delivery, bounce, open) come back carrying these tags.
            "EmailTags": [
                {"Name": "messageId", "Value": message.id},
                {"Name": "orgId", "Value": message.org_id},
            ],
        }
        if self._configuration_set:
            arguments["ConfigurationSetName"] = self._configuration_set
        if self._tenants:
            # SES counts this email's bounces and complaints against the organisation's own tenant.
            arguments["TenantName"] = tenant_name(message.org_id)
        try:
            response = self._client.send_email(**arguments)
        except (ClientError, BotoCoreError) as error:
            raise _as_provider_error(error) from error
        return response["MessageId"]


def html_to_text(html: str) -> str:
    """A readable plain-text rendering of an HTML body, for the email's text part."""
    # Imported here: lxml costs cold-start time that only an HTML email's delivery should pay.
    from inscriptis import get_text

    lines = (line.strip() for line in get_text(html).splitlines())
    return "\n".join(line for line in lines if line)
