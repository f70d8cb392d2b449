"""bench/cost: what a representative day costs on AWS, in billed units and dollars, per message
and per list page, next to the floor design.

The day: 1,000 SMS (160 characters) and 1,000 HTML emails (20 KB), each sent through the API,
delivered by the worker and receipted by the receipts function, then 1,000 list pages (page 1,
limit 20, five kinds of query in turn). It runs on the local stack's parts in this process
(the template's functions behind its API front, the worker fed from the delivery queue) on
in-process moto. Every AWS call the functions make is recorded, with the sizes of the items it
touches (read from moto's tables before and after the call, uncounted), and billed by
DynamoDB's, SQS's and Lambda's rules:

- DynamoDB (on-demand): a write is ceil(item size / 1 KB) write units, the larger of the item
  before and after it, in the table and again in each global secondary index whose projection
  changed (a changed index key is a delete and a put there); a transaction bills its items
  twice (its prepare and commit), the index writes it causes once (they follow it). A read is
  ceil(size / 4 KB) read units, half for an eventually consistent one; a Query is billed on the
  size of every item it evaluated (before its filter; index items as projected), at least one
  unit. Item size: attribute names plus values, as DynamoDB documents it.
- SQS: a request per 64 KB chunk of its payload (at least one).
- Lambda: an invocation per handler call; GB-seconds from the template's memory size and the
  duration measured here, rounded up to the millisecond (moto is slower than AWS, so these are
  an upper bound). An API request is one invocation: its function checks the key itself (no
  authorizer, docs/decisions/25-one-lambda-per-request.md).

Left out, as equal in both designs: API Gateway's requests, SNS's SMS and SES's email prices,
and the delivery queue's empty polls.

The floor design is the least a message and a page can cost while keeping the contract and
the money rules (sent at most once, every message reaches a terminal status): see FLOOR below.
Two of its lines were added after it was first itemised, each a cost the contract had gained
that no design can skip (issue 19, decision 38):

- an SMS's suppression lookup (0.5 read units): since decision 32 an SMS send screens its
  recipients against the organisation's suppression list (STOP), as an email send always did
  and as the email's floor already counted;
- a list page's rate-limit bucket (0.5 read and 1 write unit): every API request is metered
  against its organisation's request budget (docs/api.md, 429), state that every Lambda shares,
  so an admitted request writes the bucket once, conditionally on the read it decided from.
  (The organisation's profile read per request is left out: a floor design could carry
  suspension and the budget on the key's item.)

    .venv/bin/python bench/cost.py            # the day: 1,000 + 1,000 messages, 1,000 pages
    .venv/bin/python bench/cost.py --short    # 100 + 100 + 100 (make test's form)
    .venv/bin/python bench/cost.py --short --breakdown    # and where each one's units go

`--figures PATH` also writes the measured units as JSON, which tests/integration/test_bench_gates.py
holds to a ratchet at today's values.
"""

import argparse
import base64
import json
import math
import os
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]
# Set before the handlers' Logger exists: the figures, not one log line per message.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402
from moto.ses.models import ses_backends  # noqa: E402
from moto.sns.models import sns_backends  # noqa: E402
from werkzeug.test import Client  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.environment import LOCAL_AWS_ENVIRONMENT  # noqa: E402
from devstack.gateway import LocalApiGateway  # noqa: E402
from devstack.lambdas import LocalLambdas  # noqa: E402
from devstack.poller import QueuePoller  # noqa: E402
from devstack.provision import ACCOUNT_ID, provision  # noqa: E402
from devstack.receipts import ses_event, sms_delivery_logs  # noqa: E402
from devstack.seed import seed_demo  # noqa: E402
from devstack.template import Template  # noqa: E402

