"""What each route of the API is, for its clients: its tag, summary and description, the query
parameters it takes, its answers and their examples.

openapi.json is built from this table and the resolvers (tools/openapi.py), and the edge refuses
a query parameter the route's entry does not list (through sendme.contracts.routes, the index
`make openapi` writes from this table), so the document and the API cannot disagree.
"""

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from sendme.contracts.account import AccountView, Activity, ActivityQuery
from sendme.contracts.cancelling import MessageCanceled, QueueCanceled
from sendme.contracts.catalog import CampaignPage, CampaignStats, CatalogQuery, Preview, TemplatePage
from sendme.contracts.contacts import ContactPage, ContactQuery, ImportOptions, ImportReport
from sendme.contracts.errors import ErrorBody
from sendme.contracts.messages import MessageDetail, MessagePage, MessageQuery
from sendme.contracts.sending import DryRunResult, EnqueueResult, SendJobAccepted
from sendme.contracts.sendo import SendoError, SendoMessages, SendoQuery
from sendme.contracts.suppressions import SuppressionPage, SuppressionQuery
from sendme.contracts.webhooks import (
    DeliveryPage,
    DeliveryQuery,
    DeliveryView,
    WebhookCreated,
    WebhookList,
    WebhookView,
)
from sendme.contracts.workspace import (
    WorkspaceDispatch,
    WorkspaceMessageDetail,
    WorkspacePage,
    WorkspaceQuery,
)
from sendme.domain.base import CamelModel
from sendme.domain.contacts import Contact
from sendme.domain.messages import MessageStatus
from sendme.domain.templates import Campaign, Template


class SendQuery(CamelModel):
    """The query string every send route takes."""

    dry_run: Annotated[bool, WithJsonSchema({"type": "string", "enum": ["true", "false", "1", "0"]})] = Field(
        default=False, description="`true` (or `1`): answer 200 with what the send would do, and change nothing."
    )


@dataclass(frozen=True)
class Answer:
    """One status a route answers, its body (None: no body) and an example of it."""

    description: str
    body: type[BaseModel] | tuple[type[BaseModel], ...] | None
    examples: dict[str, Any] = field(default_factory=dict)


def _error(description: str, **examples: dict[str, Any]) -> Answer:
    return Answer(description, ErrorBody, examples)


_EMAIL_SUSPENDED = (
    "email sending is suspended for this organisation (bounce rate 6.2% over the last 1,000 emails "
    "(threshold 5.0%)); SMS is not affected; contact support"
)


# The error answers, each with the body a client gets. A route lists the ones it can give.
ERRORS: dict[HTTPStatus, Answer] = {
    HTTPStatus.BAD_REQUEST: _error(
        "Invalid parameters: `field` names the first one at fault (`unknown` lists unknown ones)",
        invalid={
            "error": "Invalid parameters",
            "message": "The parameter 'contacts' is required",
            "details": "The parameter 'contacts' is required",
            "field": "contacts",
        },
        unknown={
            "error": "Invalid parameters",
            "message": "Received unknown parameter: sendAt",
            "details": "Received unknown parameter: sendAt",
            "field": "sendAt",
            "unknown": ["sendAt"],
        },
    ),
    HTTPStatus.UNAUTHORIZED: _error(
        "No API key, or one that is unknown or revoked",
        unauthorized={"error": "Unauthorized", "message": "Invalid or missing API key"},
    ),
    HTTPStatus.PAYMENT_REQUIRED: _error(
        "The balance does not cover the send (`required` credits); nothing was written",
        insufficient={
            "error": "Insufficient credits",
            "message": "this send costs 4 credits and the balance does not cover it",
            "details": "this send costs 4 credits and the balance does not cover it",
            "required": 4,
        },
    ),
    HTTPStatus.FORBIDDEN: _error(
        "The organisation has not accepted the current terms (sends and contact writes), is suspended, or "
        "(email sends) its email is suspended for its bounce or complaint rate",
        terms={
            "error": "Terms not accepted",
            "message": "accept the current terms of service before sending messages",
            "details": "accept the current terms of service before sending messages",
        },
        suspended={
            "error": "Forbidden",
            "message": "this organisation is suspended; contact support",
            "details": "this organisation is suspended; contact support",
        },
        email_suspended={
            "error": "Forbidden",
            "message": _EMAIL_SUSPENDED,
            "details": _EMAIL_SUSPENDED,
            "emailSuspendedAt": "2026-01-01T12:00:00.000Z",
        },
    ),
    HTTPStatus.NOT_FOUND: _error(
        "No such item in the caller's organisation",
        not_found={"error": "Not found", "message": "no message 0192...", "details": "no message 0192..."},
    ),
    HTTPStatus.CONFLICT: _error(
        "Another contact has that phone or email (`field`), the item changed meanwhile, or the first "
        "request with this Idempotency-Key is still running",
        duplicate={
            "error": "Conflict",
            "message": "another contact already has this phone",
            "details": "another contact already has this phone",
            "field": "phone",
        },
        in_progress={
            "error": "Idempotency key in progress",
            "message": "a request with this Idempotency-Key is still in progress; retry shortly",
            "details": "a request with this Idempotency-Key is still in progress; retry shortly",
        },
    ),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: _error(
        "The body is not of a media type the route reads (`accepted` lists them)",
        unsupported={
            "error": "Unsupported media type",
            "message": "The request body must be application/json, not text/plain",
            "details": "The request body must be application/json, not text/plain",
            "accepted": ["application/json"],
        },
    ),
    HTTPStatus.UNPROCESSABLE_ENTITY: _error(
        "The Idempotency-Key was used with another body or route",
        reused={
            "error": "Idempotency key reused",
            "message": "this Idempotency-Key was already used with a different request",
            "details": "this Idempotency-Key was already used with a different request",
            "field": "Idempotency-Key",
        },
    ),
    HTTPStatus.TOO_MANY_REQUESTS: _error(
        "The organisation is over its request rate; retry after `retryAfter` seconds (also the Retry-After header)",
        throttled={
            "error": "Too many requests",
            "message": "over 600 requests a minute; retry in 2 s",
            "details": "over 600 requests a minute; retry in 2 s",
            "retryAfter": 2,
        },
    ),
    HTTPStatus.SERVICE_UNAVAILABLE: _error(
        "DynamoDB kept refusing the messages' write: nothing was charged, retry",
        unavailable={
            "error": "Service unavailable",
            "message": "DynamoDB left 3 messages unprocessed",
            "details": "DynamoDB left 3 messages unprocessed",
        },
    ),
}


