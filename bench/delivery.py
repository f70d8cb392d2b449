"""bench/delivery: SMS through the local stack's send and worker path, every queue message
delivered twice and 10% of provider calls failing transiently (SNS Throttling).

As in `make run`, every AWS call goes over HTTP to moto's server, and the functions run in this
process; the bare provider calls go to the same server. The issue asks for 10,000 messages
(`BENCH_MESSAGES=10000`); the default, 1,000, takes a fraction of the time with the same fault
rate and duplication. `--short` (100 messages) is make test's form; `--figures PATH` also writes
the outcome and the AWS calls per operation as JSON, which tests/integration/test_bench_gates.py
holds to their targets.

Prints: lost (neither final nor in the dead-letter queue), sent twice, the time to drain the
queue, and, measured in the same run, the time of the same number of bare provider calls.
Targets: 0 lost, 0 sent twice. The drain's ratio to the bare calls is printed without one: on
moto it measures the emulator (its DynamoDB is slower than its SNS), so what a drain costs is
judged in billed units by bench/cost.py, and its AWS calls per message are held by the gates.
"""

import argparse
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "layers" / "common"))  # as Lambda's /opt/python
# Set before the handlers' Logger exists: one INFO line per duplicate claim would drown the figures.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

import boto3
from botocore.awsrequest import AWSResponse, HTTPHeaders
from moto.server import ThreadedMotoServer
from moto.sns.models import sns_backends
from werkzeug.test import Client

from devstack import moto_fixes
from devstack.environment import LOCAL_AWS_ENVIRONMENT
from devstack.gateway import LocalApiGateway
from devstack.lambdas import LocalLambdas
from devstack.poller import QueuePoller
from devstack.provision import ACCOUNT_ID, provision
from devstack.seed import seed_demo
from devstack.template import Template

MESSAGES, SHORT_MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000")), 100
FAULT_RATE = 0.10
PER_REQUEST = 1000  # the contract's cap on recipients per request
faults = random.Random(7)


def inject_throttling(**_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """A botocore before-call hook: 10% of SNS Publish calls answer 400 Throttling, as SNS does."""
    if faults.random() >= FAULT_RATE:
        return None
    error = {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}, "ResponseMetadata": {"HTTPStatusCode": 400}}
    return AWSResponse("https://sns.us-east-1.amazonaws.com/", 400, HTTPHeaders(), None), error


def bare_provider_calls(count: int) -> float:
    """The baseline: the same number of SNS Publish calls, nothing else, on a client of its own."""
    sns = boto3.client("sns")
    started = time.perf_counter()
    for n in range(count):
        sns.publish(PhoneNumber=f"+57310{n:07d}", Message="Hello from the bench")
    return time.perf_counter() - started


