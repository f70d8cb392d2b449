"""The admin command line: argument parsing, AWS connection, one line per error."""

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError
from tqdm import tqdm

from sendme.config import Settings
from sendme.domain.accounts import key_id_of
from sendme.domain.errors import SendMeError
from sendme.domain.reputation import ReputationThresholds
from sendme.outbound.email_tenants import EmailTenants
from sendme.services.accounts import AccountService
from sendme.services.audit import CreditAudit
from sendme.services.contacts_import import ContactImporter, Row, csv_rows, jsonl_rows
from sendme.services.reputation import EmailReputation
from sendme.storage.accounts import AccountRepository
from sendme.storage.contacts import ContactRepository
from sendme.storage.indexes import LeaseIndex
from sendme.storage.ledger import CreditLedger
from sendme.storage.reputation import EmailTallies

from .redrive import RedriveError, queue_url, redrive, source_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table
    from mypy_boto3_sqs import SQSClient

PROG = "sendme-admin"
# moto (the local stack) takes any credentials; a real endpoint never gets these.
_LOOPBACK_CREDENTIAL = "testing"


class AdminError(Exception):
    """A failure the user can act on: printed as one line, exit status 1."""


@dataclass
class Admin:
    accounts: AccountService
    importer: ContactImporter
    contacts: ContactRepository
    # Only where the messages table was named (--messages-table, or the stack's outputs).
    audit: CreditAudit | None
    reputation: EmailReputation


def _session(args: argparse.Namespace) -> boto3.session.Session:
    loopback = bool(args.endpoint_url) and urlparse(args.endpoint_url).hostname in {"127.0.0.1", "localhost", "::1"}
    session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
    if loopback:
        region = session.region_name or "us-east-1"
        if session.get_credentials() is None:
            return boto3.session.Session(
                aws_access_key_id=_LOOPBACK_CREDENTIAL, aws_secret_access_key=_LOOPBACK_CREDENTIAL, region_name=region
            )
        return boto3.session.Session(profile_name=args.profile, region_name=region)
    return session


@dataclass(frozen=True)
class _Names:
    accounts_table: str
    # None where neither it nor a stack is named.
    messages_table: str | None
    # The resources every SES tenant is associated with; empty where tenants are off.
    email_tenant_resources: list[str]


def _resource_list(value: str | None) -> list[str]:
    return [arn for arn in (value or "").split(",") if arn]


def _names(session: boto3.session.Session, args: argparse.Namespace) -> _Names:
    """The tables (and tenant resources) the flags name, or else the stack's outputs."""
    if args.accounts_table:
        return _Names(str(args.accounts_table), args.messages_table, _resource_list(args.email_tenant_resources))
    if not args.stack:
        raise AdminError("name the accounts table: --accounts-table / ACCOUNTS_TABLE, or --stack / SENDME_STACK")
    cloudformation = session.client("cloudformation", endpoint_url=args.endpoint_url)
    try:
        (stack,) = cloudformation.describe_stacks(StackName=args.stack)["Stacks"]
    except ClientError as error:
        raise AdminError(f"cannot read stack {args.stack}: {error.response['Error']['Message']}") from error
    outputs = {output.get("OutputKey"): str(output.get("OutputValue")) for output in stack.get("Outputs", [])}
    if "AccountsTableName" not in outputs:
        raise AdminError(f"stack {args.stack} has no AccountsTableName output")
    return _Names(
        outputs["AccountsTableName"],
        args.messages_table or outputs.get("MessagesTableName"),
        _resource_list(args.email_tenant_resources or outputs.get("EmailTenantResourceArns")),
    )


def connect(args: argparse.Namespace) -> Admin:
    session = _session(args)
    names = _names(session, args)
    name, messages_name = names.accounts_table, names.messages_table
    dynamodb = session.resource("dynamodb", endpoint_url=args.endpoint_url)
    table: Table = dynamodb.Table(name)
    try:
        table.load()
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            raise AdminError(f"table {name} does not exist (check --accounts-table, region, endpoint)") from error
        raise
    contacts, accounts, ledger = ContactRepository(table), AccountRepository(table), CreditLedger(table)
    audit = CreditAudit(accounts, ledger, LeaseIndex(dynamodb.Table(messages_name))) if messages_name else None
    tenants = None
    if names.email_tenant_resources:
        tenants = EmailTenants(session.client("sesv2", endpoint_url=args.endpoint_url), names.email_tenant_resources)
    service = AccountService(accounts, ledger, args.terms_version, args.default_country, tenants)
    # The API's default thresholds: an operator reads the rates as the receipts function judges them.
    thresholds = ReputationThresholds(
        window=_setting("email_reputation_window"),
        max_bounce_rate=_setting("email_max_bounce_rate"),
        max_complaint_rate=_setting("email_max_complaint_rate"),
    )
    reputation = EmailReputation(EmailTallies(table), accounts, thresholds)
    return Admin(service, ContactImporter(contacts), contacts, audit, reputation)


