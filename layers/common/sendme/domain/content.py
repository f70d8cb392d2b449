"""Whether an email's message is HTML, for a request that does not say."""

import re

from sendme.domain.messages import ContentType

# A tag of a common HTML element, or a character reference. Deliberately not any "<word>": a
# plain-text message may say "<name>" or "a <b and c> d"; those stay plain text. Linear: each
# attempt stops at the next "<".
_HTML = re.compile(
    r"</?(?:html|head|body|p|br|hr|div|span|a|b|i|u|s|em|strong|small|sub|sup|font|center|"
    r"h[1-6]|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|img|blockquote|pre|code|style|section|"
    r"header|footer|article|nav|main|button|title|meta|link)\b[^<>]*>"
    r"|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|nbsp|amp|lt|gt|quot|copy|reg|euro|aacute|eacute|iacute|oacute|uacute|ntilde);",
    re.IGNORECASE,
)


def content_type_of(message: str) -> ContentType:
    """HTML when the message carries HTML markup, else plain text."""
    return ContentType.HTML if _HTML.search(message) else ContentType.PLAIN_TEXT
