"""GET /api/suppressions: its query and its page."""

from pydantic import Field

from sendme.contracts.contacts import ContactPageMeta
from sendme.domain.base import CamelModel
from sendme.domain.suppressions import Suppression


class SuppressionQuery(CamelModel):
    """A page of at most `limit` suppressions, continuing after `cursor`."""

    limit: int = Field(default=50, ge=1, le=100, description="Suppressions per page.")
    cursor: str | None = Field(
        default=None, max_length=2048, description="`meta.nextCursor` of the previous page: the next page."
    )


class SuppressionPage(CamelModel):
    data: list[Suppression]
    meta: ContactPageMeta
