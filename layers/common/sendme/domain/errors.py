"""Domain errors. `sendme.edge.http` maps each class to an HTTP status in one table."""

from collections.abc import Mapping
from typing import Any


class SendMeError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, message: str, *, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})


class RequestInvalidError(SendMeError):
    """The request is malformed; `field` names the offending input."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, details={"field": field} if field else None)
        self.field = field


class RecipientsInvalidError(RequestInvalidError):
    """None of the recipients a /contacts send names can be sent to; `skipped` says why, each."""

    def __init__(self, message: str, *, skipped: list[dict[str, str]]) -> None:
        super().__init__(message, field="contacts")
        self.details["skipped"] = skipped


class MediaTypeUnsupportedError(SendMeError):
    """The body is of a media type the route does not read; `accepted` lists those it does."""

    def __init__(self, message: str, *, accepted: list[str]) -> None:
        super().__init__(message, details={"accepted": accepted})


class CredentialsInvalidError(SendMeError):
    """No API key, or one that is unknown or revoked."""


class TermsNotAcceptedError(SendMeError):
    """The organisation has not accepted the current terms, so it may not send."""


class CreditsInsufficientError(SendMeError):
    """The organisation's balance does not cover the cost of the send."""


class OrganizationNotFoundError(SendMeError):
    """No organisation has that id."""


class ApiKeyNotFoundError(SendMeError):
    """The organisation has no API key with that id."""


class ContactNotFoundError(SendMeError):
    """No contact with that id belongs to the caller's organisation."""


class ContactConflictError(SendMeError):
    """Another contact of the organisation already has that phone or email, or the contact changed meanwhile."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, details={"field": field} if field else None)
        self.field = field


class ImportFileInvalidError(RequestInvalidError):
    """A contacts file cannot be read at all (no header, wrong columns, not UTF-8): a 400."""


class TemplateNotFoundError(SendMeError):
    """No message template with that id belongs to the caller's organisation."""


class CampaignNotFoundError(SendMeError):
    """No campaign with that id belongs to the caller's organisation."""


class MessageNotFoundError(SendMeError):
    """No message with that id belongs to the caller's organisation."""


class MessageNotCancelableError(SendMeError):
    """The message (or send job) is past the point it could be canceled: `status` says where it is."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message, details={"status": status})
        self.status = status


class IdempotencyKeyReusedError(SendMeError):
    """The Idempotency-Key was already used with a different request body."""


class IdempotencyKeyInProgressError(SendMeError):
    """A request with the same Idempotency-Key is still being processed."""


class FeatureNotAvailableError(SendMeError):
    """The endpoint or option exists in the contract but is not served yet."""


class MessagesNotStoredError(SendMeError):
    """DynamoDB kept refusing part of a batch write, even after retries."""


class OrganizationSuspendedError(SendMeError):
    """An operator suspended the organisation: every call is refused until it is resumed."""


class EmailSuspendedError(SendMeError):
    """The organisation's bounce or complaint rate passed its threshold: its email is refused
    until an operator resumes it; its SMS goes on."""


class RateLimitExceededError(SendMeError):
    """The organisation used up its request budget; `retry_after` seconds until the next is admitted."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, details={"retryAfter": retry_after})
        self.retry_after = retry_after


class SuppressionNotFoundError(SendMeError):
    """The recipient is not on the organisation's suppression list."""


class NumberTakenError(SendMeError):
    """A two-way number belongs to one organisation only: another already has it."""


class ProviderError(SendMeError):
    """The SMS or email provider refused a message."""

    def __init__(self, message: str, *, code: str, retryable: bool) -> None:
        super().__init__(message, details={"code": code})
        self.code = code
        self.retryable = retryable


class WebhookNotFoundError(SendMeError):
    """No webhook endpoint with that id belongs to the caller's organisation."""


class WebhookDeliveryNotFoundError(SendMeError):
    """No delivery with that id was made to that endpoint (or its record expired)."""


class WebhookDeliveryNotRetryableError(SendMeError):
    """Only a FAILED delivery to an enabled endpoint is retried."""


class DispatchRefusedError(SendMeError):
    """A one-contact send that cannot be dispatched: `reason` says why (suppressed, opted-out,
    no-email, no-phone, blocked, channel-not-available, missing-variable:<name>)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, details={"reason": reason})
