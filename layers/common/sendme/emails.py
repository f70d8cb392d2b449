"""Email address normalisation through pydantic's email validation."""

from html.parser import HTMLParser

from pydantic import EmailStr, TypeAdapter, ValidationError

_EMAIL = TypeAdapter(EmailStr)


def normalize_email(raw: str) -> str | None:
    """The address with its domain lower-cased, or None when it is not a valid address."""
    try:
        return _EMAIL.validate_python(raw.strip())
    except ValidationError:
        return None


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table"})
    _SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """A readable plain-text rendering of an HTML body, for the email's text part."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)
