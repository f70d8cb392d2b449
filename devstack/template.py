"""Reads template.yaml: CloudFormation's short-form tags, intrinsic functions, routes, functions."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: the pure-Python one takes ~10x longer over template.yaml, and
# every integration test, bench script and local stack parses it.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(_SafeLoader):
    """SafeLoader that turns `!Ref X` into {"Ref": "X"}, `!GetAtt A.B` into {"Fn::GetAtt": [A, B]}..."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway form, e.g. /api/messages/{id}
    function: str  # logical id


@dataclass
class Intrinsics:
    """Values for Ref and GetAtt, filled in as resources are created."""

    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self.refs[value["Ref"]]
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            return self.attributes[(logical, attribute)]
        if "Fn::Sub" in value:
            return re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1)), value["Fn::Sub"])
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return separator.join(str(self.resolve(part)) for part in parts)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, name: str) -> str:
        if "." in name and not name.startswith("AWS::"):
            logical, attribute = name.split(".", 1)
            return self.attributes[(logical, attribute)]
        return self.refs[name]


class Template:
    def __init__(self, body: Mapping[str, Any]) -> None:
        self.body = body

    @classmethod
    def load(cls, path: Path = TEMPLATE_PATH) -> "Template":
        with path.open() as handle:
            return cls(yaml.load(handle, Loader=_CfnLoader))

    @property
    def resources(self) -> Mapping[str, Any]:
        resources: Mapping[str, Any] = self.body["Resources"]
        return resources

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical: resource.get("Properties", {})
            for logical, resource in self.resources.items()
            if resource["Type"] == resource_type
        }

    def parameter_defaults(self) -> dict[str, str]:
        return {name: str(spec.get("Default", "")) for name, spec in self.body.get("Parameters", {}).items()}

    def function_environment(self, logical: str) -> dict[str, Any]:
        shared = self.body.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
        own = self.resources[logical]["Properties"].get("Environment", {}).get("Variables", {})
        return {**shared, **own}

    def function_code(self, logical: str) -> Path:
        return ROOT / str(self.resources[logical]["Properties"]["CodeUri"])

    def function_handler(self, logical: str) -> str:
        properties = self.resources[logical]["Properties"]
        return str(properties.get("Handler") or self.body["Globals"]["Function"]["Handler"])

    def function_timeout(self, logical: str) -> int:
        properties = self.resources[logical]["Properties"]
        return int(properties.get("Timeout") or self.body["Globals"]["Function"].get("Timeout", 3))

    def events(self, event_type: str) -> list[tuple[str, dict[str, Any]]]:
        """(function logical id, event properties) for every event of `event_type`."""
        return [
            (logical, event["Properties"])
            for logical, properties in self.of_type("AWS::Serverless::Function").items()
            for event in properties.get("Events", {}).values()
            if event["Type"] == event_type
        ]

    def routes(self) -> list[Route]:
        return [Route(props["Method"].upper(), props["Path"], logical) for logical, props in self.events("Api")]

    def api(self) -> dict[str, Any]:
        (properties,) = self.of_type("AWS::Serverless::Api").values()
        return properties

    def gateway_responses(self) -> dict[str, dict[str, Any]]:
        return dict(self.api().get("GatewayResponses", {}))
