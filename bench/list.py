"""GET /api/messages's reading cost: items DynamoDB reads per item returned, against a Scan.

An organisation with 100,000 messages over 90 days (and 10,000 of another organisation as
noise) on moto. For each single-filter query and two combined ones, page 1 (limit 20) is
listed through the ListingService and every Query's ScannedCount is summed, split into the
page's read and the totalRecords count's read (counter items, and the message items read by key
after a keys-only index found them, are reported apart); the
baseline answers the same page with a Scan and a FilterExpression. Run: `make bench`;
`bench/list.py 10000` for a quick look, `--short` (2,000 messages) is make test's form, and
`--figures PATH` also writes the items read as JSON, which tests/integration/test_bench_gates.py
holds to their targets.

"served": key = the partition read holds exactly the matches (the <= 1.5 target applies),
filter = a FilterExpression on that partition decides (contentType, providerId, sentAt,
content), combined = several filters.
"""

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import patch

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "layers/common")]

import boto3  # noqa: E402
from boto3.dynamodb.conditions import Attr, ConditionBase  # noqa: E402
from boto3.dynamodb.types import TypeSerializer  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402
from moto.dynamodb.models.dynamo_type import LimitedSizeDict  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.environment import LOCAL_AWS_ENVIRONMENT  # noqa: E402
from devstack.provision import ACCOUNT_ID, provision  # noqa: E402
from devstack.template import Template  # noqa: E402
from sendme import aws, wiring  # noqa: E402
from sendme.contracts.messages import MessageQuery  # noqa: E402
from sendme.domain.clock import to_iso  # noqa: E402
from sendme.domain.ids import highest_id_at, lowest_id_at, new_id  # noqa: E402
from sendme.domain.messages import Channel, ContentType, Message, MessageStatus, MessageType, StatusEvent  # noqa: E402
from sendme.storage.counters import MessageCounters  # noqa: E402
from sendme.storage.messages import MessageRepository  # noqa: E402
from sendme.wiring import listing as wiring_listing  # noqa: E402

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

ORG, NOISE = "org-bench", "org-noise"
MESSAGES, SHORT_MESSAGES, DAYS, LIMIT = 100_000, 2_000, 90, 20
START = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES = (["DELIVERED"] * 70) + (["SENT"] * 15) + (["QUEUED"] * 5) + (["FAILED"] * 5) + (["UNDELIVERED"] * 3)
STATUSES += ["READ"] * 2
WORDS = [
    "hola",
    "cliente",
    "oferta",
    "pedido",
    "enviado",
    "gracias",
    "cita",
    "recordatorio",
    "pago",
    "factura",
    "nuevo",
    "hoy",
]
TARGET = 1.5


def generate(org_id: str, count: int, rng: random.Random) -> list[Message]:

    span_ms = DAYS * 86_400_000
    start_ms = int(START.timestamp() * 1000)
    built = []
    for _ in range(count):
        created_ms = start_ms + rng.randrange(span_ms)
        created = datetime.fromtimestamp(created_ms / 1000, UTC)
        at = to_iso(created)
        status = MessageStatus(rng.choice(STATUSES))
        kind = rng.choices([MessageType.SMS, MessageType.OTP, MessageType.EMAIL], [70, 15, 15])[0]
        email = kind is MessageType.EMAIL
        country = None if email else rng.choices(["57", "1", "52"], [80, 10, 10])[0]
        sent = (
            None
            if status is MessageStatus.QUEUED
            else (created + timedelta(seconds=3)).isoformat().replace("+00:00", "Z")
        )
        content = " ".join(rng.choices(WORDS, k=8)) + (" descuento" if rng.random() < 0.05 else "")
        # model_construct: the generator's values are valid by construction, and validating
        # 120,000 models would take longer than the rest of the benchmark.
        built.append(
            Message.model_construct(
                org_id=org_id,
                id=new_id(now_ms=created_ms),
                channel=Channel.EMAIL if email else Channel.SMS,
                message_type=kind,
                content=content,
                content_type=ContentType.HTML if email and rng.random() < 0.5 else ContentType.PLAIN_TEXT,
                status=status,
                recipient_details=f"user{rng.randrange(20_000)}@example.com"
                if email
                else f"+{country}300{rng.randrange(20_000):07d}",
                country_code=country,
                contact_id=f"contact-{rng.randrange(5_000)}" if rng.random() < 0.5 else None,
                campaign_id=f"campaign-{rng.randrange(50)}" if rng.random() < 0.6 else None,
                provider="SES" if email else "SNS",
                queue_id="bench",
                created_at=at,
                updated_at=at,
                sent_at=sent,
                history=[StatusEvent(status=status, at=at, source="bench")],
            )
        )
    return built