# Every route answers these: a bad or unknown parameter, no key, a suspended organisation, throttling.
_EVERY_ROUTE = (HTTPStatus.BAD_REQUEST, HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.TOO_MANY_REQUESTS)
_JSON_BODY = (HTTPStatus.UNSUPPORTED_MEDIA_TYPE,)
_SEND_ERRORS = (
    *_EVERY_ROUTE,
    *_JSON_BODY,
    HTTPStatus.PAYMENT_REQUIRED,
    HTTPStatus.CONFLICT,
    HTTPStatus.UNPROCESSABLE_ENTITY,
    HTTPStatus.SERVICE_UNAVAILABLE,
)


_ENQUEUED = {
    "queueId": "sms-0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7b",
    "channel": "sms",
    "messages": [
        {"id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c", "recipient": "+573001234567"},
        {"id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7d", "recipient": "+573009876543"},
    ],
    "skipped": [],
}
_DRY_RUN = {
    "dryRun": True,
    "channel": "sms",
    "recipientCount": 2,
    "recipients": ["+573001234567", "+573009876543"],
    "skipped": [{"recipient": "12", "reason": "invalid"}],
    "segments": 1,
    "encoding": "GSM-7",
    "ucs2Characters": [],
    "costPerMessage": 1,
    "totalCost": 2,
    "balance": 100,
    "balanceAfter": 98,
    "sufficientCredits": True,
    "asJob": False,
}


def _send_answers(*, as_job: bool) -> dict[HTTPStatus, Answer]:
    answers = {
        HTTPStatus.CREATED: Answer(
            "Persisted and enqueued: the enqueue summary (`skipped` says why any recipient got nothing)",
            EnqueueResult,
            {"enqueued": _ENQUEUED},
        ),
        HTTPStatus.OK: Answer(
            "No valid recipient (empty `queueId`, no messages), or `?dryRun=true`: what the send would do",
            (EnqueueResult, DryRunResult),
            {
                "nothing_valid": {"queueId": "", "channel": "sms", "messages": [], "skipped": []},
                "dry_run": _DRY_RUN,
            },
        ),
    }
    if as_job:
        answers[HTTPStatus.ACCEPTED] = Answer(
            "The audience is above the synchronous limit: a send job will persist and enqueue it",
            SendJobAccepted,
            {
                "job": {
                    **_ENQUEUED,
                    "messages": [],
                    "job": {"id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7e", "status": "PENDING"},
                }
            },
        )
    return answers


@dataclass(frozen=True)
class Operation:
    tag: str
    summary: str
    description: str
    answers: dict[HTTPStatus, Answer]
    errors: tuple[HTTPStatus, ...] = _EVERY_ROUTE
    # Its fields, by their camelCase names, are the only query parameters the route takes.
    query: type[BaseModel] | None = None
    request_example: dict[str, Any] | None = None
    # A body read as a file rather than as JSON: its media types, each with an example.
    file_body: dict[str, str] | None = None
    # The send routes read an optional Idempotency-Key header.
    idempotent: bool = False

    def query_names(self) -> frozenset[str]:
        if self.query is None:
            return frozenset()
        return frozenset(info.alias or name for name, info in self.query.model_fields.items())


