"""Contacts, keys, terms and the admin CLI over real HTTP against the local stack."""

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Api, assert_refused_unauthenticated
from .tenants import Tenant, admin, admin_json, new_tenant


@pytest.fixture(scope="module")
def tenant(local_stack: dict[str, Any]) -> Tenant:
    return new_tenant(local_stack, "--accept-terms")


def test_e2e_contacts_crud_over_http(tenant: Tenant):
    api = tenant.api
    created = api.post("/api/contacts", {"name": "Ana", "phone": "3001112233", "countryCode": "CO", "tags": ["vip"]})
    assert (created.status_code, created.json()["phone"]) == (201, "+573001112233")
    url = f"{api.base_url}/api/contacts/{created.json()['id']}"
    assert api.session.patch(url, json={"tags": ["staff"]}, timeout=10).json()["tags"] == ["staff"]
    assert [c["id"] for c in api.get("/api/contacts?tag=staff").json()["data"]] == [created.json()["id"]]
    assert api.session.delete(url, timeout=10).status_code == 204
    assert api.session.get(url, timeout=10).status_code == 404


def test_e2e_duplicate_phone_is_409(tenant: Tenant):
    assert tenant.api.post("/api/contacts", {"name": "A", "phone": "+573005550001"}).status_code == 201
    response = tenant.api.post("/api/contacts", {"name": "B", "phone": "300 555 0001", "countryCode": "CO"})
    assert (response.status_code, response.json()["field"]) == (409, "phone")


def test_e2e_import_over_http(tenant: Tenant):
    body = "name,phone,tags\nC1,+573005550101,e2e\nC2,+573005550102,e2e\nBad,1,\n"
    response = tenant.api.session.post(
        f"{tenant.api.base_url}/api/contacts/import", data=body, headers={"Content-Type": "text/csv"}, timeout=30
    )
    assert (response.status_code, response.json()["created"], response.json()["rejected"]) == (200, 2, 1)
    assert len(tenant.api.get("/api/contacts?tag=e2e").json()["data"]) == 2


def test_e2e_cli_import_contacts_then_listed_over_http(local_stack, tenant: Tenant, tmp_path: Path):
    file = tmp_path / "contacts.csv"
    file.write_text("name,email,tags\n" + "".join(f"P{n},cli{n}@example.com,cli\n" for n in range(30)))
    result = admin(local_stack, "import-contacts", tenant.org_id, str(file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 30
    assert "30/30" in result.stderr  # the progress bar
    assert len(tenant.api.get("/api/contacts?tag=cli&limit=100").json()["data"]) == 30


def test_e2e_cli_revoked_key_is_refused_on_the_next_request(local_stack):
    fresh = new_tenant(local_stack, "--accept-terms")
    assert fresh.api.get("/api/messages").status_code == 200
    key = fresh.api.session.headers["api-key"]
    assert admin(local_stack, "revoke-key", fresh.org_id, str(key)).returncode == 0
    assert_refused_unauthenticated(fresh.api.get("/api/messages"))


def test_e2e_cli_accept_terms_unblocks_sending(local_stack):
    fresh = new_tenant(local_stack)
    body = {"message": "hi", "contacts": ["3001234567"], "country": "CO"}
    assert fresh.api.post("/api/messages/sms/contacts", body).status_code == 403
    assert fresh.api.get("/api/messages").status_code == 200  # listing stays allowed
    admin_json(local_stack, "accept-terms", fresh.org_id)
    assert fresh.api.post("/api/messages/sms/contacts", body).status_code == 201


def test_e2e_cli_unknown_org_is_one_line_and_exit_1(local_stack):
    result = admin(local_stack, "show-org", "no-such-org")
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "sendme-admin: error: organisation no-such-org does not exist",
    )


def test_e2e_another_organisation_cannot_read_the_demo_contacts(api: Api, tenant: Tenant):
    demo_contact = api.get("/api/contacts").json()["data"][0]
    assert tenant.api.get(f"/api/contacts/{demo_contact['id']}").status_code == 404
    listed = {c["id"] for c in tenant.api.get("/api/contacts?limit=100").json()["data"]}
    assert demo_contact["id"] not in listed
