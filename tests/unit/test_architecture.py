"""Handlers are the top of the import graph, which import-linter cannot see (they are not a
package): each functions/*/app.py may import the layer's edge, wiring, wire contracts, domain
and observability, Powertools and the standard library, and nothing else."""

import ast
import sys
from pathlib import Path

import pytest

HANDLERS = sorted((Path(__file__).parents[2] / "functions").glob("*/app.py"))
ALLOWED_LAYER_PACKAGES = {"edge", "wiring", "contracts", "domain", "observability"}
ALLOWED_LIBRARIES = {"aws_lambda_powertools"}


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    return modules + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]


def is_allowed(module: str) -> bool:
    top, _, rest = module.partition(".")
    if top == "sendme":
        return rest.partition(".")[0] in ALLOWED_LAYER_PACKAGES
    return top in ALLOWED_LIBRARIES or top in sys.stdlib_module_names


def test_handlers_are_found():
    assert len(HANDLERS) >= 10  # ten functions: the API four and the six fed by queues and schedules


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda path: path.parent.name)
def test_handler_imports_only_what_its_layer_allows(handler: Path):
    # Given a handler file, When its imports are read, Then each is the edge, wiring, contracts,
    # domain, observability, Powertools or the standard library
    assert [module for module in imported_modules(handler) if not is_allowed(module)] == []


def test_a_storage_import_in_a_handler_is_refused():
    assert not is_allowed("sendme.storage.messages")
    assert not is_allowed("boto3")
    assert is_allowed("sendme.wiring.accounts")