_SMS_BODY = {
    "message": "Hello, this is a test message from SendMe",
    "contacts": ["3001234567", "3009876543"],
    "type": "SMS",
    "country": "CO",
}
_EMAIL_BODY = {
    "subject": "Welcome to SendMe",
    "message": "<h1>Welcome!</h1><p>Thank you for joining us.</p>",
    "contentType": "HTML",
    "contacts": ["ana@example.com"],
}
_CONTACT = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80",
    "name": "Ana Ruiz",
    "phone": "+573001112233",
    "email": "ana@example.com",
    "countryCode": "57",
    "tags": ["vip"],
    "status": "ACTIVE",
    "customFields": {"plan": "gold"},
    "createdAt": "2026-01-15T10:00:00.000Z",
    "updatedAt": "2026-01-15T10:00:00.000Z",
    "version": 1,
}
_MESSAGE = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c",
    "content": "Hello, this is a test message from SendMe",
    "contentType": "PLAIN_TEXT",
    "status": "DELIVERED",
    "sentAt": "2026-01-15T10:00:01.250Z",
    "errorMessage": None,
    "recipientDetails": "+573001234567",
    "countryCode": "57",
    "messageType": "SMS",
    "provider": "SNS",
    "campaign": None,
    "contact": {"id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80", "name": "Ana Ruiz"},
    "organizationId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a00",
    "createdAt": "2026-01-15T10:00:00.500Z",
    "updatedAt": "2026-01-15T10:00:03.000Z",
    "deletedAt": None,
    "subject": None,
    "segments": 1,
    "encoding": "GSM-7",
    "cost": 1,
    "errorCode": None,
    "direction": "OUTBOUND",
    "from": "SendMe",
}

_AUDIENCE = (
    " A contact that is BLOCKED or INACTIVE is skipped (`blocked`), two contacts with the same "
    "recipient get one message. Above the synchronous limit (1,000 contacts) the answer is a 202 "
    "with a send job. `Idempotency-Key` and `?dryRun=true` as on every send."
)
_SEND = (
    " A retried request with the same `Idempotency-Key` returns the first answer and is charged "
    "once; `?dryRun=true` prices the send and changes nothing. With `scheduledAt` (ISO 8601 with "
    "an offset, 1 minute to 365 days ahead) the credits are reserved now and the messages wait "
    "`SCHEDULED` until then (an /all or /tags send: a send job that reads its audience then)."
)


def _send(summary: str, description: str, example: dict[str, Any], *, as_job: bool) -> Operation:
    answers = _send_answers(as_job=as_job)
    return Operation(
        "sending", summary, description, answers, _SEND_ERRORS, SendQuery, request_example=example, idempotent=True
    )


