"""The workspace messages API (workspace-messages.txt, decision 41): list and read messages, as
an adapter over our list's query plans and our store (its send: sendme.services.workspace_sending).

The workspace is the caller's organisation: any other workspaceId is a 404, whether or not such
an organisation exists. Status and channel words come from sendme.contracts.dialects only.

Listing: each status of ours a workspace word names (and each message type of a channel) is one
query plan of GET /api/messages (sendme.storage.search: an index Query, never a Scan), refined by
the engagement attributes where the word needs them (sendme.storage.dialect_filters). One plan
pages as our list does; several are merged newest first by id (ids are time-ordered UUIDv7s).
The total is our list's capped count (COUNT_READ_LIMIT per plan): past it, `totalCapped`.
"""

from math import ceil

from sendme.contracts.dialects import CHANNEL_TYPES, WORKSPACE_CHANNELS, rows_for
from sendme.contracts.messages import MessageQuery, Reference
from sendme.contracts.workspace import (
    DEEPEST_PAGE_ITEMS,
    Pagination,
    WorkspaceMessage,
    WorkspaceMessageDetail,
    WorkspacePage,
    WorkspaceQuery,
)
from sendme.domain.errors import MessageNotFoundError, OrganizationNotFoundError, RequestInvalidError
from sendme.domain.ids import is_uuid
from sendme.domain.messages import Message
from sendme.domain.templates import Campaign, Template
from sendme.storage.catalog import OrgItems
from sendme.storage.contacts import ContactRepository
from sendme.storage.dialect_filters import StatusFilter, status_filters
from sendme.storage.messages import MessageRepository
from sendme.storage.search import MessageSearch, QueryPlan, plan_query


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
    ) -> None:
        self._messages = messages
        self._search = search
        self._contacts = contacts
        self._templates = templates
        self._campaigns = campaigns

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
