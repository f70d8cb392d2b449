"""samconfig.toml's environments and the deploy workflow: what `sam deploy --config-env` will use."""

import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from devstack.template import ROOT, Template

ENVIRONMENTS = ["default", "prod"]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def samconfig() -> dict:
    with (ROOT / "samconfig.toml").open("rb") as handle:
        return tomllib.load(handle)


def overrides(environment: str) -> dict[str, str]:
    pairs = shlex.split(samconfig()[environment]["deploy"]["parameters"]["parameter_overrides"])
    return dict(pair.split("=", 1) for pair in pairs)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_samconfig_environment_names_its_stack_and_region(environment: str):
    parameters = samconfig()[environment]["global"]["parameters"]
    assert parameters["stack_name"].startswith("sendme-")
    assert parameters["region"]


def test_samconfig_environments_deploy_distinct_stacks():
    names = {samconfig()[environment]["global"]["parameters"]["stack_name"] for environment in ENVIRONMENTS}
    assert len(names) == len(ENVIRONMENTS)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_samconfig_overrides_are_template_parameters_with_allowed_values(environment: str):
    declared = Template.load().body["Parameters"]
    for name, value in overrides(environment).items():
        assert name in declared, f"{environment} overrides {name}, which template.yaml does not declare"
        allowed = declared[name].get("AllowedValues")
        assert allowed is None or value in map(str, allowed), f"{environment}: {name}={value} is not one of {allowed}"


def test_samconfig_prod_runs_at_the_prod_stage_and_log_level():
    assert overrides("prod")["Stage"] == "prod"
    assert overrides("prod")["LogLevel"] != "DEBUG"


def _deploy_job() -> dict:
    workflow = yaml.safe_load(Path(WORKFLOW).read_text())
    job: dict = workflow["jobs"]["deploy"]
    return job


def test_workflow_deploy_assumes_a_role_through_oidc_with_no_stored_keys():
    job = _deploy_job()
    assert job["permissions"]["id-token"] == "write"
    (credentials,) = [step for step in job["steps"] if "configure-aws-credentials" in step.get("uses", "")]
    assert "role-to-assume" in credentials["with"]
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(credentials["with"])
    assert "secrets." not in WORKFLOW.read_text()


def test_workflow_deploys_only_after_the_tests_pass():
    job = _deploy_job()
    assert job["needs"] == "test"
    assert any("sam deploy --config-env" in step.get("run", "") for step in job["steps"])
