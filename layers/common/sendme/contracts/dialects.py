"""The one mapping table between our messages and the two peer dialects we also serve: Sendo's
`GET /v1/message/list` (sendo-list-messages.txt) and the workspace messages API
(workspace-messages.txt). Both adapters read their status words and field names from here, and
README.md's table is this module's `markdown()` (tests/unit/test_dialects.py holds them equal).

Neither peer has all our states, and the workspace tells apart what our status alone does not:
an open from a click (both READ), a bounce from another undelivered outcome, an unsubscribe.
Those come from the engagement timestamps SES events set beside the status (openedAt,
clickedAt, bouncedAt, unsubscribedAt), so a row may be refined by one of them: the first row
whose status matches and whose refinement is set (or has none) gives the words.

Sendo's file names its statuses by description only; the words below are the ones its
descriptions name (created, queued, scheduled, sent, delivered, opened, failed, failed after too
many attempts). We never answer CREATED: a message is stored already queued or scheduled.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sendme.contracts.messages import MessageView
from sendme.domain.messages import Channel, Message, MessageStatus, MessageType

S = MessageStatus

# The error codes of a message that failed because every delivery attempt did (decision 03).
RETRY_EXHAUSTION_CODES = frozenset({"DELIVERY_RETRIES_EXHAUSTED", "QUEUE_REDRIVES_EXHAUSTED"})

SENDO_STATUSES = ("CREATED", "QUEUED", "SCHEDULED", "SENT", "DELIVERED", "OPENED", "FAILED", "RETRIES_EXHAUSTED")
WORKSPACE_STATUSES = (
    "QUEUED",
    "SENDING",
    "SENT",
    "DELIVERED",
    "OPENED",
    "CLICKED",
    "BOUNCED",
    "FAILED",
    "UNSUBSCRIBED",
)

# The workspace's channel words: ours by the word, and those it names that we do not serve (None):
# a filter on one of those matches nothing, a send on one cannot be dispatched.
WORKSPACE_CHANNELS: dict[str, Channel | None] = {
    "EMAIL": Channel.EMAIL,
    "SMS": Channel.SMS,
    "PUSH": None,
    "TELEGRAM": None,
    "ONSITE": None,
    "WEBHOOK": None,
}
# The message types each channel's messages are stored with (FLASH is refused at send, decision 12).
CHANNEL_TYPES: dict[Channel, tuple[MessageType, ...]] = {
    Channel.SMS: (MessageType.SMS, MessageType.OTP),
    Channel.EMAIL: (MessageType.EMAIL,),
}


# What may refine a row, by the name the tables show: a message it is true of takes that row.
REFINEMENTS: dict[str, Callable[[Message], bool]] = {
    "unsubscribedAt": lambda message: message.unsubscribed_at is not None,
    "clickedAt": lambda message: message.clicked_at is not None,
    "bouncedAt": lambda message: message.bounced_at is not None,
    "errorCode *_EXHAUSTED": lambda message: message.error_code in RETRY_EXHAUSTION_CODES,
}


@dataclass(frozen=True)
class StatusRow:
    ours: MessageStatus
    # A key of REFINEMENTS that must hold for this row to apply (None: always applies).
    refined_by: str | None
    sendo: str
    workspace: str
    why: str = ""


STATUS_TABLE: tuple[StatusRow, ...] = (
    StatusRow(S.SCHEDULED, None, "SCHEDULED", "QUEUED", "the workspace has no scheduled state"),
    StatusRow(S.QUEUED, None, "QUEUED", "QUEUED"),
    StatusRow(S.SENDING, None, "QUEUED", "SENDING", "Sendo's QUEUED is 'queued for sending'"),
    StatusRow(S.SENT, None, "SENT", "SENT"),
    StatusRow(S.DELIVERED, "unsubscribedAt", "DELIVERED", "UNSUBSCRIBED", "the recipient unsubscribed from it"),
    StatusRow(S.DELIVERED, None, "DELIVERED", "DELIVERED"),
    StatusRow(S.READ, "unsubscribedAt", "OPENED", "UNSUBSCRIBED", "the recipient unsubscribed from it"),
    StatusRow(S.READ, "clickedAt", "OPENED", "CLICKED", "a link in it was clicked"),
    StatusRow(S.READ, None, "OPENED", "OPENED"),
    StatusRow(S.UNDELIVERED, "bouncedAt", "FAILED", "BOUNCED", "the email bounced"),
    StatusRow(S.UNDELIVERED, None, "FAILED", "FAILED", "the carrier or mailbox did not take it"),
    StatusRow(S.FAILED, "errorCode *_EXHAUSTED", "RETRIES_EXHAUSTED", "FAILED", "every delivery attempt failed"),
    StatusRow(S.FAILED, None, "FAILED", "FAILED"),
    StatusRow(S.CANCELED, None, "FAILED", "FAILED", "canceled before sending: errorCode CANCELED"),
    StatusRow(S.RECEIVED, None, "DELIVERED", "DELIVERED", "an inbound message (Sendo's example says DELIVERED)"),
)


def _applies(row: StatusRow, message: Message) -> bool:
    if row.ours is not message.status:
        return False
    return row.refined_by is None or REFINEMENTS[row.refined_by](message)


def status_row(message: Message) -> StatusRow:
    """The row that names `message`'s status in both dialects."""
    return next(row for row in STATUS_TABLE if _applies(row, message))


