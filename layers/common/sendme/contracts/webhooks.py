"""The /api/webhooks bodies, and the event body a webhook delivers."""

from pydantic import Field

from sendme.contracts.contacts import ContactPageMeta
from sendme.contracts.messages import MessageView
from sendme.domain.base import REFUSE_UNKNOWN_FIELDS, CamelModel, not_null
from sendme.domain.messages import Message
from sendme.domain.webhooks import DeliveryRecord, DeliveryStatus, EndpointStatus, EventType, WebhookEndpoint

MAX_URL_LENGTH = 2048


class WebhookInput(CamelModel):
    """POST /api/webhooks."""

    model_config = REFUSE_UNKNOWN_FIELDS

    url: str = Field(max_length=MAX_URL_LENGTH, description="https:// URL the events are POSTed to")
    events: list[EventType] = Field(min_length=1, description="The event types the endpoint receives")


class WebhookPatch(CamelModel):
    """PATCH /api/webhooks/{id}: only the fields present change; `status: ENABLED` re-enables."""

    model_config = REFUSE_UNKNOWN_FIELDS

    url: str | None = Field(default=None, max_length=MAX_URL_LENGTH, json_schema_extra=not_null)
    events: list[EventType] | None = Field(default=None, min_length=1, json_schema_extra=not_null)
    status: EndpointStatus | None = Field(default=None, json_schema_extra=not_null)


class WebhookView(CamelModel):
    """An endpoint as the API shows it: never its secret, except once when created."""

    id: str
    url: str
    events: list[EventType]
    status: EndpointStatus
    created_at: str
    updated_at: str
    failing_since: str | None
    last_failure_at: str | None
    last_status_code: int | None
    failed_deliveries: int
    disabled_at: str | None

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> "WebhookView":
        return cls.model_validate(endpoint.model_dump(exclude={"secret", "org_id"}))


class WebhookCreated(WebhookView):
    secret: str = Field(description="Signs the endpoint's deliveries; shown only in this answer")


class WebhookList(CamelModel):
    data: list[WebhookView]


class DeliveryQuery(CamelModel):
    """A page of at most `limit` deliveries, continuing after `cursor`."""

    limit: int = Field(default=50, ge=1, le=100, description="Deliveries per page.")
    cursor: str | None = Field(
        default=None, max_length=2048, description="`meta.nextCursor` of the previous page: the next page."
    )


class DeliveryView(CamelModel):
    """One delivery of an event to the endpoint, as its last attempt left it."""

    id: str
    event_id: str
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    last_response_code: int | None = Field(description="The receiver's HTTP status; null when none answered")
    last_attempt_at: str

    @classmethod
    def of(cls, record: DeliveryRecord) -> "DeliveryView":
        return cls.model_validate(record.model_dump(exclude={"body", "endpoint_id"}))


class DeliveryPage(CamelModel):
    data: list[DeliveryView]
    meta: ContactPageMeta


class WebhookEvent(CamelModel):
    """The body of one delivery: the message as GET /api/messages lists it, after the change."""

    id: str = Field(description="The same for every attempt of one event: receivers dedupe on it")
    type: EventType
    created_at: str
    data: MessageView

    @classmethod
    def of(cls, event_type: EventType, message: Message) -> "WebhookEvent":
        # The message's version numbers its changes, so a stream record seen twice makes one id.
        return cls(
            id=f"evt_{message.id}_{message.version}",
            type=event_type,
            created_at=message.updated_at,
            data=MessageView.of(message),
        )
