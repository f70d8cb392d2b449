"""bench/cold_start: each function's import next to the bare import of the libraries it needs.

A cold start imports the handler (functions/<name>/app.py, the layer on sys.path) before its
first event. For each function of template.yaml this times, in fresh processes taken in turn,
that import and the import of only the third-party modules the function needs (NEEDS below:
boto3, pydantic and its settings, the Powertools parts it uses, phonenumbers and the email
validator where it reads recipients), in 7 runs, and prints the medians and the median of the
runs' ratios: the layer's own cost over its libraries'. A run imports each side twice, in the
order handler, floor, floor, handler, so that a machine shared with other work weighs on both
alike. The target is at most 1.15x.

Times are the child's CPU time (process_time): an import reads cached files and runs Python, so
CPU time is its cost, and it does not count the waits of a machine shared with other work.
Both sides load what Lambda loads, compiled as it is there. The layer's `sendme` package is
built by the layer's own Makefile (`make -C layers/common package`, the half of `sam build`'s
layer that is this project's code) into a temporary folder: the source with unchecked-hash
bytecode, which Lambda uses as is on its read-only /opt (decision 37). The libraries, on both
sides, are this virtualenv's, with the bytecode pip wrote at install: the same files for the
handler and its floor, so the ratio is the layer's own cost. The function's folder is copied
without bytecode, as `sam build` ships it (its app.py is compiled at each cold start, on both
Lambda and here). Outside Lambda tracing is off, so neither side loads the X-Ray SDK (the
handlers load it on their first event where tracing is on).

    .venv/bin/python bench/cold_start.py            # the table (about five minutes)
    .venv/bin/python bench/cold_start.py --short    # no timings: the modules each import loads

`--figures PATH` writes, per function, the libraries its import loads beyond its floor's, the
layer's modules it loads, and those of them without bytecode: tests/integration/test_bench_gates.py
holds them (a function wires no service it does not use, loads no more of the layer than it did,
and Lambda compiles none of it). Timings are never a gate.
"""

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from devstack.template import Template  # noqa: E402

