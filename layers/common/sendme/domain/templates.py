"""Message templates and campaigns: what a templated send renders for each recipient, and the
named campaign its messages belong to.

Templates are Mustache, rendered by pystache: logic-less (no expression, no code; a value is
only ever a string, so a section is a plain condition), strict (a tag no variable fills raises
instead of rendering empty), without partials. A recipient's variables are, lowest first: the
template's `defaults`, the contact's fields (`name`, `firstName`, `lastName`, `email`, `phone`
and every custom field), and the send's `variables`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from sendme.domain.base import CamelModel
from sendme.domain.contacts import Contact
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Channel

if TYPE_CHECKING:
    from pystache import Renderer
    from pystache.parser import ParsedTemplate

# What one message may hold once rendered: an SMS's 1600 characters (10 parts), an email's
# 100,000 (a message and its plain-text part fit one DynamoDB item).
BODY_LIMITS = {Channel.SMS: 1600, Channel.EMAIL: 100_000}
SUBJECT_LIMIT = 998


Name = Annotated[str, Field(min_length=1, max_length=200)]
# What a send or a message names its template and campaign by.
TemplateId = Annotated[str, Field(min_length=1, max_length=64)]
CampaignId = Annotated[str, Field(min_length=1, max_length=128)]
# Template variables, a template's defaults or a send's own: name -> value.
Variables = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[str, Field(max_length=1000)]],
    Field(max_length=50),
]


class MissingVariableError(Exception):
    """A tag of the template that no variable of the recipient fills."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    @property
    def reason(self) -> str:
        return f"missing-variable:{self.name}"


@dataclass(frozen=True)
class Rendered:
    body: str
    subject: str | None = None


# pystache loads with the first template parsed, not with every function that reads a send
# request (decision 26): most never render one.
@cache
def _renderer(html: bool) -> "Renderer":
    import pystache

    # Mustache escapes for HTML; an SMS or a plain-text email must carry "&" as "&", not "&amp;".
    if html:
        return pystache.Renderer(missing_tags="strict", partials={})
    return pystache.Renderer(missing_tags="strict", partials={}, escape=lambda text: text)


# Partials would read other templates, delimiter changes only obscure: neither is served.
_UNSUPPORTED = re.compile(r"\{\{\s*[>=]")
# A closing tag of a section no one opens: pystache silently drops a section left open, but a
# stray close after it fails expecting the open section's close, not an opening tag.
_PROBE_KEY = "end-of-template"


def _parsed(text: str, field: str) -> "ParsedTemplate":
    import pystache
    from pystache.parser import ParsingError

    if _UNSUPPORTED.search(text):
        raise RequestInvalidError(
            f"the {field} uses a partial or a delimiter change, which templates do not support", field=field
        )
    try:
        parsed = pystache.parse(text)
    except ParsingError as error:
        raise RequestInvalidError(f"the {field} is not a valid Mustache template: {error}", field=field) from error
    try:
        pystache.parse(f"{text}{{{{/{_PROBE_KEY}}}}}")
    except ParsingError as error:
        if f"expected {{{{#{_PROBE_KEY}}}}}" not in str(error):
            raise RequestInvalidError(
                f"the {field} is not a valid Mustache template: a section is never closed", field=field
            ) from error
    return parsed


@dataclass(frozen=True)
class TemplateText:
    """A body (and an email's subject) to render per recipient; `html` escapes values for HTML."""

    body: str
    subject: str | None = None
    html: bool = False

    @cached_property
    def _parts(self) -> tuple["ParsedTemplate", "ParsedTemplate | None"]:
        subject = _parsed(self.subject, "subject") if self.subject is not None else None
        return _parsed(self.body, "body"), subject

    def check(self) -> None:
        """Raise RequestInvalidError (400) if the body or the subject does not parse."""
        self._parts  # noqa: B018 - parsing is the check

    def render(self, variables: Mapping[str, str]) -> Rendered:
        """Raises MissingVariableError naming the first tag `variables` does not fill."""
        return self._render(dict(variables))

    def used(self, variables: Mapping[str, str]) -> dict[str, str]:
        """The variables a rendering with `variables` reads: all a later rendering needs."""
        recording = _Recording(variables)
        self._render(recording)
        return {name: variables[name] for name in recording.read}

    def _render(self, variables: dict[str, str]) -> Rendered:
        from pystache.context import KeyNotFoundError

        body, subject = self._parts
        try:
            return Rendered(
                body=_renderer(self.html).render(body, variables),
                subject=_renderer(False).render(subject, variables) if subject is not None else None,
            )
        except KeyNotFoundError as error:
            raise MissingVariableError(str(error.key).split(".")[0]) from error


class _Recording(dict[str, str]):
    """Variables that note which of them pystache reads (it tests `name in` before reading)."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        super().__init__(variables)
        self.read: set[str] = set()

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        if found and isinstance(name, str):
            self.read.add(name)
        return found


def contact_variables(contact: Contact | None, address: str, channel: Channel) -> dict[str, str]:
    """What a contact lends its template: its fields and custom fields; a recipient who is not a
    contact lends only its address."""
    own = {"phone" if channel is Channel.SMS else "email": address} if address else {}
    if contact is None:
        return own
    first, _, last = contact.name.strip().partition(" ")
    fields = {
        "name": contact.name,
        "firstName": first,
        "lastName": last.strip(),
        "email": contact.email or "",
        "phone": contact.phone or "",
    }
    # An empty field is a missing variable: "Hi {{lastName}}" is not rendered as "Hi ".
    return {**contact.custom_fields, **{k: v for k, v in fields.items() if v}, **own}


def recipient_variables(
    defaults: Mapping[str, str] | None,
    contact: Contact | None,
    address: str,
    channel: Channel,
    own: Mapping[str, str] | None,
) -> dict[str, str]:
    """A recipient's variables, lowest first: the template's defaults, the contact's, the send's own."""
    return {**(defaults or {}), **contact_variables(contact, address, channel), **(own or {})}


def check_template(channel: Channel, body: str, subject: str | None) -> None:
    """Raise RequestInvalidError (400, naming the field) unless the template fits its channel and parses."""
    if channel is Channel.EMAIL and not subject:
        raise RequestInvalidError("an email template needs a subject", field="subject")
    if channel is Channel.SMS and subject is not None:
        raise RequestInvalidError("an SMS template has no subject", field="subject")
    if len(body) > BODY_LIMITS[channel]:
        raise RequestInvalidError(
            f"an {channel.value} template's body is at most {BODY_LIMITS[channel]} characters", field="body"
        )
    TemplateText(body, subject).check()


class Template(CamelModel):
    id: str
    name: str
    channel: Channel
    subject: str | None = None
    body: str
    defaults: dict[str, str] = Field(default_factory=dict)
    created_at: str
    updated_at: str

    def text(self, *, html: bool = False) -> TemplateText:
        return TemplateText(self.body, self.subject, html)


class Campaign(CamelModel):
    id: str
    name: str
    description: str | None = None
    created_at: str
    updated_at: str
