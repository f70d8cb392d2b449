"""Which API key a request presents, and who the authorizer says is calling.

API Gateway hands the authorizer's context to the function as strings (and drops nulls), so
the principal travels as `authorizer_context` and comes back as `principal_of`."""

from collections.abc import Mapping
from typing import Any

from sendme.domain.accounts import Principal
from sendme.domain.errors import CredentialsInvalidError
from sendme.edge.language import language_of, translated


def presented_api_key(headers: Mapping[str, str] | None) -> str | None:
    """The key from `api-key: <key>` or `Authorization: Bearer <key>` (header names in any case)."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    if key := lowered.get("api-key", "").strip():
        return key
    scheme, _, token = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def authorizer_context(principal: Principal) -> dict[str, str]:
    """The principal as the authorizer's context: string values, none of them null."""
    context = {
        "orgId": principal.org_id,
        "termsAccepted": str(principal.terms_accepted).lower(),
        "country": principal.country or "",
        "suspended": "true" if principal.suspended else "",
        "requestsPerMinute": str(principal.requests_per_minute or ""),
        "requestBurst": str(principal.request_burst or ""),
    }
    return {name: value for name, value in context.items() if value}


def refusal_context(headers: Mapping[str, str] | None) -> dict[str, str]:
    """The 401's texts in the caller's language, as a Deny policy's context: the template's
    ACCESS_DENIED gateway response (status 401) reads them as $context.authorizer.error/.message."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    language = language_of(lowered.get("accept-language"))
    error = CredentialsInvalidError("Invalid or missing API key")
    return {"error": translated("Unauthorized", language), "message": translated(error.message, language)}


def principal_of(event: Mapping[str, Any]) -> Principal:
    """The organisation the authorizer resolved the request's API key to."""
    context = event.get("requestContext", {}).get("authorizer") or {}
    if not context.get("orgId"):
        raise CredentialsInvalidError("Invalid or missing API key")
    return Principal(
        org_id=context["orgId"],
        terms_accepted=str(context.get("termsAccepted")).lower() == "true",
        suspended=str(context.get("suspended")).lower() == "true",
        country=context.get("country") or None,
        requests_per_minute=int(context["requestsPerMinute"]) if context.get("requestsPerMinute") else None,
        request_burst=int(context["requestBurst"]) if context.get("requestBurst") else None,
    )
