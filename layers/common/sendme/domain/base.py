"""The base of every pydantic model: snake_case in Python, camelCase on the wire and in DynamoDB."""

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel

from sendme.domain.errors import RequestInvalidError

# The config of a request body: a field the API does not know is refused (400 naming it), not
# ignored, so a client sending `scheduledAt` learns that its message would go out now.
REFUSE_UNKNOWN_FIELDS = ConfigDict(extra="forbid")


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True)

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def not_null(schema: dict[str, Any]) -> None:
    """The JSON schema of an `X | None` field that may be left out but not sent as null:
    `Field(default=None, json_schema_extra=not_null)`."""
    (kept,) = [option for option in schema.pop("anyOf") if option != {"type": "null"}]
    schema.update(kept)


class NullsRefused(CamelModel):
    """A patch whose `not_null` fields may be left out but not sent as null: the schema says so,
    and a stored item must never lose what its own schema requires."""

    @model_validator(mode="after")
    def _refuse_explicit_nulls(self) -> Self:
        for name in self.model_fields_set:
            field = type(self).model_fields[name]
            if field.json_schema_extra is not_null and getattr(self, name) is None:
                wire = field.alias or name
                raise RequestInvalidError(f"The parameter '{wire}' cannot be null", field=wire)
        return self
