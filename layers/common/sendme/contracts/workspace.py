"""The workspace messages API's wire shapes (workspace-messages.txt): its query, list item, page,
send request, dispatch result and detail. Its words come from sendme.contracts.dialects."""

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from sendme.contracts.dialects import WORKSPACE_CHANNELS, WORKSPACE_STATUSES, workspace_channel, workspace_status
from sendme.contracts.messages import PageSize, Reference
from sendme.domain.base import REFUSE_UNKNOWN_FIELDS, CamelModel
from sendme.domain.messages import Message, MessageStatus, Metadata
from sendme.domain.templates import CampaignId, TemplateId

# A page past this many messages is refused: GET /api/messages' cursor reads any page at the cost of one.
DEEPEST_PAGE_ITEMS = 10_000

# When each engagement attribute was set: a status event's word reads only those set by then.
ENGAGEMENT = ("opened_at", "clicked_at", "bounced_at", "unsubscribed_at")


def _one_of(words: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in words:
            raise ValueError(f"must be one of {', '.join(words)}")
        return value

    return AfterValidator(check)


_UPPER = BeforeValidator(lambda value: value.strip().upper() if isinstance(value, str) else value)
ChannelWord = Annotated[
    str,
    _UPPER,
    _one_of(tuple(WORKSPACE_CHANNELS)),
    WithJsonSchema({"type": "string", "enum": list(WORKSPACE_CHANNELS)}),
]
StatusWord = Annotated[
    str, _UPPER, _one_of(WORKSPACE_STATUSES), WithJsonSchema({"type": "string", "enum": list(WORKSPACE_STATUSES)})
]


class WorkspaceQuery(CamelModel):
    """GET /api/workspaces/{workspaceId}/messages' query string."""

    empty_is_unset: ClassVar[bool] = True

    page: int = Field(default=1, ge=1, description="The page, from 1 (page x limit at most 10,000).")
    limit: PageSize = Field(default=50, description="Messages per page.")
    channel: ChannelWord | None = Field(
        default=None, description="EMAIL or SMS; PUSH, TELEGRAM, ONSITE and WEBHOOK match nothing here."
    )
    status: StatusWord | None = Field(default=None, description="A workspace status (README's mapping table).")
    contact_id: str | None = Field(default=None, max_length=128, description="Exactly.")
    campaign_id: str | None = Field(default=None, max_length=128, description="Exactly.")

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, str] | None) -> "WorkspaceQuery":
        return cls.model_validate({name: value for name, value in (parameters or {}).items() if value != ""})


class WorkspaceMessage(CamelModel):
    """One item of the list, as the spec's example."""

    id: str
    channel: str
    status: str
    subject: str | None
    sent_at: str | None
    opened_at: str | None
    contact_id: str | None
    campaign_id: str | None

    @classmethod
    def fields_of(cls, message: Message) -> dict[str, Any]:
        return {
            "id": message.id,
            "channel": workspace_channel(message),
            "status": workspace_status(message),
            "subject": message.subject,
            "sent_at": message.sent_at,
            "opened_at": message.opened_at,
            "contact_id": message.contact_id,
            "campaign_id": message.campaign_id,
        }

    @classmethod
    def of(cls, message: Message) -> "WorkspaceMessage":
        return cls(**cls.fields_of(message))


class Pagination(CamelModel):
    page: int
    limit: int
    total: int
    total_pages: int
    # Only when true (left out otherwise): no counter held the total and counting stopped at its
    # read budget, so total and totalPages are lower bounds.
    total_capped: bool | None = Field(default=None, exclude_if=lambda capped: not capped)


class WorkspacePage(CamelModel):
    data: list[WorkspaceMessage]
    pagination: Pagination


class WorkspaceSend(CamelModel):
    """POST /api/workspaces/{workspaceId}/messages: one contact, one channel."""

    model_config = REFUSE_UNKNOWN_FIELDS

    contact_id: str = Field(min_length=1, max_length=128)
    channel: ChannelWord
    # An email's subject and the body, each rendered with the contact's fields ({{firstName}}).
    subject: str | None = Field(default=None, min_length=1, max_length=998)
    body: str | None = Field(default=None, min_length=1, max_length=100_000)
    template_id: TemplateId | None = None
    campaign_id: CampaignId | None = None
    metadata: Metadata | None = None


class WorkspaceDispatch(CamelModel):
    """The dispatch result: the message stored and queued for the contact."""

    id: str
    channel: str
    status: str
    contact_id: str
    campaign_id: str | None
    recipient: str
    cost: int
    queue_id: str


class WorkspaceContact(CamelModel):
    id: str | None
    name: str | None
    # The phone number or email address it was sent to.
    address: str


class WorkspaceEvent(CamelModel):
    """One status transition (our `history`), with the workspace word the message had after it."""

    status: str
    our_status: MessageStatus
    timestamp: str
    source: str


class WorkspaceMessageDetail(WorkspaceMessage):
    body: str
    metadata: dict[str, str] | None
    contact: WorkspaceContact
    template: Reference | None
    campaign: Reference | None
    clicked_at: str | None
    bounced_at: str | None
    unsubscribed_at: str | None
    cost: int
    created_at: str
    events: list[WorkspaceEvent]

    @classmethod
    def of_message(
        cls, message: Message, contact_name: str | None, template: Reference | None, campaign: Reference | None
    ) -> "WorkspaceMessageDetail":
        return cls(
            **cls.fields_of(message),
            body=message.content,
            metadata=message.metadata,
            contact=WorkspaceContact(id=message.contact_id, name=contact_name, address=message.recipient_details),
            template=template,
            campaign=campaign,
            clicked_at=message.clicked_at,
            bounced_at=message.bounced_at,
            unsubscribed_at=message.unsubscribed_at,
            cost=message.cost,
            created_at=message.created_at,
            events=[_event(message, event.status, event.at, event.source) for event in message.history],
        )


def _event(message: Message, status: MessageStatus, at: str, source: str) -> WorkspaceEvent:
    # The message as it was just after the event: that status, and the engagement set by then.
    engaged = {name: value if (value := getattr(message, name)) and value <= at else None for name in ENGAGEMENT}
    then = message.model_copy(update={"status": status, **engaged})
    return WorkspaceEvent(status=workspace_status(then), our_status=status, timestamp=at, source=source)
