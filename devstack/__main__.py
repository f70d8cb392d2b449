"""`make run`: the whole stack on this machine. Ctrl-C stops it."""

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

# Lambda puts the layer's contents on the path as /opt/python; here the layer's source is it, first
# on the path before anything imports the package. Only this entry point does so: importing
# devstack changes nothing (the tests get the layer from pyproject's pytest pythonpath).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "common"))

from .receipts import add_arguments, options_from
from .stack import LocalStack, StackInfo, write_state


def _banner(info: StackInfo) -> str:
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
            f"SendMe local stack ready on {info.api_url}",
            f"  AWS (moto) endpoint : {info.aws_endpoint}",
            f"  demo organisation   : {info.org_id}",
            f"  demo API key        : {info.api_key}",
            "",
            "Send an SMS:",
            curl,
            "",
            "Then list messages (QUEUED -> SENT -> DELIVERED within a second or two; --receipts off stops at SENT):",
            f"curl -s {info.api_url}/api/messages -H 'api-key: {info.api_key}'",
            "",
            "Administer organisations (create-org, issue-key, import-contacts...) with the admin CLI:",
            f"AWS_ENDPOINT_URL={info.aws_endpoint} ACCOUNTS_TABLE={info.accounts_table} \\",
            f"  .venv/bin/sendme-admin show-org {info.org_id}",
            "",
            "Ctrl-C stops everything.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--api-key", default=os.environ.get("LOCAL_API_KEY") or None)
    parser.add_argument("--state-file", type=Path, help="write the stack's URLs and demo key here once ready")
    parser.add_argument(
        "--retry-after", type=int, default=2, help="seconds before a failed delivery is offered again (SQS: 180)"
    )
    parser.add_argument(
        "--no-api",
        action="store_true",
        help="moto, the demo organisation and the worker only (for sam local start-api)",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    # One line per moto call drowns the handlers' own logs.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    stack = LocalStack(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        retry_after_seconds=args.retry_after,
        serve_api=not args.no_api,
        receipts=options_from(args),
    )
    try:
        info = stack.start()
    except OSError as error:
        print(f"cannot start the local stack on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    print(_banner(info), flush=True)
    if args.state_file:
        write_state(args.state_file, info)
    stopping.wait()
    print("stopping...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
