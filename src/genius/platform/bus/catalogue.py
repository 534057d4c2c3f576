"""The catalogue of message types: names, versions, data schemas, and docs/events.md rendered from them.

A message type is a frozen dataclass with ``event_type`` and ``schema_version`` class variables,
normally a subclass of ``genius.kernel.messages.Event`` so that apps declare their events in
``events.py`` importing only the kernel. Fields are documented with ``Annotated[T, "what it is"]``.

Names follow the bus rules (DESIGN.md, issue 3):

* domain events ``<app>.<aggregate>.<past_tense>`` (``sales.invoice.issued``),
* worker commands ``worker.request.<tag>`` and their replies ``worker.response.<tag>``, where a tag
  is one or more lowercase segments joined by dots (``ocr``, ``pdf.render``, ``anaf.efactura``),
* audit events ``audit.<app>.<action>``.

The bus refuses to publish a type that is not registered, so the catalogue is the complete list of
what the code can publish; a test checks it against docs/events.md both ways.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
import threading
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from genius.kernel.messages import Event
from genius.platform.bus.schema import (
    CatalogueError,
    decode_value,
    encode_value,
    init_fields,
    plan,
    strip_annotation,
    type_label,
    unwrap_optional,
)

SCHEMA_URN = "urn:genius:schema:{name}:v{version}"
_SEGMENT = r"[a-z][a-z0-9_]*"
_DOMAIN_RE = re.compile(rf"^{_SEGMENT}\.{_SEGMENT}\.{_SEGMENT}$")
# A worker tag: dotted lowercase segments (``pdf.render``); no empty, uppercase or trailing segment.
_TAG = rf"{_SEGMENT}(?:\.{_SEGMENT})*"
_TAG_RE = re.compile(rf"^worker\.(request|response)\.({_TAG})$")
_AUDIT_RE = re.compile(rf"^audit\.{_SEGMENT}\.{_SEGMENT}$")
# Past participles that do not end in -ed; extend when an event needs another (house style:
# events are past-tense facts, DESIGN.md "House style").
IRREGULAR_PAST = frozenset(
    {
        "sent",
        "paid",
        "built",
        "made",
        "done",
        "taken",
        "given",
        "written",
        "held",
        "lost",
        "sold",
        "bought",
        "set",
        "put",
        "run",
        "begun",
        "withdrawn",
        "drawn",
        "frozen",
        "chosen",
        "split",
        "read",
    }
)


class MessageKind(StrEnum):
    DOMAIN = "domain event"
    COMMAND = "worker command"
    REPLY = "worker reply"
    AUDIT = "audit event"


def kind_of(name: str) -> MessageKind:
    """The kind a type name declares; refuses names that break the naming rules."""
    tagged = _TAG_RE.fullmatch(name)
    if tagged:
        return MessageKind.COMMAND if tagged.group(1) == "request" else MessageKind.REPLY
    if name.startswith("worker."):
        raise CatalogueError.for_field(
            "type",
            f"{name!r}: worker messages are worker.request|response.<tag>,"
            " the tag lowercase words joined by dots (pdf.render)",
        )
    if name.startswith("audit."):
        if not _AUDIT_RE.fullmatch(name):
            raise CatalogueError.for_field("type", f"{name!r}: audit events are audit.<app>.<action>")
        return MessageKind.AUDIT
    if not _DOMAIN_RE.fullmatch(name):
        raise CatalogueError.for_field(
            "type", f"{name!r}: domain events are <app>.<aggregate>.<past_tense> in lowercase"
        )
    verb = name.rsplit(".", 1)[1].rsplit("_", 1)[-1]
    if not (verb.endswith("ed") or verb in IRREGULAR_PAST):
        raise CatalogueError.for_field(
            "type", f"{name!r}: the last part of a domain event is a past participle ('issued', 'sent')"
        )
    return MessageKind.DOMAIN


def tag_of(name: str) -> str | None:
    """The worker tag of ``worker.request.<tag>`` / ``worker.response.<tag>``."""
    tagged = _TAG_RE.fullmatch(name)
    return tagged.group(2) if tagged else None


@dataclass(frozen=True)
class FieldSpec:
    """One field of a data schema, as docs/events.md shows it."""

    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class MessageType:
    """A registered type at one version: its data class, schema and documentation."""

    name: str
    version: int
    kind: MessageKind
    data_class: type
    description: str
    fields: tuple[FieldSpec, ...]

    @property
    def dataschema(self) -> str:
        return SCHEMA_URN.format(name=self.name, version=self.version)

    def encode(self, message: Any) -> dict[str, Any]:
        """The JSON object of a message instance (Decimal as string, datetimes RFC 3339)."""
        if not isinstance(message, self.data_class):
            raise CatalogueError.for_field("data", f"expected {self.data_class.__name__} for {self.name}")
        return {name: encode_value(getattr(message, name), hint) for name, hint, _f in plan(self.data_class)}

    def decode(self, data: Mapping[str, Any]) -> Any:
        """A message instance from its JSON object; names the field that does not fit."""
        values: dict[str, Any] = {}
        for name, hint, f in plan(self.data_class):
            if name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise CatalogueError.for_field(f"data.{name}", f"required by {self.name} v{self.version}")
                continue
            values[name] = decode_value(data[name], hint, f"data.{name}")
        return self.data_class(**values)


# -- the registry ------------------------------------------------------------------------------
def describe(cls: type) -> MessageType:
    """Build the MessageType of a data class; refuses bad names, versions and field types."""
    name = getattr(cls, "event_type", "")
    version = getattr(cls, "schema_version", 1)
    if not dataclasses.is_dataclass(cls):
        raise CatalogueError.for_field("data_class", f"{cls.__name__} must be a dataclass")
    if not isinstance(version, int) or version < 1:
        raise CatalogueError.for_field("schema_version", f"{cls.__name__}: a positive integer")
    kind = kind_of(name)
    hints = typing.get_type_hints(cls, include_extras=True)
    specs = []
    for f in init_fields(cls):
        _, description = strip_annotation(hints[f.name])
        if not description:
            raise CatalogueError.for_field(
                f"{name}.{f.name}", 'document the field: Annotated[type, "what it is"]'
            )
        _, optional = unwrap_optional(strip_annotation(hints[f.name])[0])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        specs.append(FieldSpec(f.name, type_label(hints[f.name]), required and not optional, description))
    doc = (cls.__doc__ or "").strip().splitlines()
    description = doc[0] if doc and not doc[0].startswith(cls.__name__ + "(") else ""
    if not description:
        raise CatalogueError.for_field(
            name, f"{cls.__name__} needs a one-line docstring saying what happened"
        )
    return MessageType(name, version, kind, cls, description, tuple(specs))


class Catalogue:
    """Registered message types by (name, version); kernel ``Event`` subclasses join on lookup."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, int], MessageType] = {}
        self._lock = threading.Lock()
        self._discovered = False
        self.rejected: dict[type, CatalogueError] = {}

    def register(self, cls: type) -> type:
        """Register a message data class (usable as a class decorator)."""
        spec = describe(cls)
        with self._lock:
            known = self._types.get((spec.name, spec.version))
            if known is not None and known.data_class is not cls:
                if (
                    known.data_class.__qualname__ == cls.__qualname__
                    and known.data_class.__module__ == cls.__module__
                ):
                    self._types[(spec.name, spec.version)] = spec  # a module reloaded (tests)
                    return cls
                raise CatalogueError.for_field(
                    "type",
                    f"{spec.name} v{spec.version} is already registered by {known.data_class.__qualname__}",
                )
            self._types[(spec.name, spec.version)] = spec
        return cls

    def _absorb_kernel_events(self) -> None:
        stack = list(Event.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            key = (getattr(cls, "event_type", ""), getattr(cls, "schema_version", 1))
            if not key[0] or cls in self.rejected or self._types.get(key, None) is not None:
                continue
            try:
                self.register(cls)
            except CatalogueError as exc:
                # Kept aside, not raised here: one bad class must not break every lookup.
                # publish() of it fails with this error; test_catalogue lists them.
                self.rejected[cls] = exc

    def all(self) -> list[MessageType]:
        self._absorb_kernel_events()
        with self._lock:
            return sorted(self._types.values(), key=lambda t: (t.name, t.version))

    def get(self, name: str, version: int | None = None) -> MessageType:
        try:
            return self._lookup(name, version)
        except CatalogueError:
            if self._discovered:
                raise
        # A consumer process may not have imported the module declaring the type yet; threads
        # wait here until the one that imports has finished.
        with _DISCOVERY_LOCK:
            if not self._discovered:
                discover()
        return self._lookup(name, version)

    def _lookup(self, name: str, version: int | None) -> MessageType:
        if version is not None:
            known = self._types.get((name, version))
            if known is not None:  # the hot path: no walk over Event subclasses
                return known
        self._absorb_kernel_events()
        with self._lock:
            if version is not None:
                found = self._types.get((name, version))
            else:
                versions = [t for (n, _v), t in self._types.items() if n == name]
                found = max(versions, key=lambda t: t.version) if versions else None
        if found is None:
            at = f" v{version}" if version is not None else ""
            raise CatalogueError.for_field(
                "type",
                f"{name}{at} is not a registered message type (see docs/events.md)",
                code="unknown_type",
            )
        return found

    def for_message(self, message: Any) -> MessageType:
        cls = type(message)
        known = self._types.get((getattr(cls, "event_type", ""), getattr(cls, "schema_version", 1)))
        if known is not None and known.data_class is cls:
            return known
        self._absorb_kernel_events()
        if cls in self.rejected:
            raise self.rejected[cls]
        spec = self.get(getattr(cls, "event_type", ""), getattr(cls, "schema_version", 1))
        if spec.data_class is not cls:
            raise CatalogueError.for_field(
                "type", f"{spec.name} is registered for {spec.data_class.__qualname__}"
            )
        return spec

    def version_of_schema(self, dataschema: str | None) -> int | None:
        match = re.fullmatch(r"urn:genius:schema:(.+):v(\d+)", dataschema or "")
        return int(match.group(2)) if match else None


CATALOGUE = Catalogue()
register = CATALOGUE.register

# Modules that declare message types, imported by discover(): apps' events.py and messages.py.
MESSAGE_MODULE_NAMES = frozenset({"events", "messages"})


_DISCOVERY_LOCK = threading.RLock()


def discover(package: str = "genius") -> Catalogue:
    """Import every ``events``/``messages`` module under ``package`` so all types are registered."""
    with _DISCOVERY_LOCK:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if info.name.rsplit(".", 1)[-1] in MESSAGE_MODULE_NAMES:
                importlib.import_module(info.name)
        CATALOGUE._discovered = True
    return CATALOGUE


def product_types(catalogue: Catalogue | None = None) -> list[MessageType]:
    """Types declared by the product's own modules (tests may declare more; they are not listed)."""
    return [t for t in (catalogue or discover()).all() if t.data_class.__module__.startswith("genius.")]


# -- docs/events.md --------------------------------------------------------------------------
BEGIN_MARK = "<!-- catalogue:begin (generated by `python -m genius.platform.bus.catalogue`) -->"
END_MARK = "<!-- catalogue:end -->"


def render_markdown(types_: Iterable[MessageType]) -> str:
    """The generated part of docs/events.md: one section per type and version."""
    out: list[str] = []
    for spec in types_:
        out += [
            f"### {spec.name} (v{spec.version})",
            "",
            f"{spec.kind.value.capitalize()}. {spec.description}",
            "",
            f"dataschema: `{spec.dataschema}`",
            "",
            "| field | type | required | description |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {f.description} |"
            for f in spec.fields
        ]
        out.append("")
    return "\n".join(out)


def splice(document: str, generated: str) -> str:
    """Replace the generated block of docs/events.md, keeping the hand-written parts."""
    head, sep, rest = document.partition(BEGIN_MARK)
    if not sep or END_MARK not in rest:
        raise CatalogueError.for_field("docs/events.md", "the catalogue markers are missing")
    tail = rest.split(END_MARK, 1)[1]
    return f"{head}{BEGIN_MARK}\n\n{generated}\n{END_MARK}{tail}"


def parse_catalogue_headings(document: str) -> set[tuple[str, int]]:
    """The (type, version) pairs documented in docs/events.md."""
    return {(m.group(1), int(m.group(2))) for m in re.finditer(r"^### (\S+) \(v(\d+)\)$", document, re.M)}


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/events.md")
    target.write_text(splice(target.read_text(), render_markdown(product_types())))
    print(f"wrote {target}")