# (method, path as template.yaml declares it) -> the operation.
_WEBHOOK = {
    "id": "01943a1e-7f00-7000-8000-0000000000a1",
    "url": "https://example.com/sendme/events",
    "events": ["message.delivered", "message.failed"],
    "status": "ENABLED",
    "createdAt": "2026-01-15T10:00:00.000Z",
    "updatedAt": "2026-01-15T10:00:00.000Z",
    "failingSince": None,
    "lastFailureAt": None,
    "lastStatusCode": None,
    "failedDeliveries": 0,
    "disabledAt": None,
}
_DELIVERY = {
    "id": "01943a1f-0a00-7000-8000-0000000000d1",
    "eventId": "evt_0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c_3",
    "eventType": "message.delivered",
    "status": "FAILED",
    "attempts": 19,
    "lastResponseCode": 503,
    "lastAttemptAt": "2026-01-16T10:00:04.000Z",
}
_SIGNED = (
    " Each event is POSTed as JSON (`id`, `type`, `createdAt`, `data`: the message as "
    "`GET /api/messages` lists it) with a `SendMe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "
    '"<t>.<body>">` header, retried with backoff for 24 h; an endpoint that fails for 3 days is '
    "`DISABLED` (docs/api.md#status-webhooks)."
)
WEBHOOK_OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/api/webhooks"): Operation(
        "webhooks",
        "Create a status webhook",
        "An `https://` URL and the event types it receives. The answer holds the endpoint's `secret`, "
        "which signs its deliveries: it is shown this once." + _SIGNED,
        {
            HTTPStatus.CREATED: Answer(
                "The endpoint and its secret",
                WebhookCreated,
                {"webhook": {**_WEBHOOK, "secret": "whsec_3q2-Yt0kq7rJ1cX8m2nJ5uVhQ0bW4pL6sZ9eA1dF7gH"}},
            )
        },
        (*_EVERY_ROUTE, *_JSON_BODY),
        request_example={"url": "https://example.com/sendme/events", "events": ["message.delivered"]},
    ),
    ("GET", "/api/webhooks"): Operation(
        "webhooks",
        "List status webhooks",
        "The caller's endpoints, with their `status` and delivery failures.",
        {HTTPStatus.OK: Answer("The endpoints", WebhookList, {"list": {"data": [_WEBHOOK]}})},
    ),
    ("GET", "/api/webhooks/{id}"): Operation(
        "webhooks",
        "Get a status webhook",
        "One endpoint: `status` `DISABLED` with `disabledAt` when its deliveries failed for 3 days.",
        {HTTPStatus.OK: Answer("The endpoint", WebhookView, {"webhook": _WEBHOOK})},
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
    ),
    ("PATCH", "/api/webhooks/{id}"): Operation(
        "webhooks",
        "Update a status webhook",
        "Only the fields sent change; `status: ENABLED` re-enables a disabled endpoint.",
        {HTTPStatus.OK: Answer("The endpoint as stored", WebhookView, {"webhook": _WEBHOOK})},
        (*_EVERY_ROUTE, *_JSON_BODY, HTTPStatus.NOT_FOUND),
        request_example={"status": "ENABLED"},
    ),
    ("DELETE", "/api/webhooks/{id}"): Operation(
        "webhooks",
        "Delete a status webhook",
        "No more events are sent to it, including retries of earlier ones.",
        {HTTPStatus.NO_CONTENT: Answer("Deleted", None)},
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
    ),
    ("GET", "/api/webhooks/{id}/deliveries"): Operation(
        "webhooks",
        "List a status webhook's deliveries",
        "Each event sent to the endpoint, newest first, a page at a time (`cursor`: `meta.nextCursor`): "
        "`PENDING` (not yet tried, or waiting for its next attempt), `SUCCEEDED`, or `FAILED` (given up "
        "after 24 h); with its attempts, the last answer's HTTP status and time. Kept 30 days after "
        "the last attempt.",
        {
            HTTPStatus.OK: Answer(
                "A page of deliveries",
                DeliveryPage,
                {"page": {"data": [_DELIVERY], "meta": {"limit": 50, "hasNextPage": False, "nextCursor": None}}},
            )
        },
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
        query=DeliveryQuery,
    ),
    ("POST", "/api/webhooks/{id}/deliveries/{deliveryId}/retry"): Operation(
        "webhooks",
        "Retry a failed delivery",
        "Sends a `FAILED` delivery's event again now (the same `id` and body), retried as a new "
        "delivery would be for 24 h. 409 unless it is `FAILED` and the endpoint `ENABLED`.",
        {
            HTTPStatus.ACCEPTED: Answer(
                "The delivery, queued again", DeliveryView, {"delivery": {**_DELIVERY, "status": "PENDING"}}
            )
        },
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    ),
}


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", "/api/messages/sms/contacts"): _send(
        "Send an SMS to phone numbers",
        "Normalises each number (a national one is read in `country`), prices the send, reserves the "
        "credits, persists one message per valid recipient and enqueues them. 201 with the enqueue "
        "summary; 200 with an empty `queueId` when no recipient is valid." + _SEND,
        _SMS_BODY,
        as_job=False,
    ),
    ("POST", "/api/messages/sms/all"): _send(
        "Send an SMS to every contact",
        "The audience is every contact of the organisation with a phone." + _AUDIENCE,
        {"message": "Hi all"},
        as_job=True,
    ),
    ("POST", "/api/messages/sms/tags"): _send(
        "Send an SMS to the contacts with any of the tags",
        "The audience is every contact with a phone and any of `tags`, each contact once." + _AUDIENCE,
        {"message": "Hi VIPs", "tags": ["vip"]},
        as_job=True,
    ),
    ("POST", "/api/messages/email/contacts"): _send(
        "Send an email to addresses",
        "An HTML email also carries a plain-text part derived from it; an address on the "
        "organisation's suppression list is skipped (`suppressed`)." + _SEND,
        _EMAIL_BODY,
        as_job=False,
    ),
    # The overview's example posts here: the same operation as /email/contacts, kept for clients
    # that copied it (marked deprecated by its route).
    ("POST", "/api/messages/send/email"): _send(
        "Send an email to addresses (deprecated path)",
        "The SendMe123 overview's path for `POST /api/messages/email/contacts`, which it answers "
        "exactly; use that path." + _SEND,
        _EMAIL_BODY,
        as_job=False,
    ),
    ("POST", "/api/messages/email/all"): _send(
        "Send an email to every contact",
        "The audience is every contact of the organisation with an email." + _AUDIENCE,
        {"subject": "News", "message": "Hello"},
        as_job=True,
    ),
    ("POST", "/api/messages/email/tags"): _send(
        "Send an email to the contacts with any of the tags",
        "The audience is every contact with an email and any of `tags`, each contact once." + _AUDIENCE,
        {"subject": "News", "message": "Hello", "tags": ["vip"]},
        as_job=True,
    ),
    ("GET", "/api/messages"): Operation(
        "messages",
        "List messages",
        "The caller's messages, newest first, filtered (filters combine with AND; an empty "
        "parameter is an unset filter). Page by `page` or, at the cost of one page whatever its "
        "number, by `cursor` (`meta.nextCursor`, valid with the same filters and `limit`).",
        {
            HTTPStatus.OK: Answer(
                "A page of messages",
                MessagePage,
                {
                    "page": {
                        "data": [_MESSAGE],
                        "meta": {
                            "totalRecords": 1,
                            "totalPages": 1,
                            "currentPage": 1,
                            "limit": 10,
                            "hasNextPage": False,
                            "hasPreviousPage": False,
                            "nextCursor": None,
                        },
                    }
                },
            )
        },
        query=MessageQuery,
    ),
    ("GET", "/api/messages/{id}"): Operation(
        "messages",
        "Get a message",
        "One message of the caller's organisation, with its status timeline (`history`). Another "
        "organisation's id, or anything that is not a message id, is a 404.",
        {
            HTTPStatus.OK: Answer(
                "The message and its history",
                MessageDetail,
                {
                    "message": {
                        **_MESSAGE,
                        "history": [
                            {"status": "QUEUED", "at": "2026-01-15T10:00:00.500Z", "source": "api", "detail": None},
                            {"status": "SENT", "at": "2026-01-15T10:00:01.250Z", "source": "worker", "detail": None},
                        ],
                    }
                },
            )
        },
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
    ),
    ("GET", "/api/account"): Operation(
        "account",
        "Get the caller's organisation",
        "The organisation the API key belongs to: its credit balance, home country, the countries "
        "its SMS may go to, whether it accepted the terms or is suspended (or its email is, for its "
        "bounce or complaint rate), and its two-way number.",
        {
            HTTPStatus.OK: Answer(
                "The organisation",
                AccountView,
                {
                    "account": {
                        "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a00",
                        "name": "Acme",
                        "balance": 1200,
                        "country": "CO",
                        "allowedCountries": ["CO"],
                        "termsAccepted": True,
                        "suspended": False,
                        "emailSuspendedAt": None,
                        "emailSuspendedReason": None,
                        "twoWayNumber": "+12065550100",
                    }
                },
            )
        },
    ),
    ("POST", "/api/messages/{id}/cancel"): Operation(
        "messages",
        "Cancel a message",
        "A `SCHEDULED` or `QUEUED` message that no worker has claimed becomes `CANCELED` and its "
        "credits are given back, once. Cancelling it again answers the same; a message already "
        "`SENDING` or later is a 409 whose `status` says where it is.",
        {
            HTTPStatus.OK: Answer(
                "The message is CANCELED, `refunded` credits given back",
                MessageCanceled,
                {"canceled": {"id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c", "status": "CANCELED", "refunded": 1}},
            )
        },
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    ),
    ("POST", "/api/messages/queues/{queueId}/cancel"): Operation(
        "messages",
        "Cancel every message of a send",
        "Every `SCHEDULED` or `QUEUED` message of the send (`queueId` of its answer) becomes "
        "`CANCELED`, refunded once; those already `SENDING` or later are counted in `notCanceled`. "
        "A scheduled /all or /tags send job is canceled whole, its prepaid credits given back; one "
        "still writing its messages is a 409. At most 500 messages per call: `complete` false "
        "means call again.",
        {
            HTTPStatus.OK: Answer(
                "What became of the send's messages",
                QueueCanceled,
                {
                    "canceled": {
                        "queueId": "sms-0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7b",
                        "canceled": 2,
                        "refunded": 2,
                        "notCanceled": {"SENT": 1},
                        "complete": True,
                        "job": None,
                    }
                },
            )
        },
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    ),
    ("GET", "/api/activity"): Operation(
        "account",
        "Messages per day by status",
        "The organisation's messages of the last `days` days (UTC, today included) by creation day "
        "and current status, with the delivery rate (delivered or read over every known outcome), "
        "read from counters: the console's chart.",
        {
            HTTPStatus.OK: Answer(
                "One entry per day, oldest first",
                Activity,
                {
                    "activity": {
                        "days": [
                            {
                                "day": "2026-01-15",
                                "total": 3,
                                "byStatus": {"DELIVERED": 2, "FAILED": 1},
                                "deliveryRate": 0.6667,
                            }
                        ],
                        "deliveryRate": 0.6667,
                    }
                },
            )
        },
        query=ActivityQuery,
    ),
    ("POST", "/api/contacts"): Operation(
        "contacts",
        "Create a contact",
        "A contact needs a `name` and a `phone` and/or an `email`, normalised as sends normalise them. "
        "Another contact with the same phone or email is a 409 naming the `field`.",
        {HTTPStatus.CREATED: Answer("The contact as stored", Contact, {"contact": _CONTACT})},
        (*_EVERY_ROUTE, *_JSON_BODY, HTTPStatus.CONFLICT),
        request_example={
            "name": "Ana Ruiz",
            "phone": "3001112233",
            "countryCode": "CO",
            "email": "ana@example.com",
            "tags": ["vip"],
            "status": "ACTIVE",
            "customFields": {"plan": "gold"},
        },
    ),
    ("GET", "/api/contacts"): Operation(
        "contacts",
        "List contacts",
        "The caller's contacts, by `tag` and `status`, a page at a time (`cursor`: `meta.nextCursor`).",
        {
            HTTPStatus.OK: Answer(
                "A page of contacts",
                ContactPage,
                {"page": {"data": [_CONTACT], "meta": {"limit": 50, "hasNextPage": False, "nextCursor": None}}},
            )
        },
        query=ContactQuery,
    ),
    ("POST", "/api/contacts/import"): Operation(
        "contacts",
        "Import contacts from CSV or JSON lines",
        "CSV with a header (`name`, `phone`, `email`, `countryCode`, `tags` separated by `;`, `status`; "
        "any other column becomes a custom field), or JSON lines (`application/x-ndjson`, one contact "
        "per line). A row with the phone or email of an existing contact updates it. Every row is "
        "counted once; `resumeFromLine` says where to go on when time ran short.",
        {
            HTTPStatus.OK: Answer(
                "What the import did",
                ImportReport,
                {
                    "report": {
                        "created": 2,
                        "updated": 1,
                        "unchanged": 0,
                        "rejected": 1,
                        "rejections": [{"line": 4, "reason": "a contact needs a phone or an email"}],
                        "resumeFromLine": None,
                    }
                },
            )
        },
        query=ImportOptions,
        file_body={
            "text/csv": "name,phone,email,tags,plan\nAna Ruiz,3001112233,ana@example.com,vip;staff,gold\n",
            "application/x-ndjson": '{"name": "Ana Ruiz", "phone": "3001112233", "tags": ["vip"]}\n',
        },
    ),
    ("GET", "/api/contacts/{id}"): Operation(
        "contacts",
        "Get a contact",
        "One contact of the caller's organisation; another organisation's id is a 404.",
        {HTTPStatus.OK: Answer("The contact", Contact, {"contact": _CONTACT})},
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
    ),
    ("PATCH", "/api/contacts/{id}"): Operation(
        "contacts",
        "Update a contact",
        "Only the fields sent change: `null` removes a phone or an email, `tags` replaces the tags. "
        "Conditional on the contact's version: a concurrent change is a 409.",
        {HTTPStatus.OK: Answer("The contact as stored", Contact, {"contact": _CONTACT})},
        (*_EVERY_ROUTE, *_JSON_BODY, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
        request_example={"tags": ["staff"]},
    ),
    ("GET", "/api/suppressions"): Operation(
        "suppressions",
        "List the suppression list",
        "The recipients the organisation's sends skip, by recipient, a page at a time (`cursor`: "
        "`meta.nextCursor`): phone numbers that replied an opt-out keyword such as STOP (`opted-out`), "
        "email addresses that hard-bounced (`bounce`) or complained (`complaint`).",
        {
            HTTPStatus.OK: Answer(
                "A page of suppressions",
                SuppressionPage,
                {
                    "page": {
                        "data": [
                            {"recipient": "+573001234567", "reason": "opted-out", "at": "2026-01-15T10:00:00.000Z"},
                            {"recipient": "ana@example.com", "reason": "bounce", "at": "2026-01-14T08:30:00.000Z"},
                        ],
                        "meta": {"limit": 50, "hasNextPage": False, "nextCursor": None},
                    }
                },
            )
        },
        query=SuppressionQuery,
    ),
    ("DELETE", "/api/suppressions/{recipient}"): Operation(
        "suppressions",
        "Lift a suppression",
        "For a re-consent the customer records: sends reach the recipient again. The recipient is an "
        "email address or a phone number (`+` percent-encoded as `%2B`; a national number is read in "
        "the organisation's home country). One that is not on the list is a 404.",
        {HTTPStatus.NO_CONTENT: Answer("Lifted", None)},
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND),
    ),
    ("DELETE", "/api/contacts/{id}"): Operation(
        "contacts",
        "Delete a contact",
        "Removes the contact and what keeps its phone and email unique.",
        {HTTPStatus.NO_CONTENT: Answer("Deleted", None)},
        (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    ),
    **WEBHOOK_OPERATIONS,
}


