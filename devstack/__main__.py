"""`make run`: the whole stack on this machine; `make sam-api`: its API under `sam local`. Ctrl-C stops it."""

import argparse
import dataclasses
import logging
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

# Lambda puts the layer's contents on the path as /opt/python; here the layer's source is it, first
# on the path before anything imports the package. Only this entry point does so: importing
# devstack changes nothing (the tests get the layer from pyproject's pytest pythonpath).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "common"))

from . import sam_local
from .environment import LOCAL_AWS_ENVIRONMENT
from .inbound import ROUTE
from .receipts import add_arguments, options_from
from .seed import DEMO_NUMBER
from .stack import LocalStack, StackInfo, write_state


def _banner(info: StackInfo, image: str | None) -> str:
    if not info.api_url:
        return (
            f"SendMe local backend ready (no API front): AWS (moto) endpoint {info.aws_endpoint}, "
            f"demo API key {info.api_key}"
        )
    curl = (
        f"curl -s -X POST {info.api_url}/api/messages/sms/contacts \\\n"
        f"  -H 'Content-Type: application/json' -H 'api-key: {info.api_key}' \\\n"
        """  -d '{"message": "Hello, this is a test message from SendMe", """
        """"contacts": ["3001234567", "3009876543"], "type": "SMS", "country": "CO"}'"""
    )
    return "\n".join(
        [
            "",
            f"SendMe local stack ready on {info.api_url}"
            + (f" (sam local start-api, functions in containers of {image})" if image else ""),
            f"  AWS (moto) endpoint : {info.aws_endpoint}",
            f"  demo organisation   : {info.org_id}",
            f"  demo API key        : {info.api_key}",
            # sam local start-api serves only the template's routes: the console is the local stack's.
            *([] if image else [f"  console             : {info.api_url}/console/ (sign in with the demo API key)"]),
            "",
            "Send an SMS:",
            curl,
            "",
            "Then list messages (QUEUED -> SENT -> DELIVERED within a second or two; --receipts off stops at SENT):",
            f"curl -s {info.api_url}/api/messages -H 'api-key: {info.api_key}'",
            "",
            f"Receive an SMS on the demo organisation's two-way number {DEMO_NUMBER} (STOP opts the sender out):",
            f"curl -s -X POST {info.api_url}{ROUTE} -H 'Content-Type: application/json' \\",
            f"""  -d '{{"from": "+573001234567", "to": "{DEMO_NUMBER}", "body": "STOP"}}'""",
            "",
            "Administer organisations (create-org, issue-key, import-contacts...) with the admin CLI:",
            *_moto_credentials(info),
            f"AWS_ENDPOINT_URL={info.aws_endpoint} ACCOUNTS_TABLE={info.accounts_table} \\",
            f"  .venv/bin/sendme-admin show-org {info.org_id}",
            "",
            "Ctrl-C stops everything.",
            "",
        ]
    )


def _moto_credentials(info: StackInfo) -> list[str]:
    """The admin CLI uses moto's fake credentials by itself on a loopback endpoint only."""
    if not info.docker_network:
        return []
    names = ("AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    return [" ".join(f"{name}={LOCAL_AWS_ENVIRONMENT[name]}" for name in names) + " \\"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="where moto and the API listen (not with --sam-local)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--api-key", default=os.environ.get("LOCAL_API_KEY") or None)
    parser.add_argument("--state-file", type=Path, help="write the stack's URLs and demo key here once ready")
    parser.add_argument(
        "--retry-after", type=int, default=2, help="seconds before a failed delivery is offered again (SQS: 180)"
    )
    front = parser.add_mutually_exclusive_group()
    front.add_argument(
        "--no-api",
        action="store_true",
        help="moto, the demo organisation and the worker only (for a `sam local` of your own)",
    )
    front.add_argument(
        "--sam-local",
        metavar="IMAGE",
        help="serve the API with `sam local start-api`, each function in a Lambda container of IMAGE "
        "(make sam-api; needs Docker and `sam build`, see devstack/sam_local.py)",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    # One line per moto call drowns the handlers' own logs.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Ctrl-C (KeyboardInterrupt) or SIGTERM, at any point: whatever was started is stopped in turn.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with ExitStack() as running:
        try:
            info, sam = _start(args, running)
            print(_banner(info, args.sam_local), flush=True)
            if args.state_file:
                write_state(args.state_file, info)
            while sam is None or sam.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            print("stopping...", flush=True)
            return 0
        except OSError as error:
            print(f"cannot start the local stack on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
            return 1
        except sam_local.SamLocalError as error:
            print(f"cannot serve the API with sam local: {error}", file=sys.stderr)
            return 1
        finally:
            # Stopping what runs takes seconds; a second Ctrl-C must not cut it short and leave some running.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(f"sam local start-api exited ({sam.returncode}); stopping...", file=sys.stderr, flush=True)
        return 1


def _start(args: argparse.Namespace, running: ExitStack) -> tuple[StackInfo, subprocess.Popen[bytes] | None]:
    """The stack, and `sam local start-api` in front of it with --sam-local (its process)."""
    host, network = args.host, ""
    if args.sam_local:
        network, host = running.enter_context(sam_local.bridge_network())
    stack = LocalStack(
        host=host,
        port=args.port,
        api_key=args.api_key,
        retry_after_seconds=args.retry_after,
        serve_api=not (args.no_api or args.sam_local),
        receipts=options_from(args),
    )
    info = stack.start()
    running.callback(stack.stop)
    if not args.sam_local:
        return info, None
    sam = running.enter_context(sam_local.start_api(args.sam_local, network, args.port, info))
    return dataclasses.replace(info, api_url=f"http://127.0.0.1:{args.port}", docker_network=network), sam


if __name__ == "__main__":
    sys.exit(main())
