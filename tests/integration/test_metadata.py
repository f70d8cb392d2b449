"""A send's `metadata`: stored with each of its messages however the send is made, and returned
by the message, the list and webhook events; invalid metadata is refused and stores nothing."""

from functools import partial
from typing import Any

import boto3
import pytest
from werkzeug.test import Client

from devstack.lambdas import LocalLambdas
from devstack.poller import QueuePoller
from devstack.provision import Stack
from sendme import wiring
from sendme.domain.sends import stored_request
from sendme.wiring.messages import send_jobs

from .helpers import auth, queued, stored_messages

METADATA = {"orderId": "A-1042", "customer": "Ana Pérez", "empty": ""}


def views(api: Client, key: str) -> list[dict[str, Any]]:
    """Every message as GET /api/messages/{id} and as GET /api/messages show it."""

    def read(path: str) -> Any:
        return api.get(path, headers=auth(key)).json

    listed: list[dict[str, Any]] = read("/api/messages?limit=100")["data"]
    return [read(f"/api/messages/{m['id']}") for m in listed] + listed


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/messages/sms/contacts", {"message": "Hola", "contacts": ["3001234567", "3009876543"], "country": "CO"}),
        ("/api/messages/email/contacts", {"subject": "Hi", "message": "Hello", "contacts": ["ana@example.com"]}),
        ("/api/messages/sms/tags", {"message": "Hola", "tags": ["customers"]}),
    ],
)
def test_metadata_of_a_send_is_returned_with_each_of_its_messages(api: Client, demo, stack: Stack, path, body):
    # Given a send with metadata
    response = api.post(path, json={**body, "metadata": METADATA}, headers=auth(demo.api_key))
    assert response.status_code == 201, response.json
    # When its messages are read and listed
    seen = views(api, demo.api_key)
    # Then each carries the metadata, as sent
    assert len(seen) == 2 * len(response.json["messages"])
    assert all(view["metadata"] == METADATA for view in seen)


def test_metadata_of_a_templated_send_is_returned_with_its_messages(api: Client, demo, stack: Stack):
    # Given a template, sent with metadata
    template = {"name": "Bienvenida", "channel": "sms", "body": "Hola {{firstName}}"}
    template_id = api.post("/api/templates", json=template, headers=auth(demo.api_key)).json["id"]
    body = {"templateId": template_id, "contacts": ["3001234567", "3009876543"], "metadata": METADATA}
    assert api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key)).status_code == 201
    # When its messages are read, Then each is rendered and carries the metadata
    seen = views(api, demo.api_key)
    assert {view["metadata"]["orderId"] for view in seen} == {"A-1042"}
    assert len(seen) == 4


def test_metadata_of_a_send_without_it_is_null(api: Client, demo, stack: Stack):
    body = {"message": "Hola", "contacts": ["3001234567"], "country": "CO"}
    api.post("/api/messages/sms/contacts", json=body, headers=auth(demo.api_key))
    assert {view["metadata"] for view in views(api, demo.api_key)} == {None}


def test_metadata_of_a_send_job_survives_its_request_and_reaches_every_message(
    api: Client, demo, stack: Stack, lambdas: LocalLambdas, monkeypatch: pytest.MonkeyPatch
):
    # Given an /all send large enough to become a send job
    monkeypatch.setenv("AUDIENCE_SYNC_LIMIT", "2")
    wiring.reset()
    response = api.post(
        "/api/messages/sms/all", json={"message": "Hi", "metadata": METADATA}, headers=auth(demo.api_key)
    )
    assert response.status_code == 202
    # When the fan-out worker runs the job it stored
    job = send_jobs().get(demo.org_id, response.json["job"]["id"])
    assert job is not None
    assert stored_request(job.channel, job.request).metadata == METADATA
    jobs = QueuePoller(
        boto3.client("sqs"), stack.ref("SendJobQueue"), 1, partial(lambdas.invoke, "FanOutWorkerFunction")
    )
    assert jobs.poll_once() == 1
    # Then every message it made carries the metadata
    seen = views(api, demo.api_key)
    assert len(seen) == 2 * 3
    assert all(view["metadata"] == METADATA for view in seen)


def test_metadata_on_a_dry_run_is_accepted_and_stores_nothing(api: Client, demo, stack: Stack):
    body = {"message": "Hola", "contacts": ["3001234567"], "country": "CO", "metadata": METADATA}
    response = api.post("/api/messages/sms/contacts?dryRun=true", json=body, headers=auth(demo.api_key))
    assert (response.status_code, response.json["dryRun"]) == (200, True)
    assert (stored_messages(stack), queued(stack)) == ([], 0)


INVALID = {
    "21 keys": {f"k{n}": "v" for n in range(21)},
    "over 2 KB": {f"k{n}": "v" * 150 for n in range(15)},
    "a value not a string": {"count": 3},
    "an empty key": {"": "v"},
    "a key over 40 characters": {"k" * 41: "v"},
    "a value over 500 characters": {"k": "v" * 501},
    "null": None,
    "not an object": ["a"],
}


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("metadata", INVALID.values(), ids=INVALID.keys())
def test_metadata_invalid_is_400_naming_the_field_and_stores_nothing(api: Client, demo, stack, metadata, dry_run):
    # Given a send whose metadata breaks a bound
    body = {"message": "Hola", "contacts": ["3001234567"], "country": "CO", "metadata": metadata}
    # When it is posted
    path = "/api/messages/sms/contacts" + ("?dryRun=true" if dry_run else "")
    response = api.post(path, json=body, headers=auth(demo.api_key))
    # Then the API's validation error names the field, and nothing is stored or queued
    assert (response.status_code, response.json["error"]) == (400, "Invalid parameters")
    assert response.json["field"].split(".")[0] == "metadata"
    assert (stored_messages(stack), queued(stack)) == ([], 0)
