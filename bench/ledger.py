"""bench/ledger: every credit accounted for, every message settled and none sent twice, under faults.

Each scenario builds a fresh stack on in-process moto (tables and queues from template.yaml),
gives one organisation credits, sends through the API front, then drives the queues into the
functions as Lambda's event source mappings would, with one fault injected at an exact point
by a botocore event hook on the product's own clients:

    sqs-raises-after-write      the API's SendMessageBatch lands on the queue, then raises
    api-killed-before-enqueue   the API function dies between the write and the enqueue
    worker-killed-after-send    the worker dies after SNS accepted a message, before the outcome write
    settlement-throttled        DynamoDB throttles every other credit write while messages fail
    job-killed-mid-chunk        a send job dies inside a chunk, and its audience changes before the retry
    every-message-twice         every queue message is on its queue twice, and every batch is raced by a
                                second execution environment just before its first message write

"Dies" is a BaseException raised at that point (no `except Exception` cleanup runs), after which
every AWS call of the same invocation raises it too, so no `finally` can write: a Lambda timeout.
The event source mapping then sees a failed invocation and offers the batch again.

After the fault, the queues are drained, then the sweeper runs with the product's clock moved a
day on per round (past every lease) and the queues are drained again, until no message waits
(at most ten rounds). The invariant is then read from what is stored and what the provider
received, never from a ledger the product keeps:

    unaccounted  initial balance - final balance - the cost of every message not FAILED or CANCELED
    stranded     messages not in a settled status (sendme.domain.status.SETTLED)
    sent twice   messages whose recipient SNS accepted more than one SMS for

Prints one line per scenario and then
    ledger: <scenarios> scenarios, <messages> messages, <n> credits unaccounted, <n> stranded, <n> sent twice
and exits 1 unless all three are 0 (or when a scenario's fault never fired: it proved nothing).

    .venv/bin/python bench/ledger.py                            # every scenario, 50 messages each
    .venv/bin/python bench/ledger.py --short --scenario NAME    # one scenario, 20 messages (the tests)
"""

import argparse
import json
import os
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]  # the layer as Lambda's /opt/python
# Set before the handlers' Logger exists: the faults make every function log its errors.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "CRITICAL")
# Metrics are off locally, and Powertools says so after every invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse, HTTPHeaders  # noqa: E402
from botocore.exceptions import ReadTimeoutError  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.sns.models import sns_backends  # noqa: E402
from werkzeug.test import Client  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.environment import LOCAL_AWS_ENVIRONMENT  # noqa: E402
from devstack.gateway import LocalApiGateway  # noqa: E402
from devstack.lambdas import LambdaContext, LocalLambdas, load_handler  # noqa: E402
from devstack.poller import QueuePoller  # noqa: E402
from devstack.provision import ACCOUNT_ID, Stack, provision  # noqa: E402
from devstack.template import Template  # noqa: E402

CREDITS = 1_000
SMS_TEXT = "Your order has shipped"
COUNTRY = "CO"
# A send job's audience: above this, /all becomes a job the fan-out worker runs.
AUDIENCE_SYNC_LIMIT = 5
SWEEP_ROUNDS = 10  # a sweep that fails part-way settles the rest next time, as every minute on AWS
MAX_BATCHES = 500  # per drain: a bound, far above what a scenario needs
SCHEDULE_EVENT = json.loads((ROOT / "tests" / "events" / "sweeper_schedule.json").read_text())
NOT_CHARGED = frozenset({"FAILED", "CANCELED"})


class Killed(BaseException):
    """The function stops here, as a Lambda timeout stops it: no `except Exception` runs."""


class Crashed(Exception):
    """What the caller of a killed invocation sees: API Gateway's 502, SQS's failed batch."""


def error_response(service: str, code: str, status: int = 400) -> tuple[AWSResponse, dict[str, Any]]:
    """A before-call hook's answer in place of the call: the service refused with `code`."""
    parsed = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return AWSResponse(f"https://{service}.us-east-1.amazonaws.com/", status, HTTPHeaders(), None), parsed


