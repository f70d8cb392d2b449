"""Bulk contact import through the admin CLI into the local stack (moto), against a baseline.

    .venv/bin/python bench/import_contacts.py            # 10,000 rows (make bench)
    IMPORT_ROWS=100000 .venv/bin/python bench/import_contacts.py
    .venv/bin/python bench/import_contacts.py --short   # 200 rows (make test's form)

`--figures PATH` also writes the import's report as JSON: its times are not a gate, but
tests/integration/test_bench_gates.py checks that every row was imported.

Baseline: reading and validating the same file in this process, no writes. The import's
figure is end to end: `sendme-admin import-contacts` as a subprocess, on a fresh local stack.
moto spends milliseconds per item on a busy machine; DynamoDB does not, so the absolute time
is the local stack's, and the ratio says how much of it is writing.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The layer as Lambda's /opt/python.
sys.path.insert(0, str(ROOT / "layers" / "common"))

from sendme.domain.contacts import ContactInput, normalized  # noqa: E402
from sendme.services.contacts_import import csv_rows  # noqa: E402

ROWS, SHORT_ROWS = int(os.environ.get("IMPORT_ROWS", "10000")), 200
AREA_CODES = ["202", "212", "213", "305", "312", "415", "617", "718", "303", "206"]


def write_file(path: Path, rows: int) -> None:
    with path.open("w") as handle:
        handle.write("name,phone,email,tags,plan\n")
        for number in range(rows):
            # +1 202 5xx xxxx: valid US numbers, all distinct.
            handle.write(
                f"Person {number},+1202{5000000 + number:07d},person{number}@example.com,t{number % 20},gold\n"
            )


def baseline(path: Path) -> float:
    started = time.perf_counter()
    with path.open() as handle:
        for row in csv_rows(handle):
            normalized(ContactInput.model_validate(row.fields), contact_id="x", created_at="now")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(rows: int) -> dict[str, int]:
    """Prints the times; returns the import's report (rows created, updated, rejected)."""
    with tempfile.TemporaryDirectory() as folder:
        data, state = Path(folder) / "contacts.csv", Path(folder) / "state.json"
        write_file(data, rows)
        stack = subprocess.Popen(
            [sys.executable, "-m", "devstack", "--port", str(free_port()), "--state-file", str(state)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while not state.exists():
                time.sleep(0.2)
            info = json.loads(state.read_text())
            environment = {
                **os.environ,
                "AWS_ENDPOINT_URL": info["aws_endpoint"],
                "ACCOUNTS_TABLE": info["accounts_table"],
                "PYTHONPATH": f"{ROOT / 'layers' / 'common'}{os.pathsep}{ROOT}",
            }
            command = [sys.executable, "-m", "sendme_admin", "import-contacts", info["org_id"], str(data), "--quiet"]
            started = time.perf_counter()
            result = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True)
            elapsed = time.perf_counter() - started
        finally:
            stack.send_signal(signal.SIGINT)
            try:
                stack.wait(timeout=120)
            except subprocess.TimeoutExpired:
                stack.kill()
        if result.returncode != 0:
            sys.exit(f"the import failed: {result.stderr.strip()}")
        report = json.loads(result.stdout)
        read_only = baseline(data)
    print(f"contacts import, {rows} rows through sendme-admin into the local stack")
    print(f"  baseline (read + validate, no writes): {read_only:8.2f} s  {rows / read_only:9.0f} rows/s")
    print(f"  import (end to end)                  : {elapsed:8.2f} s  {rows / elapsed:9.0f} rows/s")
    print(f"  import / baseline                    : {elapsed / read_only:8.1f}x")
    print(f"  report: created={report['created']} updated={report['updated']} rejected={report['rejected']}")
    return {"rows": rows} | {name: int(report[name]) for name in ("created", "updated", "rejected")}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help=f"{SHORT_ROWS} rows")
    parser.add_argument("--figures", type=Path, help="also write the import's report to this JSON file")
    arguments = parser.parse_args()
    measured = main(SHORT_ROWS if arguments.short else ROWS)
    if arguments.figures:
        arguments.figures.write_text(json.dumps(measured, indent=2))
