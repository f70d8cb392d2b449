"""The JSON body of every error the API answers, documented once in openapi.json."""

from pydantic import BaseModel, ConfigDict


class ErrorBody(BaseModel):
    """`error` is the status's title, `message` says what went wrong; a domain error may add
    what a client needs to act on it (`required` credits, the `field` at fault)."""

    # Built at the first error answered, not at every cold start.
    model_config = ConfigDict(extra="allow", defer_build=True)

    error: str
    message: str
    details: str | None = None
    field: str | None = None