def main(messages: int) -> tuple[int, dict[str, Any]]:
    """Prints the figures; returns the exit status and the figures (lost, sent twice, calls)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call otherwise
    moto_fixes.install()  # as under the local stack, whose send and worker path this measures
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    os.environ.update(LOCAL_AWS_ENVIRONMENT, AWS_ENDPOINT_URL=f"http://{host}:{port}")
    try:
        template = Template.load()
        stack = provision(template, "bench", boto3.session.Session())
        os.environ.update(stack.shared_environment())
        from sendme import aws, wiring

        wiring.reset()
        demo = seed_demo(credits=messages)
        lambdas = LocalLambdas(template)
        api = Client(LocalApiGateway(template, lambdas.invoke))

        bare_before = bare_provider_calls(messages)

        ids: list[str] = []
        for start in range(0, messages, PER_REQUEST):
            contacts = [f"300{n:07d}" for n in range(start, min(start + PER_REQUEST, messages))]
            body = {"message": "Hello from the bench", "contacts": contacts, "country": "CO"}
            response = api.post("/api/messages/sms/contacts", json=body, headers={"api-key": demo.api_key})
            ids.extend(message["id"] for message in (response.json or {})["messages"])

        aws.sns().meta.events.register("before-call.sns.Publish", inject_throttling)  # type: ignore[arg-type]
        calls: Counter[str] = Counter()
        operations: Counter[str] = Counter()
        seconds: Counter[str] = Counter()

        def start_call(event_name: str, context: dict[str, Any], **_: Any) -> None:
            calls[event_name.split(".")[1]] += 1
            operations[".".join(event_name.split(".")[1:3])] += 1
            context["bench_started"] = time.perf_counter()

        def end_call(event_name: str, context: dict[str, Any], **_: Any) -> None:
            seconds[".".join(event_name.split(".")[1:3])] += time.perf_counter() - context["bench_started"]

        sqs = boto3.client("sqs")
        for client in (aws.dynamodb().meta.client, aws.sns(), aws.sqs(), sqs):
            # Before the injected faults' before-call hook, so their short cut is timed too.
            client.meta.events.register("before-parameter-build", start_call)
            client.meta.events.register_last("after-call", end_call)

        def deliver_twice(event: dict[str, Any]) -> Any:
            # SQS is at-least-once: every batch reaches the worker twice.
            lambdas.invoke("DeliveryWorkerFunction", event)
            return lambdas.invoke("DeliveryWorkerFunction", event)

        batch_size = next(int(e["BatchSize"]) for f, e in template.events("SQS") if f == "DeliveryWorkerFunction")
        worker = QueuePoller(sqs, stack.ref("DeliveryQueue"), batch_size, deliver_twice, retry_after_seconds=0)
        dead_letters = QueuePoller(
            sqs, stack.ref("DeliveryDeadLetterQueue"), 10, lambda e: lambdas.invoke("DeadLetterFunction", e)
        )
        started = time.perf_counter()
        while worker.poll_once():
            pass
        drain = time.perf_counter() - started
        drain_seconds = seconds.copy()  # the dead-letter polling below is not part of the drain
        # Measured on both sides of the drain, and the faster taken: the ratio is never flattered.
        bare_after = bare_provider_calls(messages)
        bare = min(bare_before, bare_after)
        dead_lettered = 0
        while handled := dead_letters.poll_once():
            dead_lettered += handled

        table = boto3.resource("dynamodb").Table(stack.ref("MessagesTable"))
        statuses: Counter[str] = Counter()
        scan: dict[str, Any] = {"ProjectionExpression": "id, #s", "ExpressionAttributeNames": {"#s": "status"}}
        while True:
            page = table.scan(**scan)
            statuses.update(str(item["status"]) for item in page["Items"] if "status" in item)  # not contents
            if "LastEvaluatedKey" not in page:
                break
            scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        lost = messages - statuses["SENT"] - statuses["FAILED"]
        published = Counter(phone for phone, _ in sns_backends[ACCOUNT_ID]["us-east-1"].sms_messages.values())
        sent_twice = sum(1 for phone, times in published.items() if phone.startswith("+57300") and times > 1)
    finally:
        moto.stop()

    print(f"bench/delivery: {messages} SMS, {FAULT_RATE:.0%} transient provider faults, every batch delivered twice")
    print(f"  accepted by the API : {len(ids)}")
    print(f"  final statuses      : {dict(statuses)}  (dead-lettered then failed: {dead_lettered})")
    print(f"  lost                : {lost}   (target 0)")
    print(f"  sent twice          : {sent_twice}   (target 0)")
    print(f"  drain time          : {drain:.1f} s")
    print(f"  bare provider calls : {bare:.1f} s  ({messages} SNS Publish, same moto, same run;")
    print(f"                        {bare_before:.1f} s before the drain, {bare_after:.1f} s after)")
    print(f"  drain / bare        : {drain / bare:.2f}x   (no target on moto: bench/cost.py prices the drain)")
    per_message = ", ".join(f"{service} {n / messages:.2f}" for service, n in sorted(calls.items()))
    print(f"  AWS calls / message : {per_message}  (draining and dead-lettering; bare: sns 1.00)")
    print("  where the drain went: (seconds in each AWS operation, then the rest)")
    for operation, spent in drain_seconds.most_common():
        print(f"    {operation:<32} {spent:7.1f} s")
    print(f"    {'(the functions themselves)':<32} {drain - sum(drain_seconds.values()):7.1f} s")
    figures = {"messages": messages, "lost": lost, "sent_twice": sent_twice, "calls": dict(operations)}
    return (0 if lost == 0 and sent_twice == 0 else 1), figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help=f"{SHORT_MESSAGES} messages")
    parser.add_argument("--figures", type=Path, help="also write the figures to this JSON file")
    arguments = parser.parse_args()
    status, measured = main(SHORT_MESSAGES if arguments.short else MESSAGES)
    if arguments.figures:
        arguments.figures.write_text(json.dumps(measured, indent=2))
    sys.exit(status)
