"""The demo organisation of the local stack, created through the same services as any other."""

from dataclasses import dataclass

from sendme.models import ContactStatus
from sendme.wiring import account_service, contact_service

DEMO_CONTACTS = [
    ("Juan Pérez", "3001234567", "juan@example.com", ["customers", "vip"], ContactStatus.ACTIVE),
    ("María Gómez", "3009876543", "maria@example.com", ["customers"], ContactStatus.ACTIVE),
    ("Carlos Ruiz", "3015550101", "carlos@example.com", ["staff"], ContactStatus.ACTIVE),
    ("Ana Torres", "3025550123", "ana@example.com", ["customers"], ContactStatus.BLOCKED),
]


@dataclass(frozen=True)
class DemoOrganization:
    org_id: str
    api_key: str


def seed_demo(api_key: str | None = None, credits: int = 10_000) -> DemoOrganization:
    organization = account_service().create_organization("Demo organisation", credits=credits, accept_terms=True)
    key = account_service().issue_api_key(organization.id, key=api_key)
    for name, phone, email, tags, status in DEMO_CONTACTS:
        contact_service().add(organization.id, name, phone=phone, email=email, country="CO", tags=tags, status=status)
    return DemoOrganization(org_id=organization.id, api_key=key)
