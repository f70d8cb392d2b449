"""Which API key a request presents. Every API function checks it itself (decision 25)."""

from collections.abc import Mapping


def presented_api_key(headers: Mapping[str, str] | None) -> str | None:
    """The key from `api-key: <key>` or `Authorization: Bearer <key>` (header names in any case)."""
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    if key := lowered.get("api-key", "").strip():
        return key
    scheme, _, token = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None