_TEMPLATE = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a90",
    "name": "Bienvenida",
    "channel": "sms",
    "subject": None,
    "body": "Hola {{firstName}}, tu plan {{plan}} ya está activo.",
    "defaults": {"plan": "básico"},
    "createdAt": "2026-01-15T10:00:00.000Z",
    "updatedAt": "2026-01-15T10:00:00.000Z",
}
_CAMPAIGN = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a91",
    "name": "Campaña de bienvenida",
    "description": "Mensajes a contactos nuevos",
    "createdAt": "2026-01-15T10:00:00.000Z",
    "updatedAt": "2026-01-15T10:00:00.000Z",
}
_PAGE_META = {"limit": 50, "hasNextPage": False, "nextCursor": None}
_ONE = (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND)


def _catalog(
    kind: str, model: type[BaseModel], page: type[BaseModel], example: dict[str, Any]
) -> dict[tuple[str, str], Operation]:
    """The five CRUD routes of /api/templates or /api/campaigns; another organisation's id is a 404."""
    tag, path, editable = (
        f"{kind}s",
        f"/api/{kind}s",
        {k: v for k, v in example.items() if k not in ("id", "createdAt", "updatedAt")},
    )
    return {
        ("POST", path): Operation(
            tag,
            f"Create a {kind}",
            f"The {kind} as stored, with its id.",
            {HTTPStatus.CREATED: Answer(f"The {kind}", model, {kind: example})},
            (*_EVERY_ROUTE, *_JSON_BODY),
            request_example={k: v for k, v in editable.items() if v is not None},
        ),
        ("GET", path): Operation(
            tag,
            f"List {kind}s",
            f"The caller's {kind}s, oldest first, a page at a time (`cursor`: `meta.nextCursor`).",
            {HTTPStatus.OK: Answer(f"A page of {kind}s", page, {"page": {"data": [example], "meta": _PAGE_META}})},
            query=CatalogQuery,
        ),
        ("GET", f"{path}/{{id}}"): Operation(
            tag,
            f"Get a {kind}",
            f"One {kind} of the caller's organisation.",
            {HTTPStatus.OK: Answer(f"The {kind}", model, {kind: example})},
            _ONE,
        ),
        ("PATCH", f"{path}/{{id}}"): Operation(
            tag,
            f"Update a {kind}",
            "Only the fields sent change.",
            {HTTPStatus.OK: Answer(f"The {kind} as stored", model, {kind: example})},
            (*_ONE, *_JSON_BODY),
            request_example={"name": example["name"]},
        ),
        ("DELETE", f"{path}/{{id}}"): Operation(
            tag,
            f"Delete a {kind}",
            f"Removes the {kind}; messages already sent keep its id.",
            {HTTPStatus.NO_CONTENT: Answer("Deleted", None)},
            _ONE,
        ),
    }