REGION = "us-east-1"
# Public on-demand list prices, us-east-1, in US dollars (AWS price pages, 2025).
PRICES = {
    "write_units": Decimal("0.625") / 1_000_000,  # DynamoDB, per write request unit
    "read_units": Decimal("0.125") / 1_000_000,  # DynamoDB, per read request unit
    "sqs_requests": Decimal("0.40") / 1_000_000,  # SQS standard queue, per request
    "lambda_invocations": Decimal("0.20") / 1_000_000,  # Lambda, per request
    "lambda_gb_seconds": Decimal("0.0000166667"),  # Lambda x86_64, per GB-second
}
MESSAGES, SHORT_MESSAGES, PAGE_LIMIT = 1_000, 100, 20
PER_REQUEST = 1_000  # the contract's cap on recipients per send request
SMS_TEXT = ("Your order 12345 has shipped and will arrive on Tuesday. Track it at example.com/t/12345 " * 2)[:160]
EMAIL_HTML = "<html><body>" + "<p>" + "Spring sale: every item 20% off this week. " * 465 + "</p></body></html>"
LIST_QUERIES = ("", "status=DELIVERED", "messageType=SMS", "countryCode=57", "status=SENT")


@dataclass
class Units:
    write_units: float = 0.0
    read_units: float = 0.0
    sqs_requests: float = 0.0
    lambda_invocations: float = 0.0
    lambda_gb_seconds: float = 0.0

    def dollars(self) -> Decimal:
        return sum((Decimal(str(value)) * PRICES[name] for name, value in asdict(self).items()), Decimal(0))

    def per(self, count: int) -> "Units":
        return Units(**{name: value / count for name, value in asdict(self).items()})


# The floor design, per SMS, per email and per list page: the least they can cost while keeping
# the contract (every list filter served by a key, no scan; totalRecords from counters) and the
# money rules (a conditional claim, every stored message under a lease until it settles). Each
# line is a billed unit the floor cannot do without, at on-demand prices (PRICES):
_STATUS_WRITES = {
    "the message's status item (at most 1 KB; its content elsewhere, once per send): created,"
    " claimed, sent and receipted, four plain conditional writes": 4,
    "its keys-only filter index entries at birth (status, recipient, type, country; an email has no country)": 4,
    "byStatus at each of its three status changes (a new key: a delete and a put)": 6,
    "byProviderMessageId, keys only, when sent (an SMS receipt finds its message by it)": 1,
    "byLeaseExpiry: its birth lease, its claim's (a new key: a delete and a put), dropped when sent": 4,
    "the list's counters: the receipt's status move, and the worker's, one per batch of 10 twice": 1.2,
    "the console's 30-day chart (per creation day and status, GET /api/activity): the same moves"
    " in the day's counter item": 1.2,
}
_STATUS_READS = {
    "a /contacts send looks each recipient up among the contacts (100 per BatchGetItem)": 0.5,
    "and among the suppressed addresses and numbers (decision 32; 100 per BatchGetItem)": 0.5,
}
# An email's content (20 KB) read by the worker once per batch of 10.
_EMAIL_CONTENT_READ = math.ceil(len(EMAIL_HTML) / 4096) * 0.5 / 10
FLOOR = {
    "sms": Units(
        write_units=sum(_STATUS_WRITES.values()),
        # and the receipt's one eventually consistent read of byProviderMessageId
        read_units=sum(_STATUS_READS.values()) + 0.5,
        sqs_requests=0.3,  # send, receive and delete, 10 messages a request
        # the worker once per 10 messages, the receipt once per message, the send once per
        # 1,000 recipients (one Lambda per API request)
        lambda_invocations=1.1 + 1 / PER_REQUEST,
    ),
    "email": Units(
        write_units=sum(_STATUS_WRITES.values()) - 1,  # no country index entry
        # and its content by the worker (its receipt carries its id: no read)
        read_units=sum(_STATUS_READS.values()) + _EMAIL_CONTENT_READ,
        sqs_requests=0.3,
        lambda_invocations=1.1 + 1 / PER_REQUEST,
    ),
    # One Query of 20 status items: whole items of about 1 KB from the table or byStatus (20 KB,
    # eventually consistent: 2.5 units), or 20 keys from a keys-only index (0.5) and their status
    # items by key (20 x 0.5); LIST_QUERIES reads three the first way and two the second. Then
    # one counter item and the API key's item (0.5 each; revocation stays immediate), the
    # organisation's rate-limit bucket (read, 0.5, and written, 1 unit), and one invocation of
    # the list function, which checks the key itself. The content items of a page (one per send)
    # are read once per warm function.
    "list page": Units(write_units=1, read_units=(3 * 2.5 + 2 * 10.5) / 5 + 0.5 + 0.5 + 0.5, lambda_invocations=1),
}


