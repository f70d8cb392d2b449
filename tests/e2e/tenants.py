"""Tenants made as an administrator makes them: the installed sendme-admin against the stack."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from devstack.environment import LOCAL_AWS_ENVIRONMENT

from .conftest import Api
from .targets import ROOT

# Installed into .venv by the Makefile (an editable install of the project's [project.scripts]).
COMMAND = Path(sys.executable).with_name("sendme-admin")


def admin(local_stack: dict[str, Any], *arguments: str) -> subprocess.CompletedProcess[str]:
    """The installed `sendme-admin`, run as the banner of `make run` says, against the local stack."""
    environment = {
        **os.environ,
        "AWS_ENDPOINT_URL": local_stack["aws_endpoint"],
        "ACCOUNTS_TABLE": local_stack["accounts_table"],
    }
    if urlparse(local_stack["aws_endpoint"]).hostname == "127.0.0.1":
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
            environment.pop(name, None)  # the loopback endpoint needs no credentials
    else:
        environment.update(LOCAL_AWS_ENVIRONMENT)  # moto on sam-local's docker network takes any
    return subprocess.run(
        [str(COMMAND), *arguments], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def admin_json(local_stack: dict[str, Any], *arguments: str) -> Any:
    result = admin(local_stack, *arguments)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@dataclass
class Tenant:
    org_id: str
    api: Api


def new_tenant(local_stack: dict[str, Any], *options: str) -> Tenant:
    """An organisation created and keyed through the CLI, as an administrator would."""
    organization = admin_json(local_stack, "create-org", "E2E tenant", "--credits", "50", *options)
    issued = admin_json(local_stack, "issue-key", organization["id"])
    return Tenant(organization["id"], Api(local_stack["api_url"], issued["apiKey"]))
