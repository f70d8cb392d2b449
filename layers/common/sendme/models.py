"""Pydantic models: the API's request and response bodies and the stored message.

Field names are snake_case in Python and camelCase on the wire and in DynamoDB, as the
SendMe123 contract spells them.
"""

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

# The contract's cap on recipients named in one /contacts request.
MAX_RECIPIENTS = 1000


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class MessageType(StrEnum):
    SMS = "SMS"
    OTP = "OTP"
    FLASH = "FLASH"
    EMAIL = "EMAIL"


class SmsType(StrEnum):
    """The `type` an SMS send may ask for."""

    SMS = "SMS"
    OTP = "OTP"
    FLASH = "FLASH"


class ContentType(StrEnum):
    PLAIN_TEXT = "PLAIN_TEXT"
    HTML = "HTML"


class MessageStatus(StrEnum):
    QUEUED = "QUEUED"
    SCHEDULED = "SCHEDULED"
    SENDING = "SENDING"
    SENT = "SENT"
    DELIVERED = "DELIVERED"
    UNDELIVERED = "UNDELIVERED"
    FAILED = "FAILED"
    READ = "READ"
    CANCELED = "CANCELED"
    RECEIVED = "RECEIVED"


class SkipReason(StrEnum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    BLOCKED = "blocked"
    SUPPRESSED = "suppressed"


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _region_code(value: str) -> str:
    import phonenumbers  # local: only requests with a country pay for the metadata lookup

    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, such as CO or US")
    return code


CountryCode = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_region_code)]
Tag = Annotated[str, Field(min_length=1, max_length=64)]
CampaignId = Annotated[str, Field(min_length=1, max_length=128)]


class SendOptions(CamelModel):
    """What every send request may carry besides its audience."""

    campaign_id: CampaignId | None = None


class SmsRequest(SendOptions):
    message: str = Field(min_length=1, max_length=1600)
    type: Annotated[SmsType, BeforeValidator(_upper)] = SmsType.SMS
    country: CountryCode | None = None


class SmsContactsRequest(SmsRequest):
    contacts: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class SmsTagsRequest(SmsRequest):
    tags: list[Tag] = Field(min_length=1, max_length=50)


class EmailRequest(SendOptions):
    subject: str = Field(min_length=1, max_length=998)
    # Bounded so a message and its plain-text part fit one DynamoDB item.
    message: str = Field(min_length=1, max_length=100_000)
    content_type: Annotated[ContentType, BeforeValidator(_upper)] = ContentType.PLAIN_TEXT


class EmailContactsRequest(EmailRequest):
    contacts: list[Annotated[str, Field(max_length=320)]] = Field(min_length=1, max_length=MAX_RECIPIENTS)


class EmailTagsRequest(EmailRequest):
    tags: list[Tag] = Field(min_length=1, max_length=50)


class EnqueuedMessage(CamelModel):
    id: str
    recipient: str


class SkippedRecipient(CamelModel):
    recipient: str
    reason: SkipReason


class EnqueueResult(CamelModel):
    """The contract's MessageEnqueueResultDto, plus why any recipient was skipped."""

    queue_id: str
    channel: Channel
    messages: list[EnqueuedMessage]
    skipped: list[SkippedRecipient] = Field(default_factory=list)


class StatusEvent(CamelModel):
    status: MessageStatus
    at: str
    source: str
    detail: str | None = None


class Message(CamelModel):
    """A message as stored in the messages table."""

    org_id: str
    id: str
    channel: Channel
    message_type: MessageType
    content: str
    subject: str | None = None
    content_type: ContentType = ContentType.PLAIN_TEXT
    status: MessageStatus = MessageStatus.QUEUED
    recipient_details: str
    country_code: str | None = None
    contact_id: str | None = None
    campaign_id: str | None = None
    provider: str
    provider_message_id: str | None = None
    sender_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    segments: int = 1
    encoding: str | None = None
    cost: int = 0
    queue_id: str
    created_at: str
    updated_at: str
    sent_at: str | None = None
    deleted_at: str | None = None
    history: list[StatusEvent] = Field(default_factory=list)
    # Every write adds one, so a write built from a read can be made conditional on nothing
    # having changed since (see MessageRepository.replace_all).
    version: int = 0