class DirectTable:
    """Just enough of a boto3 Table for MessageRepository.add_all, writing into moto's backend.

    The items are exactly the repository's (its own add_all builds them and calls
    `meta.client.batch_write_item` as on a real table); only the HTTP round trip per 25 items
    is skipped, which would take longer than the benchmark itself.
    """

    def __init__(self, stored: Any) -> None:
        self._stored = stored
        self._serializer = TypeSerializer()
        self.name = stored.name
        self.meta = SimpleNamespace(client=self)

    def batch_write_item(self, RequestItems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        for request in RequestItems[self.name]:
            item = request["PutRequest"]["Item"]
            self._stored.put_item({name: self._serializer.serialize(value) for name, value in item.items()})
        return {"UnprocessedItems": {}}


def freeze(stored: Any) -> None:
    """Cache moto's sorted item list and item sizes once the table is loaded (it is only read).

    moto sorts every item of the table on each Query and Scan and recomputes an item's size
    each time it looks at it; with 120,000 items that is seconds per request. What it reads,
    in which order, and what it reports (ScannedCount) do not change.
    """
    items = stored.all_items()
    stored.all_items = lambda: items
    for item in items:
        size = item.size()
        item.size = lambda size=size: size


@dataclass
class Reads:
    page: int = 0
    count: int = 0
    counters: int = 0
    # Items read by key from the messages table: the status items a keys-only index found, and
    # content items (the content filter's; a page's own are read once per process, then cached).
    joined: int = 0


class ReadMeter:
    """Sums what DynamoDB reports it read, per kind of request, from botocore's events."""

    def __init__(self, client: Any, messages_table: str) -> None:
        self.reads = Reads()
        self._messages_table = messages_table
        self._counting = False
        client.meta.events.register("provide-client-params.dynamodb.Query", self._before)
        client.meta.events.register("after-call.dynamodb.Query", self._after_query)
        client.meta.events.register("after-call.dynamodb.BatchGetItem", self._after_batch_get)

    def _before(self, params: dict[str, Any], **_: Any) -> None:
        # A count is a Select=COUNT, or, where a filter is applied in code (decision 23), a read
        # of keys only (page 1 skips nothing, so no keys-only read is the page's).
        self._counting = params.get("Select") == "COUNT" or params.get("ProjectionExpression") == "orgId, id"

    def _after_query(self, parsed: dict[str, Any], **_: Any) -> None:
        if self._counting:
            self.reads.count += parsed.get("ScannedCount", 0)
        else:
            self.reads.page += parsed.get("ScannedCount", 0)

    def _after_batch_get(self, parsed: dict[str, Any], **_: Any) -> None:
        for table, items in parsed.get("Responses", {}).items():
            if table == self._messages_table:
                self.reads.joined += len(items)
            else:
                self.reads.counters += len(items)

    def reset(self) -> Reads:
        reads, self.reads = self.reads, Reads()
        return reads


def _scan_page(table: Any, parameters: dict[str, str], limit: int) -> tuple[int, int]:
    """The baseline: Scan with a filter until `limit` matches; (items read, items returned).

    A content filter reads the content items first (their own partition): the matches are the
    messages that name one of those containing the text."""
    scanned, texts = 0, None
    arguments: dict[str, Any]
    if "content" in parameters:
        texts = set()
        text = Attr("content").contains(parameters["content"])
        arguments = {"FilterExpression": Attr("orgId").eq(f"{ORG}#content") & text}
        while True:
            response = table.scan(**arguments, ProjectionExpression="id")
            scanned += response["ScannedCount"]
            texts |= {item["id"] for item in response["Items"]}
            if "LastEvaluatedKey" not in response:
                break
            arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    # Projecting the id changes nothing DynamoDB reads (or bills); it spares moto serialising.
    found = 0
    arguments = {"FilterExpression": _baseline_condition(parameters), "ProjectionExpression": "id, contentId"}
    while found < limit:
        response = table.scan(**arguments)
        scanned += response["ScannedCount"]
        found += sum(1 for item in response["Items"] if texts is None or item["contentId"] in texts)
        if "LastEvaluatedKey" not in response:
            break
        arguments["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return scanned, min(found, limit)


def _baseline_condition(parameters: dict[str, str]) -> ConditionBase:
    """The same filters as a Scan's FilterExpression (values as stored), but the content's."""

    condition: ConditionBase = Attr("orgId").eq(ORG)
    for name, value in parameters.items():
        if name == "startDate":
            condition &= Attr("id").gte(lowest_id_at(datetime.fromisoformat(value).replace(tzinfo=UTC)))
        elif name == "endDate":
            end = datetime.fromisoformat(value).replace(tzinfo=UTC) + timedelta(days=1, milliseconds=-1)
            condition &= Attr("id").lte(highest_id_at(end))
        elif name == "providerId":
            condition &= Attr("provider").eq(value)
        elif name == "sentAt":
            condition &= Attr("sentAt").begins_with(value)
        elif name != "content":
            condition &= Attr(name).eq(value)
    return condition


# Which queries the target applies to: those a key or index answers exactly.
SERVED_BY_KEY, FILTERED, COMBINED = "key", "filter", "combined"


def _queries(sample: Any) -> list[tuple[str, dict[str, str], str]]:
    week = {"startDate": "2024-02-01", "endDate": "2024-02-07"}
    return [
        ("(no filter)", {}, SERVED_BY_KEY),
        ("status=DELIVERED", {"status": "DELIVERED"}, SERVED_BY_KEY),
        ("status=FAILED", {"status": "FAILED"}, SERVED_BY_KEY),
        ("campaignId", {"campaignId": sample.campaign_id}, SERVED_BY_KEY),
        ("contactId", {"contactId": sample.contact_id}, SERVED_BY_KEY),
        ("recipientDetails", {"recipientDetails": sample.recipient_details}, SERVED_BY_KEY),
        ("messageType=OTP", {"messageType": "OTP"}, SERVED_BY_KEY),
        ("countryCode=52", {"countryCode": "52"}, SERVED_BY_KEY),
        ("startDate..endDate (1 week)", week, SERVED_BY_KEY),
        ("contentType=HTML", {"contentType": "HTML"}, FILTERED),
        ("providerId=SES", {"providerId": "SES"}, FILTERED),
        ("sentAt (1 day)", {"sentAt": "2024-02-03"}, FILTERED),
        ("content + 1 week", {"content": "descuento", **week}, FILTERED),
        ("status=FAILED&campaignId", {"status": "FAILED", "campaignId": sample.campaign_id}, COMBINED),
        ("countryCode=1&messageType=OTP&1 week", {"countryCode": "1", "messageType": "OTP", **week}, COMBINED),
    ]


def main(messages: int) -> dict[str, Any]:
    """Prints the table; returns the figures: each query's items read, and the worst ratio."""
    noise_messages = messages // 10
    os.environ.update(LOCAL_AWS_ENVIRONMENT)
    moto_fixes.install()  # as under the local stack
    with mock_aws():
        stack = provision(Template.load(), "bench")
        os.environ.update(stack.shared_environment())
        wiring.reset()
        messages_table = boto3.resource("dynamodb").Table(stack.ref("MessagesTable"))
        stored = dynamodb_backends[ACCOUNT_ID][messages_table.meta.client.meta.region_name].get_table(
            messages_table.name
        )
        rng = random.Random(5)
        started = time.monotonic()
        ours = generate(ORG, messages, rng)
        counters = MessageCounters(boto3.resource("dynamodb").Table(stack.ref("AccountsTable")))
        repository = MessageRepository(cast("Table", DirectTable(stored)), counters)
        # moto re-sums an item's whole size at each attribute it sets (a 400 KB guard); these
        # items are about 1 KB, so loading skips the guard instead of spending minutes in it.
        with patch.object(LimitedSizeDict, "__setitem__", dict.__setitem__):
            for org_id, batch in ((ORG, ours), (NOISE, generate(NOISE, noise_messages, rng))):
                repository.add_all(batch)
                print(f"wrote {len(batch):,} messages of {org_id}", file=sys.stderr)
        freeze(stored)
        print(f"setup: {time.monotonic() - started:.0f} s", file=sys.stderr)

        service = wiring_listing.listing_service()
        meter = ReadMeter(aws.dynamodb().meta.client, messages_table.name)
        sample = next(m for m in ours if m.campaign_id and m.contact_id and m.country_code == "57")
        header = f"{'query (page 1, limit 20)':38} {'served':>8} {'returned':>8} {'page read':>9} {'ratio':>6} "
        header += f"{'count read':>10} {'counters':>8} {'joined':>6} {'scan read':>9} {'scan ratio':>10} {'total':>7}"
        print(header)
        worst, figures = 0.0, []
        for label, parameters, kind in _queries(sample):
            page = service.list_messages(ORG, MessageQuery.from_parameters({**parameters, "limit": str(LIMIT)}))
            reads = meter.reset()
            returned = len(page.data)
            ratio = reads.page / max(returned, 1)
            scanned, scan_returned = _scan_page(messages_table, parameters, LIMIT)
            assert scan_returned == returned, f"{label}: the baseline found {scan_returned}, the service {returned}"
            scan_ratio = scanned / max(scan_returned, 1)
            if kind == SERVED_BY_KEY:
                worst = max(worst, ratio)
            print(
                f"{label:38} {kind:>8} {returned:>8} {reads.page:>9} {ratio:>6.2f} {reads.count:>10} "
                f"{reads.counters:>8} {reads.joined:>6} {scanned:>9} {scan_ratio:>10.1f} {page.meta.total_records:>7}"
            )
            figures.append(
                {"query": label, "served": kind, "returned": returned, "page_read": reads.page}
                | {"count_read": reads.count, "counters_read": reads.counters, "joined_read": reads.joined}
                | {"scan_read": scanned}
            )
        print(f"\nworst page-1 ratio of a query served by a key or index: {worst:.2f} (target <= {TARGET})")
        print(f"a Scan-based totalRecords reads the whole table every time: {messages + noise_messages:,} items")
        print(f"elapsed: {time.monotonic() - started:.0f} s")
    return {"messages": messages, "worst_served_by_key": worst, "queries": figures}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", nargs="?", type=int, help=f"the organisation's messages (default {MESSAGES:,})")
    parser.add_argument("--short", action="store_true", help=f"{SHORT_MESSAGES:,} messages")
    parser.add_argument("--figures", type=Path, help="also write the items read to this JSON file")
    arguments = parser.parse_args()
    measured = main(arguments.messages or (SHORT_MESSAGES if arguments.short else MESSAGES))
    if arguments.figures:
        arguments.figures.write_text(json.dumps(measured, indent=2))
