"""The workspace messages API's send (workspace-messages.txt, decision 41): POST
/api/workspaces/{workspaceId}/messages, one message to one contact, as our send.

Apart from the list and read (sendme.services.workspace) and built at the first send, so a
function that has only listed never loads our send path.
"""

from sendme.contracts.dialects import WORKSPACE_CHANNELS
from sendme.contracts.sending import DryRunResult, SendControls
from sendme.contracts.workspace import WorkspaceDispatch, WorkspaceMessage, WorkspaceSend
from sendme.domain.accounts import Principal
from sendme.domain.audiences import NamedRecipients
from sendme.domain.contacts import Contact, ContactStatus
from sendme.domain.content import content_type_of
from sendme.domain.errors import (
    ContactNotFoundError,
    DispatchRefusedError,
    MessageNotFoundError,
    RecipientsInvalidError,
    RequestInvalidError,
)
from sendme.domain.messages import Channel, ContentType
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.domain.templates import MissingVariableError, TemplateText, recipient_variables
from sendme.services.sending import SendingService
from sendme.services.workspace import require_workspace
from sendme.storage.contacts import ContactRepository
from sendme.storage.messages import MessageRepository


class WorkspaceSends:
    def __init__(
        self,
        messages: MessageRepository,
        contacts: ContactRepository,
        sending: SendingService,
    ) -> None:
        self._messages = messages
        self._contacts = contacts
        self._sending = sending

    def send(
        self, principal: Principal, workspace_id: str, request: WorkspaceSend, controls: SendControls
    ) -> WorkspaceDispatch | DryRunResult:
        """Our send to the contact's address on the channel: 422 (DispatchRefusedError) with the
        reason when it cannot be dispatched; 402, idempotency and dry runs as every send."""
        org_id = principal.org_id
        require_workspace(org_id, workspace_id)
        channel = WORKSPACE_CHANNELS[request.channel]
        if channel is None:
            raise DispatchRefusedError(f"channel {request.channel} not available", reason="channel-not-available")
        contact = self._contacts.get(org_id, request.contact_id)
        if contact is None:
            raise ContactNotFoundError(f"no contact {request.contact_id}")
        address = _address(contact, channel)
        try:
            result = self._sending.send(
                org_id,
                principal.terms_accepted,
                _send_request(channel, request, contact, address),
                NamedRecipients([address]),
                controls,
                principal.country,
                # The spec's example names both: its body is rendered with the template's
                # defaults, and the message keeps the template's id.
                message_beside_template=request.body is not None and request.template_id is not None,
            )
        except RecipientsInvalidError as refused:
            (skipped,) = refused.details["skipped"]
            raise DispatchRefusedError(
                f"the contact cannot be sent to: {skipped['reason']}", reason=skipped["reason"]
            ) from refused
        if isinstance(result, DryRunResult):
            return result
        (enqueued,) = result.messages
        message = self._messages.get(org_id, enqueued.id)
        if message is None:  # an idempotent replay of a send whose message was since deleted
            raise MessageNotFoundError(f"no message {enqueued.id}")
        return WorkspaceDispatch(
            id=message.id,
            channel=request.channel,
            status=WorkspaceMessage.of(message).status,
            contact_id=contact.id,
            campaign_id=message.campaign_id,
            recipient=message.recipient_details,
            cost=message.cost,
            queue_id=result.queue_id,
        )


def _address(contact: Contact, channel: Channel) -> str:
    if contact.status is not ContactStatus.ACTIVE:
        raise DispatchRefusedError(f"the contact is {contact.status.value}", reason="blocked")
    address = contact.email if channel is Channel.EMAIL else contact.phone
    if not address:
        kind = "email" if channel is Channel.EMAIL else "phone"
        raise DispatchRefusedError(f"the contact has no {kind}", reason=f"no-{kind}")
    return address


def _send_request(
    channel: Channel, request: WorkspaceSend, contact: Contact, address: str
) -> SmsRequest | EmailRequest:
    """Our send request. With a template, our templated send renders it: the template's text,
    or the body beside it with the template's defaults. A body alone is rendered here for the
    contact, with the same Mustache engine and variables."""
    # Only what was given: our send request refuses an explicit null (its `not_null` fields).
    given = {"campaign_id": request.campaign_id, "metadata": request.metadata}
    common = {name: value for name, value in given.items() if value is not None}
    if channel is Channel.SMS and request.subject is not None and request.body is not None:
        raise RequestInvalidError("an SMS has no subject", field="subject")
    if request.template_id is not None:
        own = {"message": request.body} if request.body is not None else {}
        if channel is Channel.EMAIL:
            subject = {"subject": request.subject} if request.subject is not None else {}
            return EmailRequest(**common, **own, **subject, template_id=request.template_id)
        return SmsRequest(**common, **own, template_id=request.template_id)
    if request.body is None:
        raise RequestInvalidError("The parameter 'body' (or 'templateId') is required", field="body")
    html = channel is Channel.EMAIL and content_type_of(request.body) is ContentType.HTML
    variables = recipient_variables(None, contact, address, channel, None)
    try:
        rendered = TemplateText(request.body, request.subject, html).render(variables)
    except MissingVariableError as missing:
        raise DispatchRefusedError(f"the contact has no {missing.name}", reason=missing.reason) from missing
    if channel is Channel.EMAIL:
        return EmailRequest(**common, message=rendered.body, subject=rendered.subject)
    return SmsRequest(**common, message=rendered.body)