def _setting(name: str) -> Any:
    return Settings.model_fields[name].default


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def create_org(admin: Admin, args: argparse.Namespace) -> None:
    organization = admin.accounts.create_organization(
        args.name,
        credits=args.credits,
        sender_id=args.sender_id,
        accept_terms=args.accept_terms,
        country=args.country,
    )
    tenant = admin.accounts.email_tenant(organization.id)
    _print({**organization.to_wire(), **({"emailTenant": tenant.to_wire()} if tenant else {})})


def email_tenant(admin: Admin, args: argparse.Namespace) -> None:
    tenant = admin.accounts.onboard_email_tenant(args.org_id)
    if tenant is None:
        raise AdminError(
            "SES tenants are off: name --email-tenant-resources, or a stack deployed with EmailTenants=true"
        )
    _print({"orgId": args.org_id, "emailTenant": tenant.to_wire()})


def issue_key(admin: Admin, args: argparse.Namespace) -> None:
    key = admin.accounts.issue_api_key(args.org_id)
    print("The key is shown only this once: store it now.", file=sys.stderr)
    _print({"orgId": args.org_id, "keyId": key_id_of(key), "apiKey": key})


def revoke_key(admin: Admin, args: argparse.Namespace) -> None:
    key = admin.accounts.revoke_api_key(args.org_id, args.key)
    _print({"orgId": key.org_id, "keyId": key.key_id, "revokedAt": key.revoked_at})


def add_credits(admin: Admin, args: argparse.Namespace) -> None:
    _print({"orgId": args.org_id, "credits": admin.accounts.add_credits(args.org_id, args.amount)})


def adjust_credits(admin: Admin, args: argparse.Namespace) -> None:
    balance = admin.accounts.adjust_credits(args.org_id, args.amount, args.reason)
    _print({"orgId": args.org_id, "credits": balance})


def accept_terms(admin: Admin, args: argparse.Namespace) -> None:
    _print({"orgId": args.org_id, "acceptedTermsVersion": admin.accounts.accept_terms(args.org_id)})


def suspend(admin: Admin, args: argparse.Namespace) -> None:
    admin.accounts.suspend(args.org_id)
    _print({"orgId": args.org_id, "suspendedAt": admin.accounts.organization(args.org_id).suspended_at})


def resume(admin: Admin, args: argparse.Namespace) -> None:
    admin.accounts.resume(args.org_id)
    _print({"orgId": args.org_id, "suspendedAt": None})


def resume_email(admin: Admin, args: argparse.Namespace) -> None:
    admin.reputation.resume(args.org_id)
    _print({"orgId": args.org_id, "emailSuspendedAt": admin.accounts.organization(args.org_id).email_suspended_at})


def set_limits(admin: Admin, args: argparse.Namespace) -> None:
    burst = args.burst or args.requests_per_minute
    admin.accounts.set_request_limit(args.org_id, args.requests_per_minute, burst)
    _print({"orgId": args.org_id, "requestsPerMinute": args.requests_per_minute, "requestBurst": burst})


def set_countries(admin: Admin, args: argparse.Namespace) -> None:
    _print(
        {"orgId": args.org_id, "allowedCountries": admin.accounts.set_allowed_countries(args.org_id, args.countries)}
    )


def set_number(admin: Admin, args: argparse.Namespace) -> None:
    organization = admin.accounts.set_number(args.org_id, args.number, args.help_text)
    _print(
        {"orgId": organization.id, "twoWayNumber": organization.two_way_number, "helpText": organization.help_reply()}
    )


