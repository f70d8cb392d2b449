"""AWS calls per recipient of a send, against the floor and a naive baseline, on in-process moto.

Floor: ceil(N/25) BatchWriteItem + ceil(N/10) SendMessageBatch + ceil(N/100) BatchGetItem (which
recipients are contacts) + a constant (the organisation read for the sender id and the one
conditional credit reservation). Naive: one PutItem and
one SendMessage per recipient. Both run in this process, counted by botocore event hooks.
Also runs the same audience as an /all send job through the fan-out worker.

    .venv/bin/python bench/enqueue.py                   # N = 1,000 and 10,000
    .venv/bin/python bench/enqueue.py --fanout 10000    # also the fan-out job at 10,000
    .venv/bin/python bench/enqueue.py --short           # N = 1,000 only (make test's form)

`--figures PATH` also writes the call counts as JSON, which tests/integration/test_bench_gates.py
holds to their targets.
"""

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from moto import mock_aws  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.environment import LOCAL_AWS_ENVIRONMENT  # noqa: E402
from devstack.provision import provision  # noqa: E402
from devstack.template import Template  # noqa: E402

CONSTANT = 2  # GetItem (sender id) + TransactWriteItems (credit reservation and its ledger entry)
# Within 5% of the floor: a send's few counter updates; a job adds its record and a checkpoint
# per chunk of 500.
TARGETS = {"send": 1.05, "fanout": 1.1}


class CallCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.split(".")[-1]] += 1

    def total(self) -> int:
        return sum(self.calls.values())


def watch(counter: CallCounter, *clients: Any) -> None:
    for client in clients:
        client.meta.events.register("before-call.*.*", counter)


def numbers(count: int) -> list[str]:
    return [f"+57300{i:07d}" for i in range(count)]


def main(sizes: tuple[int, ...] = (1_000, 10_000), fanout_max: int = 1_000) -> dict[str, Any]:
    """Prints the table; returns the figures, {"<N>": {path: {"calls", "floor", "by_operation"}}}."""
    # A small sync limit so the /all send below becomes a job the fan-out worker runs.
    os.environ.update(LOCAL_AWS_ENVIRONMENT, AUDIENCE_SYNC_LIMIT="10")
    moto_fixes.install()  # as under the local stack
    with mock_aws():
        stack = provision(Template.load(), "bench")
        os.environ.update(stack.shared_environment())
        from sendme import aws, wiring
        from sendme.contracts.sending import SendJobAccepted
        from sendme.domain.audiences import AudienceSelector, NamedRecipients
        from sendme.domain.send_jobs import SendJobTask
        from sendme.domain.sends import SmsRequest
        from sendme.observability import logger
        from sendme.wiring import accounts as wiring_accounts
        from sendme.wiring import sending as wiring_sending

        wiring.reset()
        logger.setLevel("WARNING")  # the figures, not the send logs
        accounts = wiring_accounts.account_service()
        table = aws.dynamodb().Table(stack.ref("MessagesTable"))
        sqs, queue_url = aws.sqs(), stack.ref("DeliveryQueue")
        keep_queue_short(sqs, queue_url)
        figures: dict[str, Any] = {}
        print(f"{'N':>7} {'path':<22} {'calls':>7} {'per recipient':>14} {'floor':>6} {'x floor':>8} {'seconds':>8}")
        for size in sizes:
            # An /all job reads its audience by Query: no per-recipient contacts lookup to count.
            # Every send screens its recipients against the suppression list: one read per 100.
            job_floor = math.ceil(size / 25) + math.ceil(size / 10) + math.ceil(size / 100) + CONSTANT
            floor = job_floor + math.ceil(size / 100)
            measured = figures[str(size)] = {}
            request = SmsRequest(message="Your order has shipped")

            # The send path: named recipients, as /contacts (the service takes any audience size).
            org = accounts.create_organization("Bench", credits=size * 3, accept_terms=True)
            audience = NamedRecipients(numbers(size))
            counter, started = CallCounter(), time.monotonic()
            watch(counter, aws.dynamodb().meta.client, sqs)
            wiring_sending.sending_service().send(org.id, True, request, audience)
            measured["send"] = report(size, "send (batched)", counter, floor, started, TARGETS["send"])
            batched = counter.total()
            unwatch(counter, aws.dynamodb().meta.client, sqs)

            # The naive baseline: one PutItem and one SendMessage per recipient.
            counter, started = CallCounter(), time.monotonic()
            watch(counter, aws.dynamodb().meta.client, sqs)
            for position, number in enumerate(numbers(size)):
                table.put_item(Item={"orgId": "naive", "id": f"{position:08d}", "recipientDetails": number})
                sqs.send_message(QueueUrl=queue_url, MessageBody=f'{{"orgId": "naive", "messageId": "{position}"}}')
            measured["naive"] = report(size, "naive put+send", counter, floor, started, None)
            print(f"{size:>7} batched send: {counter.total() / batched:.1f}x fewer AWS calls than naive")
            unwatch(counter, aws.dynamodb().meta.client, sqs)

            # The fan-out worker over an /all audience of the same size (its contact reads,
            # the job record and checkpoints are counted too). Only up to `fanout_max`: moto's
            # per-item cost makes seeding and reading 10,000 contacts take minutes here (run
            # `bench/enqueue.py --fanout 10000` for it).
            if size > fanout_max:
                continue
            job_org = accounts.create_organization("Bench jobs", credits=size * 3, accept_terms=True)
            seed_contacts(job_org.id, size)
            job = wiring_sending.sending_service().send(job_org.id, True, request, AudienceSelector())
            assert isinstance(job, SendJobAccepted)
            counter, started = CallCounter(), time.monotonic()
            watch(counter, aws.dynamodb().meta.client, sqs)
            wiring_sending.fanout_service().run(SendJobTask(org_id=job_org.id, job_id=job.job.id))
            measured["fanout"] = report(size, "fan-out job", counter, job_floor, started, TARGETS["fanout"])
            unwatch(counter, aws.dynamodb().meta.client, sqs)
    return figures


