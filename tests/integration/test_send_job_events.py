"""tests/events/sqs_send_job.json (a `sam local invoke -e` input) through the fan-out worker."""

import json

import pytest

from devstack.lambdas import LocalLambdas
from devstack.provision import Stack
from sendme.contracts.sending import SendJobAccepted
from sendme.domain.audiences import AudienceSelector
from sendme.domain.sends import SmsRequest
from tests.conftest import load_event

from .helpers import queued, stored_messages


def test_event_send_job_runs_through_the_fanout_worker(lambdas: LocalLambdas, demo, stack: Stack, monkeypatch):
    # Given a send job recorded for the demo organisation's /all audience
    from sendme import wiring
    from sendme.wiring import sending as wiring_sending

    monkeypatch.setenv("AUDIENCE_SYNC_LIMIT", "1")
    wiring.reset()
    job = wiring_sending.sending_service().send(demo.org_id, True, SmsRequest(message="Hi"), AudienceSelector())
    assert isinstance(job, SendJobAccepted)
    # When the send-job queue event for it reaches the fan-out worker
    event = load_event("sqs_send_job.json")
    event["Records"][0]["body"] = json.dumps({"orgId": demo.org_id, "jobId": job.job.id})
    # Then the record succeeds and the three active contacts are stored and queued
    assert lambdas.invoke("FanOutWorkerFunction", event) == {"batchItemFailures": []}
    assert len(stored_messages(stack)) == 3
    assert queued(stack) == 3


@pytest.mark.parametrize("body", ["not json", '{"orgId": "o"}'])
def test_event_malformed_send_job_record_is_reported_failed(lambdas: LocalLambdas, stack: Stack, body):
    event = load_event("sqs_send_job.json")
    event["Records"][0]["body"] = body
    result = lambdas.invoke("FanOutWorkerFunction", event)
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