def show_org(admin: Admin, args: argparse.Namespace) -> None:
    organization = admin.accounts.organization(args.org_id)
    keys = [
        key.model_dump(mode="json", by_alias=True, exclude={"key_hash"}, exclude_none=True)
        for key in admin.accounts.api_keys(args.org_id)
    ]
    shown = {
        **organization.to_wire(),
        "apiKeys": keys,
        "contacts": admin.contacts.count(args.org_id),
        "emailReputation": admin.reputation.summary(args.org_id),
    }
    if admin.accounts.email_tenants_on:
        # null: no tenant yet (created before tenants were on): `email-tenant ORG` onboards it.
        tenant = admin.accounts.email_tenant(args.org_id)
        shown["emailTenant"] = tenant.to_wire() if tenant else None
    if args.ledger:
        shown["ledger"] = [
            entry.model_dump(mode="json", by_alias=True, exclude={"org_id"}, exclude_none=True)
            for entry in admin.accounts.ledger(args.org_id)
        ]
    _print(shown)


def audit(admin: Admin, args: argparse.Namespace) -> None:
    if admin.audit is None:
        raise AdminError("name the messages table to audit: --messages-table / MESSAGES_TABLE, or --stack")
    report = admin.audit.run(args.org_id)
    print(f"organisation {report.org_id}")
    for kind, total in report.totals.items():
        print(f"  {kind.value.lower():<11} {total:+d}")
    print(f"  ledger      {report.ledger_balance:+d}")
    print(f"  balance     {report.balance:+d}")
    print(f"messages past their lease: {len(report.overdue)}")
    for lease in report.overdue:
        print(f"  {lease.message_id} {lease.status.value} lease ended {lease.lease_until}")
    if not report.balanced:
        raise AdminError(f"the balance is {report.balance - report.ledger_balance:+d} off its ledger")
    print("balanced")


def import_contacts(admin: Admin, args: argparse.Namespace) -> None:
    admin.accounts.organization(args.org_id)  # an unknown organisation fails before any row is read
    path: Path = args.file
    kind = args.format or ("jsonl" if path.suffix.lower() in {".jsonl", ".ndjson"} else "csv")
    parse: Callable[[IO[str]], Iterator[Row]] = jsonl_rows if kind == "jsonl" else csv_rows
    try:
        total = _data_lines(path, header=kind == "csv")
        with (
            path.open(encoding="utf-8-sig", newline="") as handle,
            tqdm(total=total, unit=" rows", file=sys.stderr, desc="importing", disable=args.quiet) as bar,
        ):
            report = admin.importer.run(args.org_id, parse(handle), country=args.country, progress=bar.update)
    except OSError as error:
        raise AdminError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise AdminError(f"{path} is not UTF-8 text (byte {error.start})") from error
    _print(report.to_wire())


def connect_sqs(args: argparse.Namespace) -> "SQSClient":
    return _session(args).client("sqs", endpoint_url=args.endpoint_url)


def redrive_queue(sqs: "SQSClient", args: argparse.Namespace) -> None:
    try:
        dead_letters = queue_url(sqs, args.queue)
        target = source_of(sqs, dead_letters)
        with tqdm(unit=" messages", file=sys.stderr, desc="redriving", disable=args.quiet) as bar:
            moved = redrive(sqs, dead_letters, target, bar.update)
    except RedriveError as error:
        raise AdminError(str(error)) from error
    _print({"queue": dead_letters, "movedTo": target, "moved": moved})


