"""schemathesis against the local stack: openapi.json is what the API does, for any input."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.e2e.targets import ROOT, Stack, devstack
from tests.e2e.tenants import admin_json

CONFIG = Path(__file__).with_name("schemathesis.toml")
PEERS = ("first-organisation", "second-organisation")
# The budget the seed and max-examples in CONFIG must keep to.
MIN_CASES = 1000


def fuzzing_tenant(stack: Stack) -> str:
    """An organisation that can afford every send and is never throttled, made with sendme-admin."""
    organization = admin_json(stack, "create-org", "Fuzzing", "--credits", "1000000000", "--accept-terms")
    admin_json(stack, "set-limits", organization["id"], "--requests-per-minute", "1000000")
    issued = admin_json(stack, "issue-key", organization["id"])
    return str(issued["apiKey"])


def test_schemathesis_finds_no_failure(tmp_path: Path) -> None:
    # Given the local stack and two organisations, each with a key (sendme-admin)
    with devstack(tmp_path, "--port", "0") as stack:
        auth = [{"name": name, "fixedHeaders": [{"name": "api-key", "value": fuzzing_tenant(stack)}]} for name in PEERS]
        (tmp_path / "auth.json").write_text(json.dumps({"auth": auth}))
        # When schemathesis runs every operation of openapi.json with every check
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "--config-file",
                str(CONFIG),
                "run",
                str(ROOT / "openapi.json"),
                "--url",
                stack["api_url"],
                "--checks",
                "all",
            ],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},  # for the config's hooks module
            capture_output=True,
            text=True,
            timeout=900,
        )
    report = run.stdout + run.stderr
    (tmp_path / "schemathesis.txt").write_text(report)
    # The run's summary (phases, failures, "N generated"), printed by `make fuzz`.
    print(report[report.rfind("SUMMARY") :])
    # Then no check fails, within the budget of cases the config fixes
    assert run.returncode == 0, report[-20000:]
    cases = re.search(r"(\d+) generated", report)
    assert cases, report[-2000:]
    assert int(cases.group(1)) >= MIN_CASES
