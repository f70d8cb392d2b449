"""The demo organisation of the local stack, created through the same services as the admin CLI's
create-org, issue-key and import-contacts."""

from dataclasses import dataclass

from sendme.services.contacts_import import csv_rows
from sendme.wiring.accounts import account_service
from sendme.wiring.contacts import contact_importer

DEMO_CONTACTS_CSV = """name,phone,email,tags,status
Juan Pérez,3001234567,juan@example.com,customers;vip,ACTIVE
María Gómez,3009876543,maria@example.com,customers,ACTIVE
Carlos Ruiz,3015550101,carlos@example.com,staff,ACTIVE
Ana Torres,3025550123,ana@example.com,customers,BLOCKED
"""


DEMO_REQUESTS_PER_MINUTE = 6000


# The demo organisation's two-way number: what POST /local/inbound-sms sends to (devstack.inbound).
DEMO_NUMBER = "+12065550100"


@dataclass(frozen=True)
class DemoOrganization:
    org_id: str
    api_key: str


def seed_demo(api_key: str | None = None, credits: int = 10_000) -> DemoOrganization:
    organization = account_service().create_organization(
        "Demo organisation", credits=credits, accept_terms=True, country="CO"
    )
    key = account_service().issue_api_key(organization.id, key=api_key)
    # A developer's demo (and the e2e suite polling it) goes past the default 100 requests a
    # minute; the limit is the organisation's own, so every request is still metered.
    account_service().set_request_limit(organization.id, DEMO_REQUESTS_PER_MINUTE, DEMO_REQUESTS_PER_MINUTE)
    account_service().set_number(organization.id, DEMO_NUMBER)
    report = contact_importer().run(organization.id, csv_rows(DEMO_CONTACTS_CSV.splitlines()), country="CO")
    if report.rejected:
        raise RuntimeError(f"the demo contacts were rejected: {report.rejections}")
    return DemoOrganization(org_id=organization.id, api_key=key)
