# The two commands that matter: `make run` (the local stack) and `make test` (every tier).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# python3.13: from PATH if it really is 3.13 (a pyenv shim may not be), else pyenv's 3.13.x.
PYTHON313 ?= $(shell for candidate in python3.13 $$(ls -d "$$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13 2>/dev/null | sort -V | tail -n 1); do \
	"$$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && { "$$candidate" -c 'import sys; print(sys.executable)'; break; }; done)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
# sam build runs the python3.13 it finds on PATH to install the layer's requirements.
SAM_ENV := PATH="$(dir $(PYTHON313)):$$PATH" SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1}
PYTEST := $(PY) -m pytest
ENV ?= default

.PHONY: help run test environments checks lint format typecheck validate checkov build unit integration e2e browser fuzz sam-local sam-api openapi openapi-check actionlint bench ledger deploy clean check-python

help:
	@echo "make run    start the whole stack locally (API on http://127.0.0.1:$${PORT:-3000})"
	@echo "make test   lint, typecheck, sam validate --lint, checkov (two at a time), sam build, unit, integration and e2e tests, fuzz, sam-local"
	@echo "make browser  the console (/console) in headless Chromium against the local stack (installs Debian's chromium)"
	@echo "make fuzz   schemathesis against the local stack (openapi.json, every check)"
	@echo "make sam-local  the e2e tests against sam local start-api (needs Docker; installs/starts it if it can)"
	@echo "make sam-api  make run's API under sam local start-api, each function in a Lambda container (Docker)"
	@echo "make openapi  regenerate openapi.json from the code (Swagger UI: /api/docs on make run)"
	@echo "make bench  run the benchmarks under bench/"
	@echo "make ledger  the fault scenarios of bench/ledger.py: every credit accounted for, none stranded or sent twice"
	@echo "make deploy ENV=prod  sam build + sam deploy --config-env ENV"

check-python:
	@test -n "$(PYTHON313)" || { echo "python3.13 not found: install it (e.g. pyenv install 3.13) or set PYTHON313=/path/to/python3.13" >&2; exit 1; }

$(VENV)/.installed: requirements-dev.txt layers/common/requirements.txt pyproject.toml | check-python
	test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

$(SAM_VENV)/.installed: requirements-sam.txt | check-python
	test -x $(SAM_VENV)/bin/python || $(PYTHON313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

run: $(VENV)/.installed
	$(PY) -m devstack

test: environments checks build unit integration e2e browser fuzz sam-local

# The three virtual environments do not depend on one another: on a clean clone they install side
# by side (one pip each, quiet; -O prints each one's output in one piece) before any step needs one.
environments: | check-python
	$(MAKE) --no-print-directory -j3 -O $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed

# The static checks: single-process tools that read the tree and write only their own caches, so
# two run at a time on the two cores, each one's output printed in one piece when it ends (-O).
# The test tiers then run one after another: they time real requests and must not compete.
checks:
	$(MAKE) --no-print-directory -j2 -O lint actionlint typecheck openapi-check validate checkov

# ruff, and the layer package's import contracts (pyproject.toml's [tool.importlinter]).
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

# The GitHub Actions workflows: syntax, expressions, permissions and the inputs of known actions.
actionlint: $(VENV)/.installed
	$(VENV)/bin/actionlint -color=false .github/workflows/*.yml

format: $(VENV)/.installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Every handler file is app.py, so each is checked on its own to keep module names unique.
typecheck: $(VENV)/.installed
	$(PY) -m mypy layers/common/sendme devstack tools tests $(wildcard bench/*.py)
	for handler in functions/*/app.py; do $(PY) -m mypy "$$handler" || exit 1; done

validate: $(SAM_VENV)/.installed
	$(SAM_ENV) $(SAM) validate --lint --template template.yaml

$(CHECKOV_VENV)/.installed: requirements-checkov.txt | check-python
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON313) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

# The infrastructure-as-code scanner: every finding is fixed or skipped in template.yaml with a reason.
checkov: $(CHECKOV_VENV)/.installed
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

build: $(SAM_VENV)/.installed
	$(SAM_ENV) $(SAM) build --template template.yaml

unit: $(VENV)/.installed
	$(PYTEST) tests/unit

integration: $(VENV)/.installed
	$(PYTEST) -n 2 tests/integration

e2e: $(VENV)/.installed
	$(PYTEST) tests/e2e

# The console in Debian's headless Chromium (installed here when missing) against the local stack;
# failures leave screenshots in .artifacts/browser/.
browser: $(VENV)/.installed
	tools/browser/install.sh
	$(PYTEST) tests/browser

# schemathesis against the local stack: every operation of openapi.json, every check
# (tests/fuzz/schemathesis.toml: the seed, the budget and each accepted exception).
fuzz: $(VENV)/.installed
	$(PYTEST) -s tests/fuzz

# The same e2e suite, each function in a Lambda container (tools/samlocal/e2e.sh says how).
sam-local: build $(VENV)/.installed
	tools/samlocal/e2e.sh

# By hand: sam local start-api on :$PORT (3000) in front of make run's backend (moto, the demo
# organisation, the worker), the demo API key printed once every function is warm. Ctrl-C stops it all.
sam-api: build $(VENV)/.installed
	image="$$(tools/samlocal/image.sh)" && exec $(PY) -m devstack --sam-local "$$image"

openapi: $(VENV)/.installed
	$(PY) -m tools.openapi

openapi-check: $(VENV)/.installed
	$(PY) -m tools.openapi --check

# Every script runs, even after one misses its target; the target fails if any did.
bench: $(VENV)/.installed
	status=0; for script in bench/*.py; do $(PY) "$$script" || status=1; done; exit $$status

# 50 messages per fault scenario; `make integration` runs each scenario's short form (tests/integration/test_ledger_chaos.py).
ledger: $(VENV)/.installed
	$(PY) bench/ledger.py

deploy: build $(VENV)/.installed
	$(SAM_ENV) $(SAM) deploy --config-env $(ENV)
	$(PY) -m tools.publish_console --config-env $(ENV)

clean:
	rm -rf .aws-sam .mypy_cache .pytest_cache .ruff_cache