class Reference(CamelModel):
    id: str
    name: str | None = None


class MessageView(CamelModel):
    """One item of GET /api/messages, shaped as the contract's example."""

    id: str
    content: str
    content_type: ContentType
    status: MessageStatus
    sent_at: str | None
    error_message: str | None
    recipient_details: str
    country_code: str | None
    message_type: MessageType
    provider: str
    campaign: Reference | None
    contact: Reference | None
    organization_id: str
    created_at: str
    updated_at: str
    deleted_at: str | None
    subject: str | None = None
    segments: int
    encoding: str | None
    cost: int
    error_code: str | None

    @classmethod
    def of(cls, message: Message) -> "MessageView":
        return cls(
            **message.model_dump(exclude={"org_id", "campaign_id", "contact_id", "history"}),
            organization_id=message.org_id,
            campaign=Reference(id=message.campaign_id) if message.campaign_id else None,
            contact=Reference(id=message.contact_id) if message.contact_id else None,
        )


class MessageDetail(MessageView):
    history: list[StatusEvent]


class PageMeta(CamelModel):
    total_records: int
    total_pages: int
    current_page: int
    limit: int
    has_next_page: bool
    has_previous_page: bool
    next_cursor: str | None = None


class MessagePage(CamelModel):
    data: list[MessageView]
    meta: PageMeta


class Organization(CamelModel):
    id: str
    name: str
    credits: int = 0
    sender_id: str | None = None
    accepted_terms_version: str | None = None
    created_at: str


class ApiKey(CamelModel):
    """An API key as stored: never the key itself, only its SHA-256 hash and a short id."""

    key_id: str
    key_hash: str
    org_id: str
    created_at: str
    revoked_at: str | None = None


class Principal(CamelModel):
    """Who is calling: the authorizer resolves the API key to this."""

    org_id: str
    terms_accepted: bool


class DeliveryTask(CamelModel):
    """The body of one delivery queue message: which message to deliver."""

    org_id: str
    message_id: str


class ContactStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    BLOCKED = "BLOCKED"


class Contact(CamelModel):
    """Someone an organisation sends to: the audience of /all and /tags sends."""

    id: str
    name: str
    phone: str | None = None
    email: str | None = None
    country_code: str | None = None
    tags: list[str] = Field(default_factory=list)
    status: ContactStatus = ContactStatus.ACTIVE
    custom_fields: dict[str, str] = Field(default_factory=dict)
    created_at: str
    updated_at: str | None = None
    # Bumped by every write: updates and deletes are conditional on it (optimistic locking).
    version: int = 1


class DryRunResult(CamelModel):
    """What a send would do (`?dryRun=true`): nothing is persisted, reserved or enqueued."""

    dry_run: bool = True
    channel: Channel
    recipient_count: int
    recipients: list[str]
    skipped: list[SkippedRecipient]
    segments: int
    encoding: str | None
    ucs2_characters: list[str]
    cost_per_message: int
    total_cost: int
    balance: int
    balance_after: int
    sufficient_credits: bool
    # True when the audience is large enough that the real send would run as a send job.
    as_job: bool = False


class SendJobStatus(StrEnum):
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    DONE = "DONE"
    FAILED = "FAILED"


class AudienceSelector(CamelModel):
    """Who an audience send goes to: every contact, or those with any of `tags`."""

    tags: list[str] = Field(default_factory=list)


class SendJobView(CamelModel):
    id: str
    status: SendJobStatus


class SendJobAccepted(EnqueueResult):
    """202: the audience is too large to enqueue within the request; a send job will."""

    job: SendJobView