class Faults:
    """Botocore event hooks on the product's clients (sendme.aws), and the 'process is dead' switch."""

    def __init__(self) -> None:
        from sendme import aws

        self.clients: dict[str, list[Any]] = {
            "dynamodb": [aws.dynamodb().meta.client, aws.dynamodb_client()],
            "sqs": [aws.sqs()],
            "sns": [aws.sns()],
            "sesv2": [aws.sesv2()],
        }
        self.injected = 0
        self._dead = False
        self._hooks: list[tuple[Any, str, Callable[..., Any]]] = []
        for clients in self.clients.values():
            for client in clients:
                self.on(client, "before-call", self._refuse_when_dead)

    def on(self, client: Any, event: str, hook: Callable[..., Any]) -> None:
        client.meta.events.register(event, hook)
        self._hooks.append((client, event, hook))

    def on_service(self, service: str, event: str, hook: Callable[..., Any]) -> None:
        for client in self.clients[service]:
            self.on(client, event, hook)

    def kill(self, where: str) -> None:
        self.injected += 1
        self._dead = True
        raise Killed(where)

    def revive(self) -> None:
        self._dead = False

    def remove(self) -> None:
        for client, event, hook in self._hooks:
            client.meta.events.unregister(event, hook)
        self._hooks.clear()

    def _refuse_when_dead(self, event_name: str, **_: Any) -> None:
        if self._dead:
            raise Killed(f"{event_name} after the function died")


@contextmanager
def clock_advanced(by: timedelta) -> Iterator[None]:
    """The product's clock (sendme.domain.clock) `by` ahead, wherever a module imported it."""
    from sendme.domain import clock

    real_utc_now = clock.utc_now
    real: dict[str, object] = {"utc_now": real_utc_now, "now_iso": clock.now_iso}

    def utc_now() -> datetime:
        return real_utc_now() + by

    def now_iso() -> str:
        return clock.to_iso(utc_now())

    fakes: dict[str, object] = {"utc_now": utc_now, "now_iso": now_iso}
    patched = [
        (module, name)
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("sendme")
        for name in fakes
        if getattr(module, name, None) is real[name]
    ]
    for module, name in patched:
        setattr(module, name, fakes[name])
    try:
        yield
    finally:
        for module, name in patched:
            setattr(module, name, real[name])


@dataclass(frozen=True)
class Outcome:
    scenario: str
    statuses: Counter[str]
    failures: Counter[str]  # FAILED messages by errorCode
    balance_before: int
    balance_after: int
    charged: int
    stranded: int
    sent_twice: int
    published: int
    faults: int

    @property
    def messages(self) -> int:
        return sum(self.statuses.values())

    @property
    def unaccounted(self) -> int:
        return self.balance_before - self.balance_after - self.charged

    def line(self) -> str:
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(self.statuses.items()))
        if self.failures:
            statuses += " [" + ", ".join(f"{code} {n}" for code, n in sorted(self.failures.items())) + "]"
        return (
            f"  {self.scenario:<26} {self.faults:>3} faults  {self.messages:>3} messages ({statuses}),"
            f" {self.published} published;"
            f" balance {self.balance_before} -> {self.balance_after}, charged {self.charged}:"
            f" unaccounted {self.unaccounted}, stranded {self.stranded}, sent twice {self.sent_twice}"
        )


