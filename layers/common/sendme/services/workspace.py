"""The workspace messages API (workspace-messages.txt, decision 41): list, send to one contact and
read one message, as an adapter over our list's query plans, our send and our store.

The workspace is the caller's organisation: any other workspaceId is a 404, whether or not such
an organisation exists. Status and channel words come from sendme.contracts.dialects only.

Listing: each status of ours a workspace word names (and each message type of a channel) is one
query plan of GET /api/messages (sendme.storage.search: an index Query, never a Scan), refined by
the engagement attributes where the word needs them (sendme.storage.dialect_filters). One plan
pages as our list does; several are merged newest first by id (ids are time-ordered UUIDv7s).
The total is our list's capped count (COUNT_READ_LIMIT per plan): past it, `totalCapped`.
"""

from collections.abc import Callable
from math import ceil
from typing import TYPE_CHECKING

from sendme.contracts.dialects import CHANNEL_TYPES, WORKSPACE_CHANNELS, rows_for
from sendme.contracts.messages import MessageQuery, Reference
from sendme.contracts.sending import DryRunResult, SendControls
from sendme.contracts.workspace import (
    DEEPEST_PAGE_ITEMS,
    Pagination,
    WorkspaceDispatch,
    WorkspaceMessage,
    WorkspaceMessageDetail,
    WorkspacePage,
    WorkspaceQuery,
    WorkspaceSend,
)
from sendme.domain.accounts import Principal
from sendme.domain.audiences import NamedRecipients
from sendme.domain.contacts import Contact, ContactStatus
from sendme.domain.content import content_type_of
from sendme.domain.errors import (
    ContactNotFoundError,
    DispatchRefusedError,
    MessageNotFoundError,
    OrganizationNotFoundError,
    RecipientsInvalidError,
    RequestInvalidError,
)
from sendme.domain.ids import is_uuid
from sendme.domain.messages import Channel, ContentType, Message
from sendme.domain.sends import EmailRequest, SmsRequest
from sendme.domain.templates import Campaign, MissingVariableError, Template, TemplateText, recipient_variables
from sendme.storage.catalog import OrgItems
from sendme.storage.contacts import ContactRepository
from sendme.storage.dialect_filters import StatusFilter, status_filters
from sendme.storage.messages import MessageRepository
from sendme.storage.search import MessageSearch, QueryPlan, plan_query

if TYPE_CHECKING:
    from sendme.services.sending import SendingService


def require_workspace(org_id: str, workspace_id: str) -> None:
    if workspace_id != org_id:
        raise OrganizationNotFoundError(f"no workspace {workspace_id}")