RUNS, TARGET = 7, 1.15
LAYER = ROOT / "layers" / "common"
# Every handler logs, publishes metrics and types its context as Powertools' LambdaContext.
POWERTOOLS_CORE = (
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.metrics",
    "aws_lambda_powertools.utilities.typing",
)
# Every function reads DynamoDB with key and filter conditions.
BASE = ("boto3", "boto3.dynamodb.conditions", "pydantic", "pydantic_settings", *POWERTOOLS_CORE)
# The resolver validates each request against its route's models (enable_validation).
API = (
    *BASE,
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.event_handler.middlewares.openapi_validation",
    "aws_lambda_powertools.logging.correlation_paths",  # each log line carries the request's id
)
BATCH = (*BASE, "aws_lambda_powertools.utilities.batch", "aws_lambda_powertools.utilities.parser")
# Numbers and addresses, read and normalised: phonenumbers, and pydantic's email validation
# (EmailStr, in pydantic.networks, over email_validator).
RECIPIENTS = ("phonenumbers", "email_validator", "pydantic.networks")
SNS_EVENTS = "aws_lambda_powertools.utilities.parser.models.sns"
IDEMPOTENCY = ("aws_lambda_powertools.utilities.idempotency",)
# The third-party modules each function's first request needs, by its folder under functions/.
NEEDS: dict[str, tuple[str, ...]] = {
    "list_messages": (*API, *RECIPIENTS),  # the recipient and countryCode filters
    "sendo_messages": (*API, *RECIPIENTS),  # the number filter
    "contacts": (*API, *RECIPIENTS),
    "send_sms": (*API, *RECIPIENTS, *IDEMPOTENCY),
    "send_email": (*API, *RECIPIENTS, *IDEMPOTENCY),
    "workspace_messages": (*API, *RECIPIENTS, *IDEMPOTENCY),  # it lists and sends
    "delivery_worker": BATCH,
    "dead_letters": BATCH,
    "fanout_worker": (*BATCH, *RECIPIENTS, *IDEMPOTENCY),  # a job runs the send's rules
    "send_job_dead_letters": (*BATCH, *RECIPIENTS, *IDEMPOTENCY),
    # SES events arrive through SNS, SNS SMS delivery logs through CloudWatch Logs; suppressed addresses
    "receipts": (
        *BASE,
        "aws_lambda_powertools.utilities.parser",
        SNS_EVENTS,
        "aws_lambda_powertools.utilities.parser.models.cloudwatch",
        *RECIPIENTS,
    ),
    "sweeper": (*BASE, *RECIPIENTS),  # a due send job's audience rules
    "templates": (*API, *RECIPIENTS),  # a preview renders for a contact; pystache loads with it
    # The operations table every API function validates with reads contacts' formats.
    "campaigns": (*API, *RECIPIENTS),
    "cancel_messages": (*API, *RECIPIENTS),
    # An event's body is the list item (sendme.contracts.messages reads numbers for the filters).
    "webhooks": (*API, *RECIPIENTS),
    "suppressions": (*API, *RECIPIENTS),  # the recipient named in the path
    "inbound_sms": (*BASE, "aws_lambda_powertools.utilities.parser", SNS_EVENTS, *RECIPIENTS),
    "webhook_events": (*BATCH, *RECIPIENTS, "boto3.dynamodb.types"),  # a stream record's attribute values
    "webhook_delivery": (*BATCH, *RECIPIENTS),
}
# What a child prints: its CPU time for the import, and the modules loaded by then.
CHILD = """
import json, sys, time
sys.path[:0] = {path!r}
started = time.process_time()
{imports}
spent = time.process_time() - started
print(json.dumps({{"ms": spent * 1000, "modules": sorted(sys.modules)}}))
"""


def functions() -> dict[str, Path]:
    """Every function of the template, by its folder name."""
    template = Template.load()
    code = [template.function_code(logical) for logical in template.of_type("AWS::Serverless::Function")]
    return {path.name: path for path in sorted(code)}


def run_child(path: list[str], imports: list[str]) -> dict[str, Any]:
    code = CHILD.format(path=path, imports="\n".join(imports))
    # No tracing outside Lambda, and nothing of this shell's settings steering an import.
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("POWERTOOLS_", "AWS_"))}
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment, cwd=ROOT
    )
    result: dict[str, Any] = json.loads(completed.stdout.splitlines()[-1])
    return result


def as_deployed(folders: dict[str, Path], into: Path) -> dict[str, Path]:
    """The layer's package as its build compiles it, and the functions without bytecode, in `into`."""
    make = ["make", "--silent", "-C", str(LAYER), "package", f"ARTIFACTS_DIR={into}", f"PYTHON={sys.executable}"]
    subprocess.run(make, check=True, capture_output=True)
    no_bytecode = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name, folder in folders.items():
        shutil.copytree(folder, into / "functions" / name, ignore=no_bytecode)
    return {name: into / "functions" / name for name in folders}


def handler_import(folder: Path) -> dict[str, Any]:
    """As Lambda imports it: the function's folder first on sys.path, then the layer."""
    return run_child([str(folder), str(folder.parents[1] / "python")], ["import app"])


def floor_import(name: str) -> dict[str, Any]:
    return _import_of(NEEDS[name])


def _import_of(needs: tuple[str, ...]) -> dict[str, Any]:
    return run_child([], [f"import {module}" for module in needs])


@cache
def floor_modules(needs: tuple[str, ...]) -> list[str]:
    """What a floor's import loads, read once: 18 functions share 7 floors."""
    modules: list[str] = _import_of(needs)["modules"]
    return modules


def third_party(module: str) -> bool:
    top = module.split(".")[0]
    return top not in sys.stdlib_module_names and top not in {"app", "sendme"}


