"""What a send asks for: the SMS or email request every send route and send job shares."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ConfigDict, Field, JsonValue, field_validator
from pydantic.json_schema import SkipJsonSchema

from sendme.domain.addresses import ISO_COUNTRY, one_of
from sendme.domain.base import CamelModel, not_null
from sendme.domain.messages import Channel, ContentType, Metadata
from sendme.domain.pricing import PriceKind, PriceTable
from sendme.domain.templates import CampaignId, TemplateId, Variables

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


class SendOptions(CamelModel):
    """What every send request may carry besides its audience."""

    campaign_id: CampaignId | None = None
    # ISO 8601 with an offset; its window (1 minute to 365 days ahead) is checked by the send
    # (sendme.domain.schedules), not here: a send job re-reads its request after the time.
    scheduled_at: AwareDatetime | None = None
    # A template to render per recipient instead of `message` (and an email's `subject`); one of
    # the two is required (sendme.services.rendering checks it).
    template_id: TemplateId | None = Field(default=None, json_schema_extra=not_null)
    variables: Variables | None = Field(default=None, json_schema_extra=not_null)
    # The caller's key-value pairs, stored on every message of the send and returned with it.
    metadata: Metadata | None = Field(default=None, json_schema_extra=not_null)
    # Set by the send from the template (never by a client): kept with the request so a send
    # job renders with the template as it was when the send was accepted.
    template_defaults: SkipJsonSchema[dict[str, str] | None] = None

    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata_not_null(cls, value: Any) -> Any:
        # Left out means none; sent as null it is refused, as its schema says (not_null).
        if value is None:
            raise ValueError("must be an object of strings, not null")
        return value


def _one_of(*alternatives: list[str]) -> ConfigDict:
    """A schema that requires a message (and an email's subject) or a templateId."""
    options: list[JsonValue] = [
        {"required": list[JsonValue](fields), "properties": {field: {"type": "string"} for field in fields}}
        for fields in alternatives
    ]
    return ConfigDict(json_schema_extra={"anyOf": options})


class SmsRequest(SendOptions):
    model_config = _one_of(["message"], ["templateId"])

    message: str | None = Field(default=None, min_length=1, max_length=1600, json_schema_extra=not_null)
    # FLASH is read, to be refused with its reason (decision 12), so the schema leaves it out.
    type: Annotated[SmsType, BeforeValidator(_upper), one_of([SmsType.SMS, SmsType.OTP])] = SmsType.SMS
    country: CountryCode | None = None


class EmailRequest(SendOptions):
    model_config = _one_of(["subject", "message"], ["templateId"])

    # Required unless the send names a template (whose subject it then is).
    subject: str | None = Field(default=None, min_length=1, max_length=998, json_schema_extra=not_null)
    # Bounded so a message and its plain-text part fit one DynamoDB item.
    message: str | None = Field(default=None, min_length=1, max_length=100_000, json_schema_extra=not_null)
    # None: detected from the message (sendme.domain.content).
    content_type: Annotated[ContentType | None, BeforeValidator(_upper)] = None


def stored_request(channel: Channel, stored: dict[str, Any]) -> SmsRequest | EmailRequest:
    """A send job's request as it was sent: stored whole (to_wire), its absent fields as null."""
    model = SmsRequest if channel is Channel.SMS else EmailRequest
    return model.model_validate({name: value for name, value in stored.items() if value is not None})


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
