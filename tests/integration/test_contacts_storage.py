"""Contact and suppression storage: the reads that /all, /tags and email sends build on."""

import boto3

from devstack.provision import Stack
from sendme.storage.contacts import ContactRepository
from sendme.storage.suppressions import SuppressionList
from sendme.wiring.contacts import contact_service


def test_contacts_by_tag_and_all_are_queries_of_one_organisation(stack: Stack, demo):
    # Given the demo organisation's contacts and one contact of another organisation
    contact_service().add("other-org", "Stranger", phone="3001112222", country="CO", tags=["vip"])
    repository = ContactRepository(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
    # When reading the audience
    everyone = list(repository.all(demo.org_id))
    vip_ids = list(repository.ids_with_tag(demo.org_id, "vip"))
    # Then only the demo organisation's contacts come back
    assert len(everyone) == 4
    assert [c.name for c in repository.get_many(demo.org_id, vip_ids)] == ["Juan Pérez"]
    assert {c.phone for c in everyone} >= {"+573001234567", "+573009876543"}


def test_suppression_list_reports_only_suppressed_addresses_of_that_organisation(stack: Stack):
    suppressions = SuppressionList(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
    suppressions.add("org-a", "bounced@example.com", "Bounce")
    addresses = ["bounced@example.com", "fine@example.com"]
    assert suppressions.suppressed("org-a", addresses) == {"bounced@example.com"}
    assert suppressions.suppressed("org-b", addresses) == set()