def _data_lines(path: Path, *, header: bool) -> int:
    with path.open("rb") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(0, lines - 1) if header else lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Create and fund organisations, manage their API keys, load their contacts."
    )
    parser.add_argument(
        "--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"), help="e.g. the local stack's moto endpoint"
    )
    parser.add_argument("--profile", default=None, help="AWS profile (default: AWS_PROFILE / the default profile)")
    parser.add_argument("--region", default=None, help="AWS region (default: AWS_REGION / the profile's)")
    parser.add_argument("--accounts-table", default=os.environ.get("ACCOUNTS_TABLE"), help="the stack's AccountsTable")
    parser.add_argument(
        "--messages-table", default=os.environ.get("MESSAGES_TABLE"), help="the stack's MessagesTable (for audit)"
    )
    parser.add_argument(
        "--stack", default=os.environ.get("SENDME_STACK"), help="read the table names from this stack's outputs"
    )
    parser.add_argument(
        "--email-tenant-resources",
        default=os.environ.get("SENDME_EMAIL_TENANT_RESOURCES"),
        help="comma-separated ARNs of the SES identity and configuration set each organisation's SES tenant "
        "uses (the stack's EmailTenantResourceArns output); unset: SES tenants are off",
    )
    parser.add_argument(
        "--terms-version",
        default=os.environ.get("TERMS_VERSION") or Settings.model_fields["terms_version"].default,
        help="the terms version the API requires (its TERMS_VERSION)",
    )
    parser.add_argument(
        "--default-country",
        default=os.environ.get("DEFAULT_COUNTRY") or Settings.model_fields["default_country"].default,
        help="the home country of an organisation created without --country (the API's DEFAULT_COUNTRY)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[Admin, argparse.Namespace], None], text: str) -> argparse.ArgumentParser:
        """A subcommand; all but create-org act on one organisation, named first."""
        sub = commands.add_parser(name, help=text)
        sub.set_defaults(run=run)
        if name != "create-org":
            sub.add_argument("org_id")
        return sub

    created = command("create-org", create_org, "create an organisation")
    created.add_argument("name")
    created.add_argument("--credits", type=_non_negative, default=0)
    created.add_argument("--sender-id", default=None)
    created.add_argument("--accept-terms", action="store_true", help="record the current terms as accepted")
    created.add_argument(
        "--country",
        default=None,
        help="home country (ISO, e.g. CO) national numbers are read in when a request names none "
        "(default: --default-country)",
    )
    command("issue-key", issue_key, "issue an API key (printed once)")
    command("revoke-key", revoke_key, "revoke an API key, named by its keyId or the key itself").add_argument("key")
    command("add-credits", add_credits, "add credits to the balance").add_argument("amount", type=_positive)
    command("accept-terms", accept_terms, "record that the organisation accepted the current terms")
    imported = command("import-contacts", import_contacts, "import contacts from a CSV or JSON lines file")
    imported.add_argument("file", type=Path)
    imported.add_argument("--format", choices=["csv", "jsonl"], default=None, help="default: by file extension")
    imported.add_argument("--country", default=None, help="ISO country to read national numbers in, e.g. CO")
    imported.add_argument("--quiet", action="store_true", help="no progress bar")
    command("suspend", suspend, "refuse every call of the organisation (403) until it is resumed")
    command("resume", resume, "serve a suspended organisation again")
    command("resume-email", resume_email, "send the email of an organisation suspended for its bounces or complaints")
    limits = command("set-limits", set_limits, "the organisation's own request rate limit")
    limits.add_argument("--requests-per-minute", type=_positive, required=True)
    limits.add_argument("--burst", type=_positive, default=None, help="requests at once (default: the per-minute rate)")
    countries = command("set-countries", set_countries, "the countries the organisation may send SMS to")
    countries.add_argument("countries", nargs="+", metavar="COUNTRY", help="ISO codes, e.g. CO US (replaces the list)")
    number = command("set-number", set_number, "the organisation's two-way number: inbound SMS to it are its own")
    number.add_argument("number", help="international, e.g. +12065550100 (no other organisation may have it)")
    number.add_argument("--help-text", default=None, help="the answer to an inbound HELP (default: kept, else generic)")
    adjusted = command("adjust-credits", adjust_credits, "correct the balance by a signed amount, with a reason")
    adjusted.add_argument("amount", type=_signed)
    adjusted.add_argument("--reason", required=True, help="recorded in the ledger")
    command("email-tenant", email_tenant, "create (or finish creating) the organisation's SES tenant")
    shown = command("show-org", show_org, "an organisation, its API keys (ids only) and its number of contacts")
    shown.add_argument("--ledger", action="store_true", help="and every movement of its credits")
    command("audit", audit, "check the balance against the ledger (exit 1 if off); list messages past their lease")
    redriven = commands.add_parser(
        "redrive", help="move a dead-letter queue's messages back to their queue (docs/operations.md)"
    )
    redriven.set_defaults(run=redrive_queue, connect=connect_sqs)
    redriven.add_argument("queue", help="the dead-letter queue's name or URL (stack outputs *DeadLetterQueueName)")
    redriven.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(connect=connect)
    return parser


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number > 0")
    return int(value)


def _signed(value: str) -> int:
    if not value.lstrip("+-").isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number other than 0")
    return int(value)


def _non_negative(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number >= 0")
    return int(value)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.run(args.connect(args), args)
    except (AdminError, SendMeError) as error:
        return _fail(str(error))
    except NoCredentialsError:
        return _fail("no AWS credentials found (set AWS_PROFILE, or run `aws configure`)")
    except NoRegionError:
        return _fail("no AWS region set (use --region or AWS_REGION)")
    except ClientError as error:
        return _fail(f"AWS refused the request: {error.response['Error']['Message']}")
    except BotoCoreError as error:
        return _fail(str(error))
    return 0


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1