def sendo_status(message: Message) -> str:
    return status_row(message).sendo


def workspace_status(message: Message) -> str:
    return status_row(message).workspace


def workspace_channel(message: Message) -> str:
    return next(word for word, channel in WORKSPACE_CHANNELS.items() if channel is message.channel)


def rows_for(words: Iterable[str], *, dialect: str) -> tuple[StatusRow, ...]:
    """The rows a dialect's status filter names (`dialect`: "sendo" or "workspace"): which of our
    statuses to read, and what refines each."""
    wanted = set(words)
    return tuple(row for row in STATUS_TABLE if getattr(row, dialect) in wanted)


@dataclass(frozen=True)
class FieldRow:
    ours: str
    sendo: str
    workspace: str


# Our GET /api/messages field (wire name) -> each dialect's ("" where it has none).
FIELD_TABLE: tuple[FieldRow, ...] = (
    FieldRow("id", "id", "id"),
    FieldRow("messageType / channel", "type (SMS only)", "channel (SMS, EMAIL)"),
    FieldRow("status", "status (table above)", "status (table above)"),
    FieldRow("createdAt", "createdAt", ""),
    FieldRow("sentAt", "sentAt", "sentAt"),
    FieldRow("updatedAt", "updatedAt", ""),
    FieldRow("scheduledAt", "scheduledAt", ""),
    FieldRow("direction", "direction", ""),
    FieldRow("from", "from", ""),
    FieldRow("recipientDetails", "to", "contact (GET one)"),
    FieldRow("content", "body", "body (GET one)"),
    FieldRow("subject", "", "subject"),
    FieldRow("segments", "numSegments", ""),
    FieldRow("errorCode", "errorCode", ""),
    FieldRow("errorMessage", "errorMessage", ""),
    FieldRow("campaign.id", "campaignId", "campaignId"),
    FieldRow("contact.id", "", "contactId"),
    FieldRow("metadata", "metadata", "metadata"),
    FieldRow("openedAt", "", "openedAt"),
    FieldRow("clickedAt", "", "clickedAt (GET one)"),
    FieldRow("bouncedAt", "", "bouncedAt (GET one)"),
    FieldRow("unsubscribedAt", "", "unsubscribedAt (GET one)"),
    FieldRow("history", "", "events (GET one)"),
    FieldRow("", "mediaUrls (never: we send no media)", ""),
)


def field_name(cell: str) -> str:
    """The field a table cell names: its first word (the rest is a note)."""
    return cell.partition(" ")[0]


# Sendo's `type` of every message we list to it: what we send is never MMS (no media).
SENDO_TYPE = "SMS"

# The Sendo fields whose value is not our field's as it is.
_SENDO_VALUES: dict[str, Callable[[Message], Any]] = {"type": lambda _: SENDO_TYPE, "status": sendo_status}


def _ours(view: Mapping[str, Any], name: str) -> Any:
    """Our wire field `name` of a list item; a dotted name reads inside an object (`campaign.id`)."""
    value: Any = view
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def sendo_fields(message: Message) -> dict[str, Any]:
    """`message` as a Sendo list item, by FIELD_TABLE: each field we have a value for (a null one
    is left out, as Sendo's examples leave it out)."""
    view = MessageView.of(message).model_dump(mode="json", by_alias=True)
    fields = {}
    for row in FIELD_TABLE:
        if not (row.ours and row.sendo):
            continue
        name = field_name(row.sendo)
        value = _SENDO_VALUES[name](message) if name in _SENDO_VALUES else _ours(view, row.ours)
        if value is not None:
            fields[name] = value
    return fields


NONE = "\N{EN DASH}"


def _cell(text: str) -> str:
    """A name in code font; a phrase (or a name with a note) as it is; nothing as a dash."""
    return f"`{text}`" if text and " " not in text else (text or NONE)


def markdown() -> str:
    """Both tables as Markdown, for README.md and docs/api.md."""
    lines = [
        "| our status | refined by | Sendo | workspace | why |",
        "|---|---|---|---|---|",
        *(
            f"| `{row.ours}` | {_cell(row.refined_by or '')} | `{row.sendo}` | `{row.workspace}` | {row.why or NONE} |"
            for row in STATUS_TABLE
        ),
        "",
        "| our field | Sendo | workspace |",
        "|---|---|---|",
        *(f"| {_cell(row.ours)} | {_cell(row.sendo)} | {_cell(row.workspace)} |" for row in FIELD_TABLE),
    ]
    return "\n".join(lines) + "\n"