OPERATIONS.update(_catalog("template", Template, TemplatePage, _TEMPLATE))
OPERATIONS[("POST", "/api/templates/{id}/preview")] = Operation(
    "templates",
    "Preview a template for one contact",
    "Renders the template with its defaults, the contact's fields (`name`, `firstName`, `lastName`, "
    "`email`, `phone`, custom fields) and `variables`, as a send would; a variable none of them "
    "gives is a 400 (`missing-variable:<name>`).",
    {
        HTTPStatus.OK: Answer(
            "What the contact would receive, and its SMS parts",
            Preview,
            {
                "preview": {
                    "subject": None,
                    "body": "Hola Ana, tu plan gold ya está activo.",
                    "segments": 1,
                    "encoding": "UCS-2",
                }
            },
        )
    },
    (*_ONE, *_JSON_BODY),
    request_example={"contactId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a80", "variables": {"plan": "gold"}},
)
OPERATIONS.update(_catalog("campaign", Campaign, CampaignPage, _CAMPAIGN))
OPERATIONS[("GET", "/api/campaigns/{id}/stats")] = Operation(
    "campaigns",
    "Get a campaign's stats",
    "Its messages per status and per channel, the credits they were charged, and its first and last "
    "send, from counters kept as messages are sent and change status (not a scan). A campaign "
    "never sent to shows zeros.",
    {
        HTTPStatus.OK: Answer(
            "The campaign's figures",
            CampaignStats,
            {
                "stats": {
                    "campaignId": _CAMPAIGN["id"],
                    "messages": 3,
                    "byStatus": {status.value: 0 for status in MessageStatus} | {"SENT": 2, "DELIVERED": 1},
                    "byChannel": {"sms": 2, "email": 1},
                    "cost": 3,
                    "firstSendAt": "2026-01-15T10:05:00.000Z",
                    "lastSendAt": "2026-01-15T10:07:00.000Z",
                }
            },
        )
    },
    _ONE,
)