def keep_queue_short(sqs: Any, queue_url: str) -> None:
    """Forget each sent message inside moto, uncounted: moto recomputes a queue's attributes
    over all its messages on every send, which would make long runs quadratic."""
    from moto.sqs.models import sqs_backends

    from devstack.provision import ACCOUNT_ID

    queue = sqs_backends[ACCOUNT_ID][sqs.meta.region_name].queues[queue_url.rsplit("/", 1)[-1]]

    def forget(**_: Any) -> None:
        queue._messages.clear()

    for operation in ("SendMessage", "SendMessageBatch"):
        sqs.meta.events.register(f"after-call.sqs.{operation}", forget)


def seed_contacts(org_id: str, count: int) -> None:
    from sendme import aws
    from sendme.config import get_settings
    from sendme.domain.contacts import Contact

    table = aws.dynamodb().Table(get_settings().accounts_table)
    with table.batch_writer() as batch:
        for position, number in enumerate(numbers(count)):
            contact = Contact(id=f"c{position:08d}", name=number, phone=number, created_at="2026-01-01T00:00:00Z")
            batch.put_item(Item={"pk": f"ORG#{org_id}", "sk": f"CONTACT#{contact.id}", **contact.to_wire()})


def unwatch(counter: CallCounter, *clients: Any) -> None:
    for client in clients:
        client.meta.events.unregister("before-call.*.*", counter)


def report(
    size: int, path: str, counter: CallCounter, floor: int, started: float, target: float | None
) -> dict[str, Any]:
    total = counter.total()
    verdict = "" if target is None else (f"  ok (<= {target}x)" if total <= target * floor else "  ABOVE TARGET")
    print(
        f"{size:>7} {path:<22} {total:>7} {total / size:>14.4f} {floor:>6} {total / floor:>8.3f} "
        f"{time.monotonic() - started:>8.1f}{verdict}   {dict(counter.calls)}"
    )
    return {"calls": total, "floor": floor, "by_operation": dict(counter.calls)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="recipients per send (default: 1,000 and 10,000)")
    parser.add_argument("--fanout", action="store_true", help="run the fan-out job at every size, not only 1,000")
    parser.add_argument("--short", action="store_true", help="1,000 recipients only")
    parser.add_argument("--figures", type=Path, help="also write the call counts to this JSON file")
    arguments = parser.parse_args()
    sizes = tuple(arguments.sizes) or ((1_000,) if arguments.short else (1_000, 10_000))
    figures = main(sizes, fanout_max=max(sizes) if arguments.fanout else 1_000)
    if arguments.figures:
        arguments.figures.write_text(json.dumps(figures, indent=2))
