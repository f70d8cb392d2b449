"""/api/contacts against moto: normalisation, 409 on duplicates, memberships kept consistent."""

import boto3
import pytest
from werkzeug.test import Client

from devstack.provision import Stack
from sendme.domain.errors import ContactConflictError
from sendme.storage.contacts import ContactRepository
from sendme.wiring.accounts import account_service

from .helpers import auth

ANA = {"name": "Ana", "phone": "300 111 2233", "countryCode": "CO", "email": "Ana@Example.COM", "tags": ["vip"]}


def store(stack: Stack) -> ContactRepository:
    return ContactRepository(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))


def create(api: Client, key: str, body: dict) -> dict:
    response = api.post("/api/contacts", json=body, headers=auth(key))
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def test_contacts_create_normalises_phone_and_email_as_sends_do(api: Client, demo):
    contact = create(api, demo.api_key, {**ANA, "status": "inactive", "customFields": {"plan": "gold"}})
    assert (contact["phone"], contact["email"], contact["countryCode"]) == ("+573001112233", "Ana@example.com", "57")
    assert (contact["status"], contact["customFields"], contact["tags"]) == ("INACTIVE", {"plan": "gold"}, ["vip"])
    assert api.get(f"/api/contacts/{contact['id']}", headers=auth(demo.api_key)).json == contact


def test_contacts_calling_code_reads_national_numbers_like_the_iso_code(api: Client, demo):
    contact = create(api, demo.api_key, {"name": "Bo", "phone": "3001112233", "countryCode": "+57"})
    assert contact["phone"] == "+573001112233"


@pytest.mark.parametrize(
    ("duplicate", "field"),
    [
        pytest.param({"name": "Other", "phone": "+57 300 111 2233"}, "phone", id="same-phone-other-format"),
        pytest.param({"name": "Other", "email": "Ana@example.com"}, "email", id="same-email"),
    ],
)
def test_contacts_duplicate_within_an_organisation_is_409_and_writes_nothing(
    api: Client, demo, stack, duplicate, field
):
    create(api, demo.api_key, ANA)
    before = list(store(stack).all(demo.org_id))
    response = api.post("/api/contacts", json=duplicate, headers=auth(demo.api_key))
    assert (response.status_code, response.json["error"], response.json["field"]) == (409, "Conflict", field)
    assert list(store(stack).all(demo.org_id)) == before


def test_contacts_same_phone_in_another_organisation_is_not_a_duplicate(api: Client, demo):
    other = account_service().create_organization("Other", accept_terms=True)
    create(api, demo.api_key, ANA)
    create(api, account_service().issue_api_key(other.id), ANA)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "phone": "12"}, "phone"),
        ({"name": "X", "email": "not-an-email"}, "email"),
        ({"name": "X", "phone": "3001112233", "countryCode": "ZZ"}, "countryCode"),
        ({"name": "X", "email": "x@example.com", "status": "GONE"}, "status"),
        ({"name": "X", "email": "x@example.com", "tags": ["a#b"]}, "tags[0]"),
        ({"name": "", "email": "x@example.com"}, "name"),
    ],
)
def test_contacts_invalid_input_is_400_naming_the_field(api: Client, demo, stack, body, field):
    before = list(store(stack).all(demo.org_id))
    response = api.post("/api/contacts", json=body, headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, field)
    assert list(store(stack).all(demo.org_id)) == before


def test_contacts_without_phone_or_email_is_400(api: Client, demo):
    response = api.post("/api/contacts", json={"name": "Nobody"}, headers=auth(demo.api_key))
    assert response.status_code == 400


def test_contacts_list_pages_through_every_contact_once(api: Client, demo):
    # Given the demo's 4 contacts and 3 more / When listed 2 at a time
    for number in range(3):
        create(api, demo.api_key, {"name": f"P{number}", "email": f"p{number}@example.com"})
    seen, cursor = [], None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"/api/contacts?{query}", headers=auth(demo.api_key)).json
        seen += [contact["id"] for contact in page["data"]]
        cursor = page["meta"]["nextCursor"]
        assert page["meta"]["hasNextPage"] == (cursor is not None)
        if not cursor:
            break
    # Then every contact comes exactly once
    assert len(seen) == len(set(seen)) == 7