class Harness:
    """One organisation on a fresh stack: the API in front, the queues drained into the functions."""

    def __init__(self, stack: Stack, messages: int, prefix: str) -> None:
        from sendme.wiring.accounts import account_service

        self.stack = stack
        self.size = messages
        self.prefix = prefix  # the scenario's own phone numbers
        self.lambdas = LocalLambdas(stack.template)
        self.api = Client(LocalApiGateway(stack.template, self.invoke))
        organization = account_service().create_organization("Ledger", credits=CREDITS, accept_terms=True)
        self.org_id = organization.id
        self.headers = {"api-key": account_service().issue_api_key(organization.id)}
        account_service().set_request_limit(organization.id, 6000, 6000)
        self.faults = Faults()
        self.after_kill: Callable[[], None] = lambda: None
        # The queue-fed invocation running now: (function, batch), for a scenario that races it.
        self.running: tuple[str, dict[str, Any]] | None = None
        sqs = boto3.client("sqs")  # the event source mappings' own client: never faulted
        # A list: the delivery worker has two event sources (the delivery and the priority queue).
        self.pollers = [
            (
                function,
                QueuePoller(
                    sqs,
                    stack.ref(event["Queue"]["Fn::GetAtt"][0]),
                    int(event.get("BatchSize", 10)),
                    partial(self.deliver, function),
                    retry_after_seconds=0,  # a failed batch is offered again at once, not in minutes
                ),
            )
            for function, event in stack.template.events("SQS")
        ]

    def phones(self, count: int, start: int = 0) -> list[str]:
        return [f"{self.prefix}{n:07d}" for n in range(start, start + count)]

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        try:
            return self.lambdas.invoke(function, event)
        except Killed as killed:
            self.faults.revive()
            self.after_kill()
            raise Crashed(f"{function} killed: {killed}") from None

    def deliver(self, function: str, batch: dict[str, Any]) -> Any:
        outer, self.running = self.running, (function, batch)
        try:
            return self.invoke(function, batch)
        finally:
            self.running = outer

    def send_sms(self, phones: list[str]) -> int:
        body = {"message": SMS_TEXT, "contacts": phones, "country": COUNTRY}
        return self.api.post("/api/messages/sms/contacts", json=body, headers=self.headers).status_code

    def drain(self, *functions: str) -> None:
        """Run the queues (only those feeding `functions`, if named) until all are empty."""
        pollers = [poller for function, poller in self.pollers if not functions or function in functions]
        for _ in range(MAX_BATCHES):
            if not sum(poller.poll_once() for poller in pollers):
                return

    def settle(self) -> None:
        """Drain, then sweep a day later and drain again, until nothing waits (at most SWEEP_ROUNDS)."""
        self.drain()
        for round_number in range(1, SWEEP_ROUNDS + 1):
            with clock_advanced(timedelta(days=round_number)):
                with suppress(Exception):  # a sweep that fails is run again by the next schedule
                    self.invoke("SweeperFunction", SCHEDULE_EVENT)
                self.drain()
            if not any(item["status"] not in settled_statuses() for item in self.stored()):
                return

    def stored(self) -> list[dict[str, Any]]:
        table = boto3.resource("dynamodb").Table(self.stack.ref("MessagesTable"))
        scan: dict[str, Any] = {}
        items: list[dict[str, Any]] = []
        while True:
            page = table.scan(**scan)
            items += [item for item in page["Items"] if item["orgId"] == self.org_id]
            if "LastEvaluatedKey" not in page:
                return items
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def audit(self, scenario: str) -> Outcome:
        from sendme.wiring.accounts import accounts

        faults = self.faults.injected
        self.faults.remove()
        items = self.stored()
        organization = accounts().get_organization(self.org_id)
        published = Counter(phone for phone, _ in sns_backends[ACCOUNT_ID]["us-east-1"].sms_messages.values())
        return Outcome(
            scenario=scenario,
            statuses=Counter(str(item["status"]) for item in items),
            failures=Counter(str(item.get("errorCode")) for item in items if item["status"] == "FAILED"),
            balance_before=CREDITS,
            balance_after=organization.credits if organization else 0,
            charged=sum(int(item.get("cost", 0)) for item in items if item["status"] not in NOT_CHARGED),
            stranded=sum(1 for item in items if item["status"] not in settled_statuses()),
            sent_twice=sum(1 for item in items if published[str(item["recipientDetails"])] > 1),
            published=sum(1 for item in items if published[str(item["recipientDetails"])]),
            faults=faults,
        )


def settled_statuses() -> frozenset[str]:
    from sendme.domain.status import SETTLED

    return frozenset(status.value for status in SETTLED)


def nth_call(n: int) -> Callable[[], bool]:
    """True on the n-th call only: a fault that fires once, at a chosen call."""
    calls = Counter[str]()

    def due() -> bool:
        calls["n"] += 1
        return calls["n"] == n

    return due


# The scenarios: each injects its fault, sends, and lets the harness settle.


def sqs_raises_after_write(h: Harness) -> None:
    """The send's first SendMessageBatch reaches the queue, and the API sees a timeout."""
    due = nth_call(1)

    def lost_response(**_: Any) -> None:
        if due():
            h.faults.injected += 1
            raise ReadTimeoutError(endpoint_url="https://sqs.us-east-1.amazonaws.com/")

    h.faults.on_service("sqs", "after-call.sqs.SendMessageBatch", lost_response)
    h.send_sms(h.phones(h.size))
    h.settle()


def api_killed_before_enqueue(h: Harness) -> None:
    """The API function dies after the messages are stored, before the first SendMessageBatch."""
    due = nth_call(1)

    def die(**_: Any) -> None:
        if due():
            h.faults.kill("before the send's first SendMessageBatch")

    h.faults.on_service("sqs", "before-call.sqs.SendMessageBatch", die)
    h.send_sms(h.phones(h.size))
    h.settle()


