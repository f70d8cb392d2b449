"""What one SMS segment costs, by destination country and kind (decision 18).

The table is prices.json beside this module, shipped in the layer: a row per ISO country with
the credits per segment of a `transactional` (OTP) and a `promotional` (SMS) message, and a
`default` row for every country without one.
"""

import json
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from pydantic import Field, RootModel

from sendme.domain.base import CamelModel


class PriceKind(StrEnum):
    TRANSACTIONAL = "transactional"
    PROMOTIONAL = "promotional"


class SegmentPrice(CamelModel):
    transactional: int = Field(ge=0)
    promotional: int = Field(ge=0)


DEFAULT_ROW = "default"


class PriceTable(RootModel[dict[str, SegmentPrice]]):
    """Credits per segment by country; the `default` row prices every country without a row."""

    def per_segment(self, country: str | None, kind: PriceKind) -> int:
        row = self.root.get(country or DEFAULT_ROW) or self.root[DEFAULT_ROW]
        return getattr(row, kind.value)  # type: ignore[no-any-return]

    @classmethod
    def flat(cls, credits: int) -> "PriceTable":
        """One price everywhere, for every kind."""
        return cls({DEFAULT_ROW: SegmentPrice(transactional=credits, promotional=credits)})


@lru_cache(maxsize=1)
def price_table() -> PriceTable:
    text = resources.files(__package__).joinpath("prices.json").read_text(encoding="utf-8")
    rows = {country: row for country, row in json.loads(text).items() if not country.startswith("_")}
    table = PriceTable.model_validate(rows)
    if DEFAULT_ROW not in table.root:
        raise ValueError("prices.json needs a default row")
    return table
