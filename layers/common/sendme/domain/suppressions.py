"""The suppression list's entries, and the SMS keywords that add and lift them (decision 32)."""

import string
import unicodedata
from enum import StrEnum

from sendme.domain.base import CamelModel

# The reason an SMS opt-out is recorded with; a send skips its number as `opted-out`. Email
# suppressions carry the receipt that caused them (`bounce`, `complaint`) and skip as `suppressed`.
OPTED_OUT = "opted-out"


class Suppression(CamelModel):
    """A recipient the organisation must not send to, why, and since when."""

    recipient: str
    reason: str
    at: str


class Keyword(StrEnum):
    OPT_OUT = "OPT_OUT"
    OPT_IN = "OPT_IN"
    HELP = "HELP"


_KEYWORDS = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR", "BAJA"), Keyword.OPT_OUT),
    **dict.fromkeys(("START", "UNSTOP"), Keyword.OPT_IN),
    "HELP": Keyword.HELP,
}


def _folded(text: str) -> str:
    """Upper case without accents ("Bája" -> "BAJA"), surrounding spaces and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return bare.strip(string.whitespace + string.punctuation).upper()


def keyword_of(body: str) -> Keyword | None:
    """The keyword the whole message is, if any: "stop" is one, "please stop" is not."""
    return _KEYWORDS.get(_folded(body))
