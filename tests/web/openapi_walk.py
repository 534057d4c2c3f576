"""Walks an OpenAPI document: every operation, with URLs and bodies built from its schemas.

Used by the isolation test to call every route generically (routes added later are covered
without touching the test). Values come from a ``Filler``: identity-like names (tenant, *_id,
email) get the values under attack, everything else the caller's own marker string.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
TENANT_NAMES = re.compile(r"(^|_)(tenant|realm|slug)(_slug)?$")
ID_NAMES = re.compile(r"(^id$|_id$|^uuid$)")
EMAIL_NAMES = re.compile(r"(email|username|user)$")
# Values that identify something: UUIDs (ids here are UUIDv7) and 32/64-hex digests.
IDENTIFIER_RE = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{64}\b"
)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: Mapping[str, Any]

    @property
    def path_params(self) -> list[str]:
        return [p["name"] for p in self.spec.get("parameters", []) if p.get("in") == "path"]

    @property
    def query_params(self) -> list[Mapping[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p.get("in") == "query"]

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(document: Mapping[str, Any]) -> list[Operation]:
    return [
        Operation(method, path, spec)
        for path, item in sorted(document.get("paths", {}).items())
        for method, spec in item.items()
        if method in HTTP_METHODS
    ]


@dataclass
class Filler:
    """Values for parameters and body fields: ``tenant``, ``ids`` and ``email`` are the values
    aimed at (the other tenant's, in an attack); free text is ``marker`` (the caller's own)."""

    tenant: str
    ids: Sequence[str]
    email: str
    marker: str
    by_name: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def scalar(self, name: str, schema: Mapping[str, Any]) -> Any:
        lowered = name.lower()
        if self.by_name.get(lowered):
            return self.by_name[lowered][0]
        kind = schema.get("type")
        if schema.get("enum"):
            return schema["enum"][0]
        if "const" in schema:
            return schema["const"]
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
            high = schema.get("maximum", low + 10)
            value = min(max(1, low + (1 if "exclusiveMinimum" in schema else 0)), high)
            return int(value) if kind == "integer" else float(value)
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2026-01-01T00:00:00+00:00"
        if fmt == "date":
            return "2026-01-01"
        if fmt == "uuid" or ID_NAMES.search(lowered):
            return self.ids[0] if self.ids else str(uuid.uuid4())
        if fmt == "email" or EMAIL_NAMES.search(lowered):
            return self.email
        if TENANT_NAMES.search(lowered):
            return self.tenant
        return self.marker

    def value(
        self, schema: Mapping[str, Any], components: Mapping[str, Any], name: str = "", depth: int = 0
    ) -> Any:
        schema = resolve(schema, components)
        if depth > 6:
            return None
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                options = [resolve(s, components) for s in schema[combinator]]
                chosen = next((s for s in options if s.get("type") != "null"), options[0])
                return self.value(chosen, components, name, depth + 1)
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(resolve(part, components))
            return self.value(merged, components, name, depth + 1)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            return {
                prop: self.value(sub, components, prop, depth + 1)
                for prop, sub in schema.get("properties", {}).items()
            }
        if kind == "array":
            return [self.value(schema.get("items", {}), components, name, depth + 1)]
        if kind == "null":
            return None
        return self.scalar(name, schema)

    def path_value(self, name: str) -> str:
        return str(self.scalar(name, {"type": "string"}))


def resolve(schema: Mapping[str, Any], components: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        schema = components.get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return schema


@dataclass(frozen=True)
class Call:
    operation: Operation
    url: str
    json_body: Any = None
    form_body: Mapping[str, str] | None = None
    query: Mapping[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return f"{self.url} {self.query} {self.json_body} {self.form_body}"


def build_call(
    op: Operation, filler: Filler, components: Mapping[str, Any], path_values: Mapping[str, str]
) -> Call:
    url = op.path
    for name in op.path_params:
        url = url.replace("{" + name + "}", path_values.get(name) or filler.path_value(name))
    query: dict[str, str] = {}
    for param in op.query_params:
        name = param["name"]
        identity_like = bool(TENANT_NAMES.search(name) or ID_NAMES.search(name) or EMAIL_NAMES.search(name))
        if param.get("required") or identity_like:
            query[name] = str(filler.value(param.get("schema", {}), components, name))
    content = op.spec.get("requestBody", {}).get("content", {})
    json_body: Any = None
    form_body: dict[str, str] | None = None
    if "application/json" in content:
        json_body = filler.value(content["application/json"].get("schema", {}), components)
    elif any(
        kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")) for kind in content
    ):
        kind = next(k for k in content if k.startswith(("application/x-www-form", "multipart/form-data")))
        raw = filler.value(content[kind].get("schema", {}), components)
        form_body = {k: str(v) for k, v in (raw or {}).items()}
    elif op.method in ("post", "put", "patch"):
        # A route that reads its body itself (the token endpoint): the usual identity fields.
        json_body = {
            "tenant": filler.tenant,
            "username": filler.email,
            "email": filler.email,
            "id": filler.path_value("id"),
        }
    return Call(op, url, json_body, form_body, query)


def strings_in(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (key, string) pair in a JSON value, keys lowercased."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from strings_in(v, str(k).lower())
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item, key)
    elif isinstance(value, str):
        yield key, value