# Sendo's dialect (decision 40): its answers and errors in its own shape, `{"error": ...}`.
_SENDO_MESSAGE = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c",
    "type": "SMS",
    "createdAt": "2026-01-15T10:00:00.500Z",
    "sentAt": "2026-01-15T10:00:01.250Z",
    "updatedAt": "2026-01-15T10:00:03.000Z",
    "direction": "OUTBOUND",
    "from": "SendMe",
    "to": "+573001234567",
    "body": "Hello, this is a test message from SendMe",
    "metadata": {"customId": "123456789"},
    "numSegments": 1,
    "campaignId": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a90",
    "status": "DELIVERED",
}
OPERATIONS[("GET", "/v1/message/list")] = Operation(
    "sendo",
    "List messages (Sendo)",
    "Sendo's list of messages, for a client migrating from Sendo: the caller's SMS (never email), newest "
    "first, in Sendo's field names and status words (the mapping table in the README), with `Authorization: "
    "Bearer <key>`. `skip` reads every message it skips, so it stops at 10,000: page a long list with "
    'GET /api/messages\'s cursor. Errors are `{"error": "<details>"}`.',
    {
        HTTPStatus.OK: Answer("The messages", SendoMessages, {"messages": {"messages": [_SENDO_MESSAGE]}}),
        HTTPStatus.BAD_REQUEST: Answer(
            "An invalid or unknown parameter, or `skip` over 10,000",
            SendoError,
            {"invalid": {"error": "The parameter 'limit' must be between 1 and 100"}},
        ),
        HTTPStatus.UNAUTHORIZED: Answer(
            "No API key, or one that is unknown or revoked",
            SendoError,
            {"unauthorized": {"error": "Invalid or missing API key"}},
        ),
        HTTPStatus.FORBIDDEN: Answer(
            "The organisation is suspended",
            SendoError,
            {"suspended": {"error": "this organisation is suspended; contact support"}},
        ),
        HTTPStatus.TOO_MANY_REQUESTS: Answer(
            "The organisation is over its request rate (the Retry-After header says when to retry)",
            SendoError,
            {"throttled": {"error": "over 600 requests a minute; retry in 2 s"}},
        ),
    },
    errors=(),
    query=SendoQuery,
)


def operation_of(method: str, path: str) -> Operation | None:
    """The operation of a request, by its method and the template path it matched."""
    return OPERATIONS.get((method.upper(), path))


def allowed_methods(path: str) -> list[str]:
    """The methods the API serves on a template path, for a 405's Allow header."""
    return sorted(method for method, operation_path in OPERATIONS if operation_path == path)