def test_contacts_list_filters_by_tag_and_status(api: Client, demo):
    by_tag = api.get("/api/contacts?tag=customers", headers=auth(demo.api_key)).json["data"]
    by_both = api.get("/api/contacts?tag=customers&status=blocked", headers=auth(demo.api_key)).json["data"]
    assert sorted(c["name"] for c in by_tag) == ["Ana Torres", "Juan Pérez", "María Gómez"]
    assert [c["name"] for c in by_both] == ["Ana Torres"]


def test_contacts_list_rejects_a_cursor_it_did_not_issue(api: Client, demo):
    response = api.get("/api/contacts?cursor=bm9wZQ", headers=auth(demo.api_key))
    assert (response.status_code, response.json["field"]) == (400, "cursor")


def test_contacts_update_moves_tag_memberships(api: Client, demo, stack):
    contact = create(api, demo.api_key, ANA)
    response = api.patch(f"/api/contacts/{contact['id']}", json={"tags": ["staff"]}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["tags"], response.json["version"]) == (200, ["staff"], 2)
    assert contact["id"] not in set(store(stack).ids_with_tag(demo.org_id, "vip"))
    assert contact["id"] in set(store(stack).ids_with_tag(demo.org_id, "staff"))


def test_contacts_update_only_changes_the_fields_given(api: Client, demo):
    contact = create(api, demo.api_key, ANA)
    response = api.patch(f"/api/contacts/{contact['id']}", json={"name": "Ana M."}, headers=auth(demo.api_key))
    updated = dict(response.json or {})
    assert {**contact, "name": "Ana M."} == {**updated, "updatedAt": contact["updatedAt"], "version": 1}


def test_contacts_update_of_the_phone_frees_the_old_number(api: Client, demo):
    contact = create(api, demo.api_key, ANA)
    api.patch(f"/api/contacts/{contact['id']}", json={"phone": "+573009990000"}, headers=auth(demo.api_key))
    create(api, demo.api_key, {"name": "New owner", "phone": "+573001112233"})


def test_contacts_update_to_another_contacts_email_is_409(api: Client, demo):
    contact = create(api, demo.api_key, ANA)
    response = api.patch(
        f"/api/contacts/{contact['id']}", json={"email": "juan@example.com"}, headers=auth(demo.api_key)
    )
    assert (response.status_code, response.json["field"]) == (409, "email")
    assert api.get(f"/api/contacts/{contact['id']}", headers=auth(demo.api_key)).json == contact


def test_contacts_update_removing_both_phone_and_email_is_400(api: Client, demo):
    contact = create(api, demo.api_key, ANA)
    response = api.patch(
        f"/api/contacts/{contact['id']}", json={"phone": None, "email": None}, headers=auth(demo.api_key)
    )
    assert response.status_code == 400


def test_contacts_change_from_a_stale_read_is_a_conflict(stack: Stack, demo):
    # Given two writers that read the same version
    contacts = store(stack)
    current = next(iter(contacts.all(demo.org_id)))
    first = current.model_copy(update={"name": "First", "version": current.version + 1})
    second = current.model_copy(update={"name": "Second", "version": current.version + 1})
    contacts.apply(contacts.change(demo.org_id, current, first))
    # When the second writes / Then it is refused and the first write stands
    with pytest.raises(ContactConflictError):
        contacts.apply(contacts.change(demo.org_id, current, second))
    stored = contacts.get(demo.org_id, current.id)
    assert stored is not None
    assert stored.name == "First"


def test_contacts_delete_removes_the_contact_its_memberships_and_its_claims(api: Client, demo, stack):
    contact = create(api, demo.api_key, ANA)
    assert api.delete(f"/api/contacts/{contact['id']}", headers=auth(demo.api_key)).status_code == 204
    assert api.get(f"/api/contacts/{contact['id']}", headers=auth(demo.api_key)).status_code == 404
    assert contact["id"] not in set(store(stack).ids_with_tag(demo.org_id, "vip"))
    create(api, demo.api_key, ANA)  # its phone and email are free again


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_contacts_unknown_id_is_404(api: Client, demo, method):
    response = api.open("/api/contacts/nope", method=method, json={}, headers=auth(demo.api_key))
    assert (response.status_code, response.json["error"]) == (404, "Not found")