class WorkspaceMessages:
    def __init__(
        self,
        messages: MessageRepository,
        search: MessageSearch,
        contacts: ContactRepository,
        templates: OrgItems[Template],
        campaigns: OrgItems[Campaign],
        # Built at the first send, so a function that has only listed never loads our send.
        sending: Callable[[], "SendingService"],
    ) -> None:
        self._messages = messages
        self._search = search
        self._contacts = contacts
        self._templates = templates
        self._campaigns = campaigns
        self._sending = sending

    def list_messages(self, org_id: str, workspace_id: str, query: WorkspaceQuery) -> WorkspacePage:
        require_workspace(org_id, workspace_id)
        if query.page * query.limit > DEEPEST_PAGE_ITEMS:
            raise RequestInvalidError(
                f"page x limit may be at most {DEEPEST_PAGE_ITEMS:,}; GET /api/messages reads any page with its cursor",
                field="page",
            )
        plans = self._plans(org_id, query)
        counts = [self._search.count(plan) for plan in plans]
        total = sum(count for count, _ in counts)
        complete = all(done for _, done in counts)
        if len(plans) == 1:
            messages = self._one_plan_page(plans[0], query, total if complete else None)
        else:
            messages = self._merged_page(org_id, plans, query)
        return WorkspacePage(
            data=[WorkspaceMessage.of(message) for message in messages],
            pagination=Pagination(
                page=query.page,
                limit=query.limit,
                total=total,
                total_pages=ceil(total / query.limit),
                total_capped=not complete,
            ),
        )

    def _plans(self, org_id: str, query: WorkspaceQuery) -> list[QueryPlan]:
        """One plan per (status of ours, message type) the query names; none for a channel we do not serve."""
        channel = WORKSPACE_CHANNELS[query.channel] if query.channel else None
        if query.channel and channel is None:
            return []
        types = CHANNEL_TYPES[channel] if channel else (None,)
        statuses: list[StatusFilter | None] = (
            list(status_filters(rows_for([query.status], dialect="workspace"))) if query.status else [None]
        )
        return [
            status.applied_to(plan) if status else plan
            for message_type in types
            for status in statuses
            for plan in [
                plan_query(
                    org_id,
                    MessageQuery(
                        limit=query.limit,
                        message_type=message_type,
                        status=status.status if status else None,
                        contact_id=query.contact_id,
                        campaign_id=query.campaign_id,
                    ),
                    {},
                )
            ]
        ]

    def _one_plan_page(self, plan: QueryPlan, query: WorkspaceQuery, total: int | None) -> list[Message]:
        """As our list pages: `total` None when it is only a lower bound."""
        skipped = (query.page - 1) * query.limit
        if skipped and total is not None and skipped >= total:
            return []
        after = self._search.id_at(plan, skipped) if skipped else None
        if skipped and after is None:
            return []
        return self._search.page(plan, query.limit, after).messages

    def _merged_page(self, org_id: str, plans: list[QueryPlan], query: WorkspaceQuery) -> list[Message]:
        wanted = query.page * query.limit
        ids = sorted({i for plan in plans for i in self._search.ids(plan, wanted)}, reverse=True)
        page = ids[(query.page - 1) * query.limit : wanted]
        found = self._messages.get_many((org_id, message_id) for message_id in page)
        return [found[(org_id, message_id)] for message_id in page if (org_id, message_id) in found]

    def get_message(self, org_id: str, workspace_id: str, message_id: str) -> WorkspaceMessageDetail:
        require_workspace(org_id, workspace_id)
        message = self._messages.get(org_id, message_id) if is_uuid(message_id) else None
        if message is None:
            raise MessageNotFoundError(f"no message {message_id}")
        contact = self._contacts.get(org_id, message.contact_id) if message.contact_id else None
        template = self._templates.get(org_id, message.template_id) if message.template_id else None
        campaign = self._campaigns.get(org_id, message.campaign_id) if message.campaign_id else None
        return WorkspaceMessageDetail.of_message(
            message,
            contact.name if contact else None,
            Reference(id=message.template_id, name=template.name if template else None)
            if message.template_id
            else None,
            Reference(id=message.campaign_id, name=campaign.name if campaign else None)
            if message.campaign_id
            else None,
        )

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
            result = self._sending().send(
                org_id,
                principal.terms_accepted,
                _send_request(channel, request, contact, address, self._template_beside(org_id, request)),
                NamedRecipients([address]),
                controls,
                principal.country,
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

    def _template_beside(self, org_id: str, request: WorkspaceSend) -> Template | None:
        """The template named beside a body (400 if it is not one of the organisation's)."""
        if request.template_id is None or request.body is None:
            return None
        template = self._templates.get(org_id, request.template_id)
        if template is None:
            raise RequestInvalidError(f"no template {request.template_id}", field="templateId")
        return template


def _address(contact: Contact, channel: Channel) -> str:
    if contact.status is not ContactStatus.ACTIVE:
        raise DispatchRefusedError(f"the contact is {contact.status.value}", reason="blocked")
    address = contact.email if channel is Channel.EMAIL else contact.phone
    if not address:
        kind = "email" if channel is Channel.EMAIL else "phone"
        raise DispatchRefusedError(f"the contact has no {kind}", reason=f"no-{kind}")
    return address


def _send_request(
    channel: Channel, request: WorkspaceSend, contact: Contact, address: str, template: Template | None
) -> SmsRequest | EmailRequest:
    """Our send request: the stored template's (rendered by our send), or the body and subject
    rendered here for the contact with the same Mustache engine and variables (a template named
    beside a body lends its defaults: the spec's example names both)."""
    # Only what was given: our send request refuses an explicit null (its `not_null` fields).
    given = {"campaign_id": request.campaign_id, "metadata": request.metadata}
    common = {name: value for name, value in given.items() if value is not None}
    if request.body is None:
        if request.template_id is None:
            raise RequestInvalidError("The parameter 'body' (or 'templateId') is required", field="body")
        if channel is Channel.EMAIL:
            subject = {"subject": request.subject} if request.subject is not None else {}
            return EmailRequest(**common, **subject, template_id=request.template_id)
        return SmsRequest(**common, template_id=request.template_id)
    if channel is Channel.SMS and request.subject is not None:
        raise RequestInvalidError("an SMS has no subject", field="subject")
    html = channel is Channel.EMAIL and content_type_of(request.body) is ContentType.HTML
    variables = recipient_variables(template.defaults if template else None, contact, address, channel, None)
    try:
        rendered = TemplateText(request.body, request.subject, html).render(variables)
    except MissingVariableError as missing:
        raise DispatchRefusedError(f"the contact has no {missing.name}", reason=missing.reason) from missing
    if channel is Channel.EMAIL:
        return EmailRequest(**common, message=rendered.body, subject=rendered.subject)
    return SmsRequest(**common, message=rendered.body)