def content_units(channel: str, per_send: int) -> float:
    """The floor's one content write per send, per message: the text with a few attributes."""
    text = SMS_TEXT if channel == "sms" else EMAIL_HTML
    return math.ceil((len(text.encode()) + 200) / 1024) / per_send


def value_size(value: dict[str, Any]) -> int:
    """An attribute value's size by DynamoDB's rules (strings and binaries by their bytes,
    numbers about one byte per two significant digits plus one, 3 bytes per list or map and
    one per element)."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return (len(content.lstrip("-").replace(".", "").strip("0")) + 1) // 2 + 1
    if kind == "B":
        return len(base64.b64decode(content)) if isinstance(content, str) else len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in content)
    if kind == "L":
        return 3 + sum(value_size(element) + 1 for element in content)
    return 3 + sum(len(name.encode()) + value_size(element) + 1 for name, element in content.items())


def item_size(item: dict[str, Any] | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str
    included: tuple[str, ...]

    def projected(self, item: dict[str, Any] | None, table_keys: tuple[str, ...]) -> dict[str, Any] | None:
        """The item as this index stores it, or None if the item is not in the index."""
        if item is None or any(key not in item for key in self.keys):
            return None
        if self.projection == "ALL":
            return item
        kept = {*self.keys, *table_keys, *self.included}
        return {name: value for name, value in item.items() if name in kept}


class DynamoDbMeter:
    """Bills each DynamoDB call the functions make, from moto's items before and after it."""

    def __init__(self, bill: "Bill") -> None:
        self._bill = bill
        self._backend = dynamodb_backends[ACCOUNT_ID][REGION]
        self._plain = boto3.client("dynamodb")  # uncounted: re-reads what a Query evaluated
        self._keys: dict[str, tuple[str, ...]] = {}
        self._indexes: dict[str, list[Index]] = {}
        for name in self._plain.list_tables()["TableNames"]:
            table = self._plain.describe_table(TableName=name)["Table"]
            self._keys[name] = tuple(key["AttributeName"] for key in table["KeySchema"])
            self._indexes[name] = [
                Index(
                    index["IndexName"],
                    tuple(key["AttributeName"] for key in index["KeySchema"]),
                    index["Projection"]["ProjectionType"],
                    tuple(index["Projection"].get("NonKeyAttributes", [])),
                )
                for index in table.get("GlobalSecondaryIndexes", [])
            ]

    def before(self, operation: str, body: dict[str, Any], context: dict[str, Any]) -> None:
        writes = list(self._writes(operation, body))
        context["cost_writes"] = [(table, key, self._item(table, key), factor) for table, key, factor in writes]

    def after(self, operation: str, body: dict[str, Any], parsed: dict[str, Any], context: dict[str, Any]) -> None:
        for table, key, before, factor in context.get("cost_writes", []):
            after = self._item(table, key)
            what = f"{operation} {self._what(table, key)}"
            self._bill.add(what, write_units=factor * self._item_units(before, after))
            for index, written in self._index_units(table, before, after).items():
                self._bill.add(f"{what} > {index}", write_units=written)
        consistent = "consistent" if body.get("ConsistentRead") else "eventual"
        if operation == "GetItem":
            table, key = body["TableName"], body["Key"]
            read = self._read_units(table, [key], body.get("ConsistentRead"))
            self._bill.add(f"{operation} {self._what(table, key)} {consistent}", read_units=read)
        elif operation == "BatchGetItem":
            for table, request in body["RequestItems"].items():
                consistent = "consistent" if request.get("ConsistentRead") else "eventual"
                for key in request["Keys"]:
                    read = self._read_units(table, [key], request.get("ConsistentRead"))
                    self._bill.add(f"{operation} {self._what(table, key)} {consistent}", read_units=read)
        elif operation in ("Query", "Scan"):
            where = f"{self._short(body['TableName'])}/{body.get('IndexName', '')}".rstrip("/")
            read = self._query_units(operation, body, parsed)
            self._bill.add(f"{operation} {where} {consistent}", read_units=read)

    def _short(self, table: str) -> str:
        return next((name for name in ("Messages", "Accounts", "Idempotency") if name in table), table)

    def _what(self, table: str, key: dict[str, Any]) -> str:
        """The table and the kind of item a key names: its key's leading word (KEY#, ORG# PROFILE,
        ORG# RATE#, COUNTS#, a message's status or content item)."""
        words = [str(next(iter(value.values()))) for value in key.values()]
        if "Messages" in table:
            return "Messages content" if words[0].endswith("#content") else "Messages status"
        kinds = [word.split("#", 1)[0] if "#" in word else word for word in words]
        return f"{self._short(table)} " + "/".join(kinds)

    def _writes(self, operation: str, body: dict[str, Any]) -> Any:
        if operation == "PutItem":
            yield body["TableName"], self._key_of(body["TableName"], body["Item"]), 1
        elif operation in ("UpdateItem", "DeleteItem"):
            yield body["TableName"], body["Key"], 1
        elif operation == "BatchWriteItem":
            for table, requests in body["RequestItems"].items():
                for request in requests:
                    put = request.get("PutRequest")
                    yield table, self._key_of(table, put["Item"]) if put else request["DeleteRequest"]["Key"], 1
        elif operation == "TransactWriteItems":
            for entry in body["TransactItems"]:
                ((_, request),) = entry.items()
                key = request.get("Key") or self._key_of(request["TableName"], request["Item"])
                yield request["TableName"], key, 2

    def _key_of(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        return {name: item[name] for name in self._keys[table]}

    def _item(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        found = self._backend.get_item(table, key)
        return found.to_json()["Attributes"] if found else None

    @staticmethod
    def _item_units(before: dict[str, Any] | None, after: dict[str, Any] | None) -> int:
        return units(max(item_size(before), item_size(after)), 1024)

    def _index_units(self, table: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, int]:
        """The write units of each index the write changed."""
        written = {}
        for index in self._indexes[table]:
            old, new = index.projected(before, self._keys[table]), index.projected(after, self._keys[table])
            if old == new:
                continue
            if old is None or new is None:
                written[index.name] = units(item_size(old or new), 1024)
            elif all(old[key] == new[key] for key in index.keys):
                written[index.name] = self._item_units(old, new)
            else:
                written[index.name] = units(item_size(old), 1024) + units(item_size(new), 1024)
        return written

    def _read_units(self, table: str, keys: list[dict[str, Any]], consistent: bool | None) -> float:
        factor = 1.0 if consistent else 0.5
        return sum(factor * units(item_size(self._item(table, key)), 4096) for key in keys)

    def _query_units(self, operation: str, body: dict[str, Any], parsed: dict[str, Any]) -> float:
        """The size of what the Query evaluated: the same read without its filter and projection."""
        factor = 1.0 if body.get("ConsistentRead") else 0.5
        evaluated = int(parsed.get("ScannedCount", 0))
        if not evaluated:
            return factor
        again = {k: v for k, v in body.items() if k not in ("FilterExpression", "ProjectionExpression", "Select")}
        again["Limit"] = evaluated
        again["Select"] = "ALL_PROJECTED_ATTRIBUTES" if "IndexName" in body else "ALL_ATTRIBUTES"
        expression = body.get("KeyConditionExpression", "")
        for placeholders in ("ExpressionAttributeNames", "ExpressionAttributeValues"):
            used = {k: v for k, v in body.get(placeholders, {}).items() if k in expression}
            again.pop(placeholders, None)
            if used:
                again[placeholders] = used
        items = getattr(self._plain, "query" if operation == "Query" else "scan")(**again)["Items"]
        return factor * units(sum(item_size(item) for item in items), 4096)


class Bill:
    """The units billed so far, into the bucket the day is at (an SMS, an email, a list page)."""

    def __init__(self, template: Template) -> None:
        self.buckets: dict[str, Units] = defaultdict(Units)
        self.bucket = "setup"
        # The same units by what billed them: (bucket, function, call and table or index).
        self.details: dict[tuple[str, str, str], Units] = defaultdict(Units)
        self.function = "-"
        self.durations: dict[str, list[float]] = defaultdict(list)
        # Seconds this bench spent metering inside the functions' calls: not their duration.
        self.overhead = 0.0
        globals_memory = template.body["Globals"]["Function"].get("MemorySize", 128)
        self._memory = {
            name: int(properties.get("MemorySize", globals_memory))
            for name, properties in template.of_type("AWS::Serverless::Function").items()
        }

    def add(self, what: str = "Lambda", **amounts: float) -> None:
        for units_now in (self.buckets[self.bucket], self.details[self.bucket, self.function, what]):
            for name, amount in amounts.items():
                setattr(units_now, name, getattr(units_now, name) + amount)

    def invoked(self, function: str, seconds: float) -> None:
        billed_ms = math.ceil(seconds * 1000)
        self.durations[function].append(billed_ms)
        self.add(lambda_invocations=1, lambda_gb_seconds=billed_ms / 1000 * self._memory[function] / 1024)

    def gb_seconds_per_invocation(self, function: str) -> float:
        spent = self.durations[function]
        return sum(spent) / len(spent) / 1000 * self._memory[function] / 1024 if spent else 0.0


def sqs_payload(operation: str, params: dict[str, Any]) -> int:
    entries = params.get("Entries") if operation == "SendMessageBatch" else [params]
    return sum(len(str(entry.get("MessageBody", "")).encode()) for entry in entries or [])


def meter(bill: Bill) -> None:
    """Hook every AWS client the functions use (sendme.aws's cached clients)."""
    from sendme import aws

    dynamodb = DynamoDbMeter(bill)

    def before_dynamodb(event_name: str, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        started = time.perf_counter()
        context["cost_body"] = json.loads(params["body"])
        dynamodb.before(event_name.rsplit(".", 1)[-1], context["cost_body"], context)
        bill.overhead += time.perf_counter() - started

    def after_dynamodb(event_name: str, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        started = time.perf_counter()
        dynamodb.after(event_name.rsplit(".", 1)[-1], context["cost_body"], parsed, context)
        bill.overhead += time.perf_counter() - started

    def sqs_request(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        bill.add(f"SQS {operation}", sqs_requests=units(sqs_payload(operation, params), 65536))

    for client in (aws.dynamodb().meta.client, aws.dynamodb_client()):
        client.meta.events.register("before-call.dynamodb", before_dynamodb)
        client.meta.events.register("after-call.dynamodb", after_dynamodb)
    aws.sqs().meta.events.register("provide-client-params.sqs", sqs_request)


def main(messages: int, breakdown: bool = False) -> dict[str, Any]:
    """Prints the day's bill; returns the measured units per message and per list page."""
    os.environ.update(LOCAL_AWS_ENVIRONMENT)
    moto_fixes.install()  # as under the local stack
    with mock_aws():
        template = Template.load()
        stack = provision(template, "bench")
        os.environ.update(stack.shared_environment())
        from sendme import aws, wiring

        wiring.reset()
        demo = seed_demo(credits=messages * 10)
        bill = Bill(template)
        lambdas = LocalLambdas(template)

        def invoke(function: str, event: dict[str, Any]) -> Any:
            started, overhead = time.perf_counter(), bill.overhead
            bill.function = function
            try:
                return lambdas.invoke(function, event)
            finally:
                bill.invoked(function, time.perf_counter() - started - (bill.overhead - overhead))
                bill.function = "-"  # the queue's poller, Lambda's event source mapping

        api = Client(LocalApiGateway(template, invoke))
        headers = {"api-key": demo.api_key}
        meter(bill)
        batch = next(int(e["BatchSize"]) for f, e in template.events("SQS") if f == "DeliveryWorkerFunction")
        worker = QueuePoller(
            aws.sqs(), stack.ref("DeliveryQueue"), batch, lambda e: invoke("DeliveryWorkerFunction", e)
        )
        mapping = boto3.client("dynamodb")  # uncounted: the simulated provider knows its own ids

        def day_of(channel: str, path: str, body: dict[str, Any], contacts: list[str]) -> None:
            bill.bucket = channel
            for start in range(0, len(contacts), PER_REQUEST):
                response = api.post(
                    path, json={**body, "contacts": contacts[start : start + PER_REQUEST]}, headers=headers
                )
                assert response.status_code < 300, response.get_data(as_text=True)[:500]
            while worker.poll_once():
                pass
            for provider_id, recipient in provider_ids(channel):
                if channel == "sms":
                    invoke("ReceiptsFunction", sms_delivery_logs([(provider_id, recipient, True)]))
                else:
                    org_id, message_id = message_of(mapping, stack.ref("MessagesTable"), provider_id)
                    event = ses_event(
                        "Delivery",
                        provider_message_id=provider_id,
                        recipient=recipient,
                        org_id=org_id,
                        message_id=message_id,
                    )
                    invoke("ReceiptsFunction", event)

        day_of("sms", "/api/messages/sms/contacts", {"message": SMS_TEXT, "country": "CO"}, phones(messages))
        email = {"subject": "Spring sale", "message": EMAIL_HTML, "contentType": "HTML"}
        day_of("email", "/api/messages/email/contacts", email, emails(messages))
        bill.bucket = "list page"
        for page in range(messages):
            query = LIST_QUERIES[page % len(LIST_QUERIES)]
            response = api.get(f"/api/messages?limit={PAGE_LIMIT}&{query}", headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
        statuses = final_statuses(stack.ref("MessagesTable"))
    assert statuses == {"DELIVERED": 2 * messages}, f"not every message was delivered and receipted: {statuses}"
    return report(bill, messages, breakdown)


def phones(count: int) -> list[str]:
    return [f"300{n:07d}" for n in range(count)]


def emails(count: int) -> list[str]:
    return [f"customer{n}@example.com" for n in range(count)]


def provider_ids(channel: str) -> list[tuple[str, str]]:
    if channel == "sms":
        return [(pid, phone) for pid, (phone, _) in sns_backends[ACCOUNT_ID][REGION].sms_messages.items()]
    return [(m.id, m.destinations["ToAddresses"][0]) for m in ses_backends[ACCOUNT_ID][REGION].sent_messages]


def message_of(client: Any, table: str, provider_id: str) -> tuple[str, str]:
    (item,) = client.query(
        TableName=table,
        IndexName="byProviderMessageId",
        KeyConditionExpression="providerMessageId = :p",
        ExpressionAttributeValues={":p": {"S": provider_id}},
    )["Items"]
    return item["orgId"]["S"], item["id"]["S"]


def final_statuses(table: str) -> dict[str, int]:
    counted: dict[str, int] = defaultdict(int)
    for item in dynamodb_backends[ACCOUNT_ID][REGION].get_table(table).all_items():
        if "status" in item.attrs:  # a message's status item, not a content item
            counted[str(item.attrs["status"].value)] += 1
    return dict(counted)


def floor_of(bill: Bill, kind: str, messages: int) -> Units:
    """FLOOR's units, with GB-seconds at the durations measured for the same functions and the
    content write of each send (of `messages` recipients, at most PER_REQUEST)."""
    floor = FLOOR[kind]
    if kind != "list page":
        floor = Units(
            **{**asdict(floor), "write_units": floor.write_units + content_units(kind, min(messages, PER_REQUEST))}
        )
    if kind == "list page":
        gb_seconds = bill.gb_seconds_per_invocation("ListMessagesFunction")
    else:
        send = "SendSmsFunction" if kind == "sms" else "SendEmailFunction"
        gb_seconds = (
            bill.gb_seconds_per_invocation("ReceiptsFunction")
            + bill.gb_seconds_per_invocation("DeliveryWorkerFunction") / 10
            + bill.gb_seconds_per_invocation(send) / PER_REQUEST
        )
    return Units(**{**asdict(floor), "lambda_gb_seconds": gb_seconds})


def report(bill: Bill, messages: int, breakdown: bool) -> dict[str, Any]:
    print(f"bench/cost: {messages:,} SMS (160 characters), {messages:,} HTML emails (20 KB) sent, delivered and")
    print(f"receipted, and {messages:,} list pages; billed at us-east-1 on-demand list prices")
    columns = ("write_units", "read_units", "sqs_requests", "lambda_invocations", "lambda_gb_seconds")
    headings = ("write u.", "read u.", "SQS req.", "invocat.", "GB-s", "$/million")
    print(f"\n{'per':<10} {'design':<7} " + " ".join(f"{heading:>9}" for heading in headings))
    figures: dict[str, Any] = {}
    for kind in ("sms", "email", "list page"):
        measured, floor = bill.buckets[kind].per(messages), floor_of(bill, kind, messages)
        rows = [("today", list(asdict(measured).values()), measured.dollars())]
        rows.append(("floor", list(asdict(floor).values()), floor.dollars()))
        ratios = [m / f if f else math.nan for m, f in zip(rows[0][1], rows[1][1], strict=True)]
        rows.append(("x floor", ratios, measured.dollars() / floor.dollars()))
        for design, values, dollars in rows:
            shown = [f"{v:.3f}".rstrip("0").rstrip(".") if not math.isnan(v) else "-" for v in values]
            cost = f"{dollars:.1f}x" if design == "x floor" else f"{dollars * 1_000_000:.2f}"
            print(f"{kind:<10} {design:<7} " + " ".join(f"{cell:>9}" for cell in [*shown, cost]))
        figures[kind] = {name: round(getattr(measured, name), 4) for name in columns}
        figures[kind]["x_floor"] = round(float(measured.dollars() / floor.dollars()), 2)
    if breakdown:
        print_breakdown(bill, messages)
    print("\nprices: " + ", ".join(f"{name} ${price * 1_000_000:.4f}/M" for name, price in PRICES.items()))
    print("GB-seconds: the durations measured here on moto (an upper bound); the floor's at the same durations.")
    return {"messages": messages, "per": figures}


def print_breakdown(bill: Bill, messages: int) -> None:
    """The DynamoDB and SQS units of each kind, per message or page, by function and call."""
    for kind in ("sms", "email", "list page"):
        rows = [
            (function, what, bill.details[bucket, function, what].per(messages))
            for bucket, function, what in sorted(bill.details)
            if bucket == kind and what != "Lambda"
        ]
        width = max((len(what) for _, what, _ in rows), default=0)
        print(f"\n{kind}, by function and call:".ljust(width + 19) + f"{'write u.':>9} {'read u.':>9} {'SQS req.':>9}")
        for function, what, measured in rows:
            figures = (measured.write_units, measured.read_units, measured.sqs_requests)
            shown = " ".join(f"{f'{value:.3f}'.rstrip('0').rstrip('.'):>9}" for value in figures)
            print(f"  {function.removesuffix('Function'):<16} {what:<{width}} {shown}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help=f"{SHORT_MESSAGES} of each instead of {MESSAGES:,}")
    parser.add_argument("--figures", type=Path, help="also write the units per message and page to this JSON file")
    parser.add_argument("--breakdown", action="store_true", help="also print the units by function and call")
    arguments = parser.parse_args()
    measured = main(SHORT_MESSAGES if arguments.short else MESSAGES, arguments.breakdown)
    if arguments.figures:
        arguments.figures.write_text(json.dumps(measured, indent=2))