def loaded(name: str, folder: Path) -> dict[str, Any]:
    """What a function's import loads: the library modules beyond its floor's (each one, not
    only each library: a floor must hold every part of a library its function uses), the
    layer's modules, and those of them Lambda would compile at every cold start."""
    handler, floor = handler_import(folder)["modules"], set(floor_modules(NEEDS[name]))
    beyond = {module for module in handler if third_party(module) and module not in floor}
    layer = [m for m in handler if m.startswith("sendme.")]
    return {
        "libraries_beyond_floor": sorted(beyond),
        "layer": layer,
        "layer_without_bytecode": without_bytecode(folder.parents[1] / "python", layer),
    }


def without_bytecode(layer: Path, modules: list[str]) -> list[str]:
    """The modules with no unchecked-hash .pyc beside their source in `layer`: the flags word
    after a .pyc's magic number is 0b01 for a hash-based one whose source is never read (PEP 552)."""
    missing = []
    for module in modules:
        source = layer.joinpath(*module.split("."))
        source = source / "__init__.py" if source.is_dir() else source.with_suffix(".py")
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.is_file() or cached.read_bytes()[4:8] != (0b01).to_bytes(4, "little"):
            missing.append(module)
    return missing


def timings(folders: dict[str, Path]) -> dict[str, dict[str, float]]:
    spent: dict[str, dict[str, list[float]]] = {name: {"handler": [], "floor": []} for name in folders}
    for _ in range(RUNS):
        for name, folder in folders.items():
            # Handler, floor, floor, handler: a machine getting busier or quieter during the run
            # weighs on both sides alike.
            first = handler_import(folder)["ms"]
            floor = (floor_import(name)["ms"] + floor_import(name)["ms"]) / 2
            spent[name]["handler"].append((first + handler_import(folder)["ms"]) / 2)
            spent[name]["floor"].append(floor)
    medians = {name: {side: statistics.median(times) for side, times in sides.items()} for name, sides in spent.items()}
    for name, figures in medians.items():
        # The median of the runs' ratios: a ratio of the two medians could set a handler's quiet
        # moment against its floor's busy one.
        pairs = zip(spent[name]["handler"], spent[name]["floor"], strict=True)
        figures["ratio"] = statistics.median(handler / floor for handler, floor in pairs)
    return medians


def report(medians: dict[str, dict[str, float]]) -> None:
    print(f"bench/cold_start: import CPU ms, median of {RUNS} runs in fresh processes; target <= {TARGET}x the floor")
    print(f"\n{'function':<22} {'handler':>8} {'floor':>8} {'ratio':>7}")
    for name, figures in medians.items():
        verdict = "" if figures["ratio"] <= TARGET else "  over"
        print(f"{name:<22} {figures['handler']:>8.0f} {figures['floor']:>8.0f} {figures['ratio']:>6.2f}x{verdict}")
    print("\nfloor: `import` of the function's NEEDS (bench/cold_start.py) in a fresh process")
    print("ratio: the median of the runs' handler / floor, each run importing handler, floor, floor, handler")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="no timings: only the modules each import loads")
    parser.add_argument("--figures", type=Path, help="also write the modules each import loads to this JSON file")
    arguments = parser.parse_args()
    if unknown := set(functions()) - set(NEEDS):
        raise SystemExit(f"bench/cold_start.py: no NEEDS for {sorted(unknown)}")
    with tempfile.TemporaryDirectory(prefix="sendme-cold-start-") as copy:
        folders = as_deployed(functions(), Path(copy))
        if not arguments.short:
            report(timings(folders))
        modules = {name: loaded(name, folder) for name, folder in folders.items()}
    for name, found in modules.items():
        print(f"{name}: libraries beyond the floor: {', '.join(found['libraries_beyond_floor']) or 'none'}")
    if arguments.figures:
        arguments.figures.write_text(json.dumps(modules, indent=2))