def worker_killed_after_send(h: Harness) -> None:
    """Every 7th SMS SNS accepts, the worker dies before it writes the outcome."""
    published = Counter[str]()

    def die(**_: Any) -> None:
        published["n"] += 1
        if published["n"] % 7 == 0:
            h.faults.kill("after SNS accepted the SMS")

    h.faults.on_service("sns", "after-call.sns.Publish", die)
    h.send_sms(h.phones(h.size))
    h.settle()


def settlement_throttled(h: Harness) -> None:
    """A third of the numbers are invalid (a permanent error: FAILED, refunded), a fifth always
    throttled (handed back until the dead-letter queue fails them), and every other DynamoDB
    write that moves credits after the send is throttled beyond the SDK's retries."""
    phones = h.phones(h.size)
    invalid, throttled = set(phones[::3]), set(phones[1::5])
    accounts_table = h.stack.ref("AccountsTable")
    credit_writes = Counter[str]()

    def provider(params: dict[str, Any], **_: Any) -> Any:
        body = str(params.get("body", ""))
        number = next((phone for phone in invalid | throttled if phone in body), None)
        if number in invalid:
            return error_response("sns", "InvalidParameter")
        if number in throttled:
            return error_response("sns", "Throttling")
        return None

    def throttle_credit_writes(params: dict[str, Any], **_: Any) -> Any:
        body = str(params.get("body", ""))
        if accounts_table in body and "credits" in body:
            credit_writes["n"] += 1
            if credit_writes["n"] % 2:
                h.faults.injected += 1
                return error_response("dynamodb", "ProvisionedThroughputExceededException")
        return None

    h.faults.on_service("sns", "before-call.sns.Publish", provider)
    h.send_sms(phones)
    for operation in ("UpdateItem", "TransactWriteItems", "PutItem"):
        h.faults.on_service("dynamodb", f"before-call.dynamodb.{operation}", throttle_credit_writes)
    h.settle()


def job_killed_mid_chunk(h: Harness) -> None:
    """An /all send job dies after its first SendMessageBatch; before SQS offers the job again,
    a quarter of its contacts are deleted (half of them already enqueued) and as many added."""
    import_contacts(h, h.phones(h.size))
    contacts = list_contacts(h)
    due = nth_call(1)
    changes = h.size // 8

    def die(**_: Any) -> None:
        if due():
            h.faults.kill("after the job's first SendMessageBatch")

    def change_audience() -> None:
        for contact in contacts[:changes] + contacts[-changes:]:
            h.api.delete(f"/api/contacts/{contact}", headers=h.headers)
        import_contacts(h, h.phones(2 * changes, start=h.size))

    h.after_kill = change_audience
    h.faults.on_service("sqs", "after-call.sqs.SendMessageBatch", die)
    h.api.post("/api/messages/sms/all", json={"message": SMS_TEXT}, headers=h.headers)
    h.settle()


