"""/api/templates and /api/campaigns: create, read, list, update and delete, for one
organisation, and a template's preview for one contact. Neither sends nor holds personal data,
so neither needs the terms accepted (a send with them does)."""

from dataclasses import asdict

from sendme.contracts.catalog import (
    CampaignInput,
    CampaignPage,
    CampaignPatch,
    CampaignStats,
    CatalogPageMeta,
    CatalogQuery,
    Preview,
    PreviewRequest,
    TemplateInput,
    TemplatePage,
    TemplatePatch,
)
from sendme.domain.clock import now_iso
from sendme.domain.content import content_type_of
from sendme.domain.errors import CampaignNotFoundError, ContactNotFoundError, RequestInvalidError, TemplateNotFoundError
from sendme.domain.ids import new_id
from sendme.domain.messages import Channel, ContentType
from sendme.domain.segments import count_segments
from sendme.domain.templates import (
    BODY_LIMITS,
    Campaign,
    MissingVariableError,
    Template,
    check_template,
    recipient_variables,
)
from sendme.storage.catalog import OrgItems
from sendme.storage.contacts import ContactRepository
from sendme.storage.counters import MessageCounters


class _Catalog[Item: (Template, Campaign)]:
    """What templates and campaigns share: read one (404 if not the caller's), list, delete."""

    _kind: str
    _missing: type[TemplateNotFoundError | CampaignNotFoundError]

    def __init__(self, items: OrgItems[Item]) -> None:
        self._items: OrgItems[Item] = items

    def get(self, org_id: str, item_id: str) -> Item:
        item = self._items.get(org_id, item_id)
        if item is None:
            raise self._missing(f"no {self._kind} {item_id}")
        return item

    def _page(self, org_id: str, query: CatalogQuery) -> tuple[list[Item], CatalogPageMeta]:
        items, after = self._items.page(org_id, query.limit, query.cursor)
        return items, CatalogPageMeta(limit=query.limit, has_next_page=after is not None, next_cursor=after)

    def delete(self, org_id: str, item_id: str) -> None:
        if not self._items.delete(org_id, item_id):
            self.get(org_id, item_id)  # raises the 404

    def _replace(self, org_id: str, item: Item) -> Item:
        if not self._items.replace(org_id, item):
            self.get(org_id, item.id)  # deleted meanwhile: the 404
        return item


class TemplateService(_Catalog[Template]):
    _kind, _missing = "template", TemplateNotFoundError

    def __init__(self, templates: OrgItems[Template], contacts: ContactRepository) -> None:
        super().__init__(templates)
        self._contacts = contacts

    def create(self, org_id: str, data: TemplateInput) -> Template:
        check_template(data.channel, data.body, data.subject)
        now = now_iso()
        template = Template(id=new_id(), **data.model_dump(), created_at=now, updated_at=now)
        self._items.put(org_id, template)
        return template

    def list(self, org_id: str, query: CatalogQuery) -> TemplatePage:
        items, meta = self._page(org_id, query)
        return TemplatePage(data=items, meta=meta)

    def update(self, org_id: str, template_id: str, patch: TemplatePatch) -> Template:
        before = self.get(org_id, template_id)
        after = before.model_copy(update={**patch.model_dump(include=patch.model_fields_set), "updated_at": now_iso()})
        check_template(after.channel, after.body, after.subject)
        return self._replace(org_id, after)

    def preview(self, org_id: str, template_id: str, request: PreviewRequest) -> Preview:
        """What the contact (or a recipient who is not one) would get; a missing variable is a 400."""
        template = self.get(org_id, template_id)
        contact = None
        if request.contact_id is not None:
            contact = self._contacts.get(org_id, request.contact_id)
            if contact is None:
                raise ContactNotFoundError(f"no contact {request.contact_id}")
        address = (contact.phone if template.channel is Channel.SMS else contact.email) if contact else None
        variables = recipient_variables(template.defaults, contact, address or "", template.channel, request.variables)
        html = template.channel is Channel.EMAIL and content_type_of(template.body) is ContentType.HTML
        try:
            rendered = template.text(html=html).render(variables)
        except MissingVariableError as missing:
            raise RequestInvalidError(
                f"{missing.reason}: no value for {{{{{missing.name}}}}}", field="variables"
            ) from None
        if len(rendered.body) > BODY_LIMITS[template.channel]:
            raise RequestInvalidError(
                f"the rendered message is over {BODY_LIMITS[template.channel]} characters", field="body"
            )
        info = count_segments(rendered.body) if template.channel is Channel.SMS else None
        return Preview(
            subject=rendered.subject,
            body=rendered.body,
            segments=info.segments if info else 1,
            encoding=info.encoding.value if info else None,
        )


class CampaignService(_Catalog[Campaign]):
    _kind, _missing = "campaign", CampaignNotFoundError

    def __init__(self, campaigns: OrgItems[Campaign], counters: MessageCounters) -> None:
        super().__init__(campaigns)
        self._counters = counters

    def create(self, org_id: str, data: CampaignInput) -> Campaign:
        now = now_iso()
        campaign = Campaign(id=new_id(), **data.model_dump(), created_at=now, updated_at=now)
        self._items.put(org_id, campaign)
        return campaign

    def list(self, org_id: str, query: CatalogQuery) -> CampaignPage:
        items, meta = self._page(org_id, query)
        return CampaignPage(data=items, meta=meta)

    def update(self, org_id: str, campaign_id: str, patch: CampaignPatch) -> Campaign:
        before = self.get(org_id, campaign_id)
        changes = patch.model_dump(include=patch.model_fields_set)
        return self._replace(org_id, before.model_copy(update={**changes, "updated_at": now_iso()}))

    def stats(self, org_id: str, campaign_id: str) -> CampaignStats:
        """Its messages per status and channel, their cost, first and last send: from the
        campaign's counters, not a scan of its messages."""
        self.get(org_id, campaign_id)  # the 404 for another organisation's or an unknown one
        counts = self._counters.campaign(org_id, campaign_id)
        return CampaignStats(campaign_id=campaign_id, **asdict(counts))