# The workspace dialect (decision 41): the workspace messages API over our list, send and store.
_WORKSPACE = "/api/workspaces/{workspaceId}/messages"
_WORKSPACE_ID = "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a00"
_WORKSPACE_MESSAGE = {
    "id": "0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7c",
    "channel": "EMAIL",
    "status": "OPENED",
    "subject": "Welcome to Acme!",
    "sentAt": "2026-01-15T10:00:00.000Z",
    "openedAt": "2026-01-15T10:05:00.000Z",
    "contactId": _CONTACT["id"],
    "campaignId": None,
}
_NOT_DISPATCHED = {
    "error": "Not dispatched",
    "message": "channel PUSH not available",
    "details": "channel PUSH not available",
    "reason": "channel-not-available",
}
_WORKSPACE_ANSWERS = (*_EVERY_ROUTE, HTTPStatus.NOT_FOUND)
OPERATIONS[("GET", _WORKSPACE)] = Operation(
    "workspace",
    "List messages (workspace dialect)",
    "The workspace messages API's list: `workspaceId` is the caller's organisation id (any other is a 404). "
    "Newest first; `status` in the workspace's words (README's mapping table: OPENED is read without a "
    "click or an unsubscribe), `channel` EMAIL or SMS (PUSH, TELEGRAM, ONSITE and WEBHOOK match nothing). "
    "`total` is counted as GET /api/messages counts (`totalCapped` when its read budget stopped it); "
    "past page x limit = 10,000 use GET /api/messages and its cursor.",
    {
        HTTPStatus.OK: Answer(
            "A page of messages",
            WorkspacePage,
            {
                "page": {
                    "data": [_WORKSPACE_MESSAGE],
                    "pagination": {"page": 1, "limit": 50, "total": 1, "totalPages": 1},
                }
            },
        )
    },
    _WORKSPACE_ANSWERS,
    query=WorkspaceQuery,
)
OPERATIONS[("POST", _WORKSPACE)] = Operation(
    "workspace",
    "Send a message to a contact (workspace dialect)",
    "Sends to the contact's email (EMAIL) or phone (SMS) through our send: its credits (402), suppression "
    "list, `Idempotency-Key` and `?dryRun=true`. `body` and `subject` are Mustache rendered with the "
    "contact's fields (`{{firstName}}`), or `templateId` names a stored template. 422 with `reason` when "
    "it cannot be dispatched: `channel-not-available` (PUSH, TELEGRAM, ONSITE and WEBHOOK are not "
    "available), `suppressed`, `opted-out`, `blocked`, `no-email`, `no-phone`, `missing-variable:<name>`. "
    "An unknown contact is a 404.",
    {
        HTTPStatus.OK: Answer(
            "Dispatched: the message stored and queued; or `?dryRun=true`: what the send would do",
            (WorkspaceDispatch, DryRunResult),
            {
                "dispatched": {
                    "id": _WORKSPACE_MESSAGE["id"],
                    "channel": "EMAIL",
                    "status": "QUEUED",
                    "contactId": _CONTACT["id"],
                    "campaignId": None,
                    "recipient": "ana@example.com",
                    "cost": 1,
                    "queueId": "email-0192b3c4-d5e6-7f80-9a1b-2c3d4e5f6a7b",
                }
            },
        ),
        HTTPStatus.UNPROCESSABLE_ENTITY: _error(
            "Not dispatched (`reason` says why), or the Idempotency-Key was used with another body",
            not_dispatched=_NOT_DISPATCHED,
            reused=ERRORS[HTTPStatus.UNPROCESSABLE_ENTITY].examples["reused"],
        ),
    },
    (
        *_WORKSPACE_ANSWERS,
        *_JSON_BODY,
        HTTPStatus.PAYMENT_REQUIRED,
        HTTPStatus.CONFLICT,
        HTTPStatus.SERVICE_UNAVAILABLE,
    ),
    SendQuery,
    request_example={
        "contactId": _CONTACT["id"],
        "channel": "EMAIL",
        "subject": "Your weekly digest",
        "body": "<h1>Hello {{firstName}}</h1><p>Here is your update...</p>",
        "metadata": {"category": "digest"},
    },
    idempotent=True,
)
OPERATIONS[("GET", f"{_WORKSPACE}/{{messageId}}")] = Operation(
    "workspace",
    "Get a message (workspace dialect)",
    "One message with its contact (id, name, address), template and campaign (id, name), body, metadata, "
    "engagement timestamps and `events`: each status transition with the workspace word it gave.",
    {
        HTTPStatus.OK: Answer(
            "The message and its events",
            WorkspaceMessageDetail,
            {
                "message": {
                    **_WORKSPACE_MESSAGE,
                    "body": "<h1>Hello Ana</h1>",
                    "metadata": {"category": "digest"},
                    "contact": {"id": _CONTACT["id"], "name": "Ana Ruiz", "address": "ana@example.com"},
                    "template": None,
                    "campaign": None,
                    "clickedAt": None,
                    "bouncedAt": None,
                    "unsubscribedAt": None,
                    "cost": 1,
                    "createdAt": "2026-01-15T09:59:59.500Z",
                    "events": [
                        {
                            "status": "QUEUED",
                            "ourStatus": "QUEUED",
                            "timestamp": "2026-01-15T09:59:59.500Z",
                            "source": "api",
                        },
                        {
                            "status": "SENT",
                            "ourStatus": "SENT",
                            "timestamp": "2026-01-15T10:00:00.000Z",
                            "source": "worker",
                        },
                        {
                            "status": "OPENED",
                            "ourStatus": "READ",
                            "timestamp": "2026-01-15T10:05:00.000Z",
                            "source": "receipts",
                        },
                    ],
                }
            },
        )
    },
    _WORKSPACE_ANSWERS,
)
