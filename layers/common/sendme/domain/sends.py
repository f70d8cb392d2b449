"""What a send asks for: the SMS or email request every send route and send job shares."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from sendme.domain.addresses import ISO_COUNTRY, one_of
from sendme.domain.base import CamelModel
from sendme.domain.messages import ContentType
from sendme.domain.pricing import PriceKind, PriceTable

# The contract's cap on recipients named in one /contacts request.
MAX_RECIPIENTS = 1000


class SmsType(StrEnum):
    """The `type` an SMS send may ask for."""

    SMS = "SMS"
    OTP = "OTP"
    FLASH = "FLASH"

    @property
    def price_kind(self) -> PriceKind:
        """OTP is priced as transactional traffic, everything else as promotional."""
        return PriceKind.TRANSACTIONAL if self is SmsType.OTP else PriceKind.PROMOTIONAL


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _region_code(value: str) -> str:
    import phonenumbers  # local: only requests with a country pay for the metadata lookup

    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, such as CO or US")
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_region_code), ISO_COUNTRY]


Tag = Annotated[str, Field(min_length=1, max_length=64)]


CampaignId = Annotated[str, Field(min_length=1, max_length=128)]


class SendOptions(CamelModel):
    """What every send request may carry besides its audience."""

    campaign_id: CampaignId | None = None


class SmsRequest(SendOptions):
    message: str = Field(min_length=1, max_length=1600)
    # FLASH is read, to be refused with its reason (decision 12), so the schema leaves it out.
    type: Annotated[SmsType, BeforeValidator(_upper), one_of([SmsType.SMS, SmsType.OTP])] = SmsType.SMS
    country: CountryCode | None = None


class EmailRequest(SendOptions):
    subject: str = Field(min_length=1, max_length=998)
    # Bounded so a message and its plain-text part fit one DynamoDB item.
    message: str = Field(min_length=1, max_length=100_000)
    # None: detected from the message (sendme.domain.content).
    content_type: Annotated[ContentType | None, BeforeValidator(_upper)] = None


@dataclass(frozen=True)
class SendLimits:
    """The prices and the size limit a send is built with (from the function's settings)."""

    # Credits per SMS segment by destination and kind (sendme.domain.pricing, prices.json).
    sms_prices: PriceTable
    email_credits_per_message: int
    # The only country an organisation without an allow-list or a home country may send SMS to.
    default_country: str
    # An /all or /tags audience larger than this becomes a send job run by the fan-out worker.
    audience_sync_limit: int
    # The From of every email (the SES identity the worker sends as).
    email_from: str | None = None
