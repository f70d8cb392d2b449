"""The benchmarks' deterministic figures are gates: call counts and items read, never seconds.

Every script in bench/ runs here in its short form (`--short`), as a user runs it, and writes
its figures (`--figures`); each test holds one script's figures to their targets
(docs/testing.md#benchmarks), so a script that rots or a cost that regresses fails CI. The
targets are written here, not read from the scripts, so loosening a script's own verdict does
not loosen the gate. Each test runs its script once: one test per script.
"""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import CHROMEDRIVER, CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
# The scripts the tests below run; every script in bench/ must be one of them.
GATED = ("cold_start", "console", "cost", "delivery", "enqueue", "import_contacts", "list")
# bench/ledger.py's gate is tests/integration/test_ledger_chaos.py: one test per fault scenario.
GATED_ELSEWHERE = ("ledger",)


def test_bench_every_script_runs_here_in_its_short_form():
    scripts = {path.stem for path in (ROOT / "bench").glob("*.py")}
    assert scripts == {*GATED, *GATED_ELSEWHERE}, "a script in bench/ without its short form and gate"


def run_bench(script: str, folder: Path) -> Any:
    assert script in GATED
    figures = folder / f"{script}.json"
    result = subprocess.run(
        [sys.executable, f"bench/{script}.py", "--short", "--figures", str(figures)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,  # a loaded 2-core machine; the scripts take well under a minute of CPU
        check=False,
    )
    assert result.returncode == 0, f"bench/{script}.py --short failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(figures.read_text())


def test_bench_enqueue_a_send_and_a_send_job_stay_near_the_floor(tmp_path: Path):
    # Given the floor of a 1,000-recipient send: 25 messages per BatchWriteItem, 10 per
    # SendMessageBatch, 100 named recipients per contacts lookup, 100 recipients per suppression
    # list read (SMS are screened since issue 17, as emails were), the sender id read and the
    # credit reservation
    floor = math.ceil(1000 / 25) + math.ceil(1000 / 10) + 2 * math.ceil(1000 / 100) + 2
    # When bench/enqueue.py counts the AWS calls of a send, a naive baseline and a send job
    figures = run_bench("enqueue", tmp_path)["1000"]
    send, naive, job = figures["send"], figures["naive"], figures["fanout"]
    # Then its counting sees every call (the naive baseline makes exactly two per recipient)
    assert naive["by_operation"] == {"PutItem": 1000, "SendMessage": 1000}
    # and a send is full batches plus a few counter updates: within 5% of the floor
    assert send["floor"] == floor
    # (and one for the send's content item, written once before its messages: decision 23)
    assert send["by_operation"]["BatchWriteItem"] == 40 + 1
    assert send["by_operation"]["SendMessageBatch"] == 100
    assert send["calls"] <= 1.05 * floor, send
    # and a send job, with its record and a checkpoint per chunk of 500, within 10%
    # (its messages created only if new: conditional transactions of 100, after the reservation's)
    assert job["by_operation"]["TransactWriteItems"] == 1 + 1000 // 100
    assert job["by_operation"]["SendMessageBatch"] == 100
    assert job["floor"] == floor - math.ceil(1000 / 100)  # an /all job looks up no named recipients
    assert job["calls"] <= 1.10 * job["floor"], job


def test_bench_delivery_loses_nothing_sends_nothing_twice_and_keeps_its_dynamodb_calls(tmp_path: Path):
    # When bench/delivery.py drains 100 SMS, every batch delivered twice, 10% provider faults
    figures = run_bench("delivery", tmp_path)
    calls, messages = figures["calls"], figures["messages"]
    dynamodb = sum(count for operation, count in calls.items() if operation.startswith("dynamodb."))
    # Then nothing is lost or sent twice, and every message reached the provider
    assert (figures["lost"], figures["sent_twice"]) == (0, 0)
    assert calls["sns.Publish"] >= messages
    # and DynamoDB answers the worker with a claim per message (no read before it, decision 38)
    # and its outcomes in batches: a ratchet at today's 2.61 calls per message at this size,
    # where every batch is delivered twice (each duplicate's claim is refused)
    assert 0 < dynamodb <= 2.65 * messages, calls


def test_bench_list_page_one_reads_only_what_it_returns(tmp_path: Path):
    # When bench/list.py lists page 1 (limit 20) of each query over 2,000 messages
    figures = run_bench("list", tmp_path)
    served_by_key = [query for query in figures["queries"] if query["served"] == "key"]
    # Then every query a key or index serves read at most 1.5 items per item returned
    assert len(served_by_key) == 9
    for query in served_by_key:
        assert query["returned"] > 0, query
        assert query["returned"] <= query["page_read"] <= 1.5 * query["returned"], query
        # and the Scan baseline, metered the same way, reads many more
        assert query["scan_read"] >= 10 * query["page_read"], query
    # and a total with a counter reads its counter items, never a COUNT over the partition
    for query in served_by_key:
        if query["counters_read"]:
            assert query["count_read"] == 0, query
    assert figures["worst_served_by_key"] <= 1.5


# What each function's import loads of the layer's services and outbound adapters
# (bench/cold_start.py --short): its own, never another function's. A change that adds one here
# adds import time to that function's every cold start: add it on purpose, or make it lazy.
SETTLES = {"sendme.services.settlement"}
SENDS = {
    *SETTLES,
    "sendme.outbound.idempotency",
    "sendme.outbound.queues",
    "sendme.services.audiences",
    "sendme.services.dispatch",
    "sendme.services.rendering",  # a send may name a template
    "sendme.services.send_jobs",
    "sendme.services.sending",
}
# Every API function checks the key itself (decision 25), and loads none of the organisations'
# administration (sendme.services.accounts) to do it.
GUARD = {"sendme.services.authentication", "sendme.services.limits"}
# The inbound function answers HELP through the worker.
INBOUND = {*SETTLES, "sendme.outbound.providers", "sendme.outbound.queues", "sendme.services.dispatch"}
# The webhook functions share one wiring module: the API's services load with it, each worker's
# own when first built (the API function never loads the publisher or the deliverer).
WEBHOOKS = {"sendme.outbound.webhooks", "sendme.services.webhook_deliveries", "sendme.services.webhooks"}
COLD_START_SERVICES = {
    # (the activity report loads with the first GET /api/activity: wiring.listing imports it lazily)
    "list_messages": {*GUARD, "sendme.services.listing"},
    "sendo_messages": {*GUARD, "sendme.services.listing", "sendme.services.sendo"},
    "contacts": GUARD,
    "send_sms": {*GUARD, *SENDS},
    "send_email": {*GUARD, *SENDS},
    # (our send loads with the first send: wiring.workspace imports it lazily, so a function that
    # has only listed never does)
    "workspace_messages": {*GUARD, "sendme.services.workspace"},
    "templates": GUARD,
    "campaigns": GUARD,
    "cancel_messages": {*GUARD, "sendme.services.cancelling"},
    "webhooks": {*GUARD, *WEBHOOKS},
    # (its service loads when first built: wiring.contacts imports it lazily)
    "suppressions": GUARD,
    # (the fan-out service itself loads when first built: wiring.sending imports it lazily)
    "fanout_worker": SENDS,
    "send_job_dead_letters": SENDS,
    # (their services load with the first event: wiring.delivery imports them lazily)
    "delivery_worker": set(),
    "dead_letters": set(),
    "receipts": {
        *SETTLES,
        "sendme.outbound.email_tenants",
        "sendme.outbound.providers",
        "sendme.services.receipts",
        "sendme.services.reputation",
    },
    "sweeper": {
        *SETTLES,
        "sendme.outbound.queues",
        "sendme.services.dispatch",
        "sendme.services.schedules",
        "sendme.services.sweeper",
    },
    "inbound_sms": {*INBOUND, "sendme.outbound.email_tenants", "sendme.services.inbound"},
    # (sendme.edge.streams parses a stream record into the service's StatusChange)
    "webhook_events": {*WEBHOOKS, "sendme.services.webhook_events"},
    "webhook_delivery": WEBHOOKS,
}


# How many of the layer's modules each function's import loads (bench/cold_start.py --short), as
# when the gate was set (decision 37): a ratchet. A module more is import time at every cold start
# of that function: raise its figure on purpose, or load the module where it is used. Lowered
# when the API's key check left the organisations' administration (services.authentication), the
# workspace's send and the suppressions' service loaded when first used, and a cancel stopped
# loading the send contracts; the fan-out's two functions gained that split's one module
# (contracts.send_jobs, a send job's view), and the send functions the module of their request
# bodies (contracts.send_requests), split from their answers so the workspace's send route, which
# answers as they do, loads neither our send requests nor the prices.
COLD_START_MODULES = {
    "campaigns": 49,
    "cancel_messages": 49,
    "contacts": 40,
    "dead_letters": 28,
    "delivery_worker": 28,
    "fanout_worker": 60,
    "inbound_sms": 43,
    "list_messages": 53,
    "sendo_messages": 56,
    "receipts": 43,
    "send_email": 72,
    "send_job_dead_letters": 60,
    "send_sms": 72,
    "suppressions": 41,
    "sweeper": 39,
    "templates": 49,
    "webhook_delivery": 31,
    "webhook_events": 40,
    "webhooks": 48,
    "workspace_messages": 60,
}


def test_bench_cold_start_each_function_imports_only_its_own_services(tmp_path: Path):
    # When bench/cold_start.py lists what each function's import loads (no timings)
    figures = run_bench("cold_start", tmp_path)
    assert set(figures) == set(COLD_START_SERVICES) == set(COLD_START_MODULES)
    for name, loaded in figures.items():
        # Then no library module beyond those the function needs (NEEDS in the script): a floor
        # missing a part of a library its function uses would flatter the ratio
        assert loaded["libraries_beyond_floor"] == [], name
        # and of the layer's services and adapters, only its own
        services = {m for m in loaded["layer"] if m.startswith(("sendme.services.", "sendme.outbound."))}
        assert services == COLD_START_SERVICES[name], name
        # and of the layer, no more modules than when the gate was set, never the table of every
        # route's models and examples (the edge reads the route index)
        assert len(loaded["layer"]) <= COLD_START_MODULES[name], (name, len(loaded["layer"]))
        assert "sendme.contracts.operations" not in loaded["layer"], name
        # and every one of them ships with the bytecode Lambda uses as is (the layer's Makefile)
        assert loaded["layer_without_bytecode"] == [], name


def test_bench_import_contacts_imports_every_row(tmp_path: Path):
    # When bench/import_contacts.py imports 200 rows through sendme-admin into the local stack
    figures = run_bench("import_contacts", tmp_path)
    # Then every row is created (its times are not a gate)
    assert figures == {"rows": 200, "created": 200, "updated": 0, "rejected": 0}


# bench/cost.py's billed units per message and per list page in its short form (100 of each),
# as measured when the gate was set: a ratchet, not a target. Lower them when a change lowers
# the cost; the floor design's figures (bench/cost.py FLOOR) are where they should end. Lowered
# when a message became a status item and a content item written once per send, with keys-only
# indexes (decision 23): from 36.27 and 447.27 write units per SMS and email, and 25.4 read
# units per list page; and when the authorizer went (decision 25): an API request is one
# invocation, not two. The console's chart costs a message one write unit more than the split
# alone: every status change also moves its creation day's per-status counter, which a lone
# receipt pays by itself (a worker batch moves the totals and the day once for all its messages).
# An SMS send screens its recipients against the suppression list, as email sends did (+0.5
# read units, decision 32), and an email's receipt counts it in its organisation's bounce and
# complaint tallies (+1 write unit, decision 20). Lowered when the worker's claim became one
# conditional write per message with no read before it (-1 read and -1 write unit per message),
# and every request's organisation and rate bucket were read eventually consistent (-1 read
# unit per page; its key stays a consistent read; decision 38): from 23.28 / 2.55, 23.47 / 2.09
# and 8.8.
COST_RATCHET = {
    "sms": {"write_units": 22.28, "read_units": 1.54, "sqs_requests": 0.31, "lambda_invocations": 1.11},
    "email": {"write_units": 22.47, "read_units": 1.09, "sqs_requests": 0.31, "lambda_invocations": 1.11},
    "list page": {"write_units": 1.0, "read_units": 7.8, "sqs_requests": 0.0, "lambda_invocations": 1.0},
}
# The floor design's units (bench/cost.py FLOOR: a send's content write per 100 included; the
# list page's rate-limit bucket, read and written once per request).
COST_FLOOR_WRITES = {"sms": 21.4, "email": 20.6, "list page": 1.0}
COST_FLOOR_READS = {"sms": 1.5, "email": 1.25, "list page": 7.7}


def test_bench_cost_billed_units_do_not_grow(tmp_path: Path):
    # When bench/cost.py bills 100 SMS, 100 emails and 100 list pages
    figures = run_bench("cost", tmp_path)["per"]
    for kind, ratchet in COST_RATCHET.items():
        # Then each is billed at least the floor design's writes (the metering sees them), and at
        # most 1.2x the floor's writes and reads (issue 19's target; its dollars also count
        # GB-seconds on moto)
        assert figures[kind]["write_units"] >= COST_FLOOR_WRITES[kind], (kind, figures[kind])
        assert figures[kind]["write_units"] <= 1.2 * COST_FLOOR_WRITES[kind], (kind, figures[kind])
        assert figures[kind]["read_units"] <= 1.2 * COST_FLOOR_READS[kind], (kind, figures[kind])
        # and no more units than when the ratchet was set (1% for an item crossing a size step)
        for unit, today in ratchet.items():
            assert figures[kind][unit] <= today * 1.01, (kind, unit, figures[kind])


def test_bench_console_stays_a_small_bundle_reached_in_seven_requests(tmp_path: Path):
    if shutil.which(CHROMIUM) is None or shutil.which(CHROMEDRIVER) is None:
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} missing: `make browser` installs them")
    # When bench/console.py weighs the console and loads its messages list in Chromium
    figures = run_bench("console", tmp_path)
    # Then the page stays within its budget (what a phone downloads, compressed as CloudFront serves it)
    assert figures["bytes"] <= 50_000, figures
    assert figures["gzip_bytes"] <= 15_000, figures
    # and the list is on screen after 7 requests: the page, 2 scripts, the stylesheet, config.json,
    # and the account and the messages, fetched side by side
    assert figures["requests"] == [7], figures