def every_message_twice(h: Harness) -> None:
    """Half the messages sent to numbers, half by an /all send job. Every queue message (send job
    and delivery task) is on its queue twice, and every batch reaches a second execution
    environment while the first is about to make its first write to the messages table (the
    worker's claim, the job's chunk): the second runs in full, and after a send job's, so do the
    deliveries it enqueued. Then the first goes on."""
    sqs = boto3.client("sqs")
    phones = h.phones(h.size)
    import_contacts(h, phones[h.size // 2 :])
    messages_table = h.stack.ref("MessagesTable")
    writes = {"BatchWriteItem", "PutItem", "UpdateItem", "TransactWriteItems"}
    second = {function: second_environment(h.stack.template, function) for function in RACED}

    def race(event_name: str, params: dict[str, Any], **_: Any) -> None:
        if h.running is None or h.running[0] not in RACED or event_name.rsplit(".", 1)[-1] not in writes:
            return
        if messages_table not in str(params.get("body", "")):
            return
        (function, batch), h.running = h.running, None  # once per invocation, and not in the second
        h.faults.injected += 1
        with suppress(Exception):  # the first environment's result is the one SQS acts on
            second[function](batch)
        if function == "FanOutWorkerFunction":
            h.drain("DeliveryWorkerFunction")

    def duplicate(params: dict[str, Any], **_: Any) -> None:
        h.faults.injected += 1
        sqs.send_message_batch(**params)

    def duplicate_job(params: dict[str, Any], **_: Any) -> None:
        h.faults.injected += 1
        sqs.send_message(**params)

    h.faults.on_service("dynamodb", "before-call", race)
    h.faults.on_service("sqs", "before-parameter-build.sqs.SendMessageBatch", duplicate)
    h.faults.on_service("sqs", "before-parameter-build.sqs.SendMessage", duplicate_job)
    h.send_sms(phones[: h.size // 2])
    h.api.post("/api/messages/sms/all", json={"message": SMS_TEXT}, headers=h.headers)
    h.settle()


# The functions whose batches a second execution environment races in every-message-twice.
RACED = ("DeliveryWorkerFunction", "FanOutWorkerFunction")


def second_environment(template: Template, function: str) -> Callable[[dict[str, Any]], Any]:
    """The function's handler in an execution environment of its own (its module loaded again)."""
    name = f"sendme_function_{template.function_code(function).name}"
    first = load_handler(template, function)
    registered = sys.modules.pop(name)
    try:
        handler = load_handler(template, function)
    finally:
        sys.modules[name] = registered
    assert handler is not first

    def invoke(event: dict[str, Any]) -> Any:
        return handler(event, LambdaContext(function, template.function_timeout(function)))

    return invoke


def import_contacts(h: Harness, phones: list[str]) -> None:
    csv = "name,phone\n" + "".join(f"Contact {phone},{phone}\n" for phone in phones)
    response = h.api.post(
        f"/api/contacts/import?country={COUNTRY}",
        data=csv,
        headers={**h.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def list_contacts(h: Harness) -> list[str]:
    ids: list[str] = []
    query = "limit=100"
    while True:
        page = h.api.get(f"/api/contacts?{query}", headers=h.headers).json or {}
        ids += [contact["id"] for contact in page["data"]]
        if not page["meta"]["hasNextPage"]:
            return ids
        query = f"limit=100&cursor={page['meta']['nextCursor']}"


SCENARIOS: dict[str, Callable[[Harness], None]] = {
    "sqs-raises-after-write": sqs_raises_after_write,
    "api-killed-before-enqueue": api_killed_before_enqueue,
    "worker-killed-after-send": worker_killed_after_send,
    "settlement-throttled": settlement_throttled,
    "job-killed-mid-chunk": job_killed_mid_chunk,
    "every-message-twice": every_message_twice,
}


def run(name: str, messages: int, prefix: str) -> Outcome:
    with mock_aws():
        stack = provision(Template.load(), "ledger")
        os.environ.update(stack.shared_environment())
        from sendme import wiring

        wiring.reset()
        harness = Harness(stack, messages, prefix)
        SCENARIOS[name](harness)
        outcome = harness.audit(name)
        wiring.reset()
    return outcome


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="run only these (repeatable)")
    parser.add_argument("--messages", type=int, default=50, help="messages per scenario (default 50)")
    parser.add_argument("--short", action="store_true", help="20 messages per scenario, as make test runs it")
    arguments = parser.parse_args(argv)
    messages = 20 if arguments.short else arguments.messages
    os.environ.update(LOCAL_AWS_ENVIRONMENT, AUDIENCE_SYNC_LIMIT=str(AUDIENCE_SYNC_LIMIT))
    os.environ.pop("AWS_ENDPOINT_URL", None)
    moto_fixes.install()  # as under the local stack and the tests
    outcomes = []
    for number, name in enumerate(arguments.scenario or SCENARIOS):
        outcome = run(name, messages, prefix=f"+573{number:02d}")
        print(outcome.line(), flush=True)
        outcomes.append(outcome)
    unaccounted = sum(abs(outcome.unaccounted) for outcome in outcomes)
    stranded = sum(outcome.stranded for outcome in outcomes)
    sent_twice = sum(outcome.sent_twice for outcome in outcomes)
    total = sum(outcome.messages for outcome in outcomes)
    print(
        f"ledger: {len(outcomes)} scenarios, {total} messages, {unaccounted} credits unaccounted,"
        f" {stranded} stranded, {sent_twice} sent twice"
    )
    idle = [outcome.scenario for outcome in outcomes if not outcome.faults]
    if idle:
        print(f"ledger: no fault fired in {', '.join(idle)}: those scenarios proved nothing")
    return 1 if unaccounted or stranded or sent_twice or idle else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
