"""Templated sends: a send naming a `templateId` (and maybe a `campaignId`) resolved against the
organisation's templates and campaigns, then its audience personalised.

Resolving copies the template's body, subject and defaults into the request, so a send job
renders the template as it was when the send was accepted, whatever edits follow. Personalising
renders each recipient's message once, with the template's defaults, the recipient's contact and
the send's variables: a recipient a variable is missing for is skipped (`missing-variable:<name>`);
the others carry the variables their message used, which are all that pricing and building the
message (now, or in a send job's later chunk, from its frozen recipient list) render with again.
"""

from dataclasses import dataclass, replace
from typing import Any

from sendme.domain.audiences import Audience, Recipient, SkippedRecipient
from sendme.domain.errors import RequestInvalidError
from sendme.domain.messages import Channel
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.domain.templates import (
    BODY_LIMITS,
    SUBJECT_LIMIT,
    Campaign,
    MissingVariableError,
    Rendered,
    Template,
    TemplateText,
    recipient_variables,
)
from sendme.storage.catalog import OrgItems
from sendme.storage.contacts import ContactRepository


def channel_of(request: SmsRequest | EmailRequest) -> Channel:
    return Channel.SMS if isinstance(request, SmsRequest) else Channel.EMAIL


@dataclass(frozen=True)
class MessageText:
    """What each recipient of a send gets: the request's own message, or its template rendered
    with the variables personalising gave the recipient."""

    body: str
    subject: str | None
    template: TemplateText | None

    def of(self, recipient: Recipient) -> Rendered:
        if self.template is None:
            return Rendered(self.body, self.subject)
        return self.template.render(recipient.variables or {})


def message_text(request: SmsRequest | EmailRequest, *, html: bool = False) -> MessageText:
    """`html`: an HTML email's values are escaped as Mustache escapes them."""
    subject = request.subject if isinstance(request, EmailRequest) else None
    body = request.message or ""
    return MessageText(body, subject, TemplateText(body, subject, html) if request.template_id else None)


class TemplatedSends:
    def __init__(
        self, templates: OrgItems[Template], campaigns: OrgItems[Campaign], contacts: ContactRepository
    ) -> None:
        self._templates = templates
        self._campaigns = campaigns
        self._contacts = contacts

    def resolve(
        self, org_id: str, request: SmsRequest | EmailRequest, *, message_beside_template: bool = False
    ) -> SmsRequest | EmailRequest:
        """The request with its template's text (400 naming the field for an unknown template or
        campaign, a template of the other channel, or a message and a template together).

        `message_beside_template`: the workspace API's body beside a templateId. The request's
        own message (and subject) is rendered instead of the template's, with the template's
        defaults, and the message keeps the template's id."""
        if request.template_defaults is not None:
            raise RequestInvalidError("Received unknown parameter: templateDefaults", field="templateDefaults")
        if request.campaign_id and self._campaigns.get(org_id, request.campaign_id) is None:
            raise RequestInvalidError(f"no campaign {request.campaign_id}", field="campaignId")
        subject = request.subject if isinstance(request, EmailRequest) else None
        if request.template_id is None:
            return _untemplated(request, subject)
        if not message_beside_template and (request.message is not None or subject is not None):
            field = "message" if request.message is not None else "subject"
            raise RequestInvalidError(f"send a {field} or a templateId, not both", field=field)
        template = self._templates.get(org_id, request.template_id)
        if template is None:
            raise RequestInvalidError(f"no template {request.template_id}", field="templateId")
        if template.channel is not channel_of(request):
            raise RequestInvalidError(
                f"template {template.id} is an {template.channel.value} template", field="templateId"
            )
        update: dict[str, Any] = {"message": request.message or template.body, "template_defaults": template.defaults}
        if isinstance(request, EmailRequest):
            update["subject"] = subject or template.subject
        return request.model_copy(update=update)

    def personalise(
        self, org_id: str, request: SmsRequest | EmailRequest, text: MessageText, audience: Audience
    ) -> Audience:
        """Each recipient with the variables its message renders with; those a variable is missing
        for, skipped. A message longer than its channel allows once rendered is a 400."""
        if text.template is None:
            return audience
        channel = channel_of(request)
        wanted = {r.contact_id for r in audience.recipients if r.contact_id}
        contacts = {contact.id: contact for contact in self._contacts.get_many(org_id, wanted)} if wanted else {}
        kept: list[Recipient] = []
        skipped = list(audience.skipped)
        for recipient in audience.recipients:
            contact = contacts.get(recipient.contact_id) if recipient.contact_id else None
            variables = recipient_variables(
                request.template_defaults, contact, recipient.address, channel, request.variables
            )
            try:
                used = text.template.used(variables)
            except MissingVariableError as missing:
                skipped.append(SkippedRecipient(recipient=recipient.address, reason=missing.reason))
                continue
            kept.append(replace(recipient, variables=used))
            _within_limit(text.of(kept[-1]), channel)
        return Audience(recipients=kept, skipped=skipped, truncated=audience.truncated)


def _within_limit(rendered: Rendered, channel: Channel) -> None:
    if rendered.subject is not None and len(rendered.subject) > SUBJECT_LIMIT:
        raise RequestInvalidError(f"the template renders a subject over {SUBJECT_LIMIT} characters", field="templateId")
    if len(rendered.body) > BODY_LIMITS[channel]:
        raise RequestInvalidError(
            f"the template renders a message of {len(rendered.body)} characters; an {channel.value} "
            f"message is at most {BODY_LIMITS[channel]}",
            field="templateId",
        )


def _untemplated(request: SmsRequest | EmailRequest, subject: str | None) -> SmsRequest | EmailRequest:
    if request.message is None:
        raise RequestInvalidError("The parameter 'message' is required", field="message")
    if isinstance(request, EmailRequest) and subject is None:
        raise RequestInvalidError("The parameter 'subject' is required", field="subject")
    if request.variables is not None:
        raise RequestInvalidError("variables are only read with a templateId", field="variables")
    return request
