"""The one message envelope: CloudEvents 1.0, as structured JSON and as AMQP binary-mode headers.

Every message on the bus (domain event, worker command, worker reply, audit event) travels in an
``Envelope``. It is our own typed model rather than the ``cloudevents`` SDK: see
docs/adr/0001-event-envelope.md. The wire forms follow the specifications:

* structured mode (the outbox row, the local queue, ``genius dlq show``): one JSON object with
  every context attribute at the top level and ``data`` holding the JSON payload
  (CloudEvents JSON Event Format 1.0);
* binary mode (RabbitMQ): ``data`` is the message body, ``datacontenttype`` is the AMQP
  ``content-type`` property and every other attribute is an application header named
  ``cloudEvents_<attribute>`` (CloudEvents AMQP Protocol Binding 1.0, the ``_`` prefix being the
  one it recommends).

Extension attributes used here (CloudEvents 1.0: lowercase letters and digits, at most 20
characters): ``tenant``, ``traceparent``, ``tracestate`` (W3C Trace Context),
``correlationid`` and ``idempotencykey``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from genius.kernel.errors import ValidationError

SPEC_VERSION = "1.0"
JSON_CONTENT_TYPE = "application/json"
AMQP_PREFIX = "cloudEvents_"
# The AMQP binding lets receivers see either prefix; we write "_" and accept both.
AMQP_PREFIXES = ("cloudEvents_", "cloudEvents:")

# CloudEvents 1.0 "Attribute Naming Convention": [a-z0-9], at most 20 characters recommended.
_ATTRIBUTE_NAME = re.compile(r"^[a-z0-9]{1,20}$")
EXTENSIONS = ("tenant", "traceparent", "tracestate", "correlationid", "idempotencykey")
CORE_ATTRIBUTES = ("specversion", "id", "source", "type", "time", "datacontenttype", "dataschema", "subject")
# W3C Trace Context: version-traceid-parentid-flags, all lowercase hex.
TRACEPARENT_RE = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_KNOWN_ATTRIBUTES = frozenset((*CORE_ATTRIBUTES, *EXTENSIONS))
# Binary-mode header name -> attribute, for the attributes we know (one dict lookup per header).
_AMQP_HEADER_ATTRIBUTE = {f"{prefix}{name}": name for prefix in AMQP_PREFIXES for name in _KNOWN_ATTRIBUTES}


class EnvelopeError(ValidationError):
    """A message that is not a valid CloudEvent of ours; names the attribute at fault."""

    code = "invalid_envelope"


@dataclass(frozen=True)
class Envelope:
    """One CloudEvent: context attributes plus the JSON ``data`` of its registered type."""

    id: str
    type: str
    source: str
    time: datetime
    tenant: str
    data: Mapping[str, Any] = field(default_factory=dict)
    dataschema: str | None = None
    subject: str | None = None
    datacontenttype: str = JSON_CONTENT_TYPE
    traceparent: str | None = None
    tracestate: str | None = None
    correlationid: str | None = None
    idempotencykey: str | None = None
    specversion: str = SPEC_VERSION

    def __post_init__(self) -> None:
        for name in ("id", "type", "source", "tenant"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise EnvelopeError.for_field(name, "a non-empty string is required")
        if self.specversion != SPEC_VERSION:
            raise EnvelopeError.for_field("specversion", f"only CloudEvents {SPEC_VERSION} is supported")
        if not isinstance(self.time, datetime) or self.time.tzinfo is None:
            raise EnvelopeError.for_field("time", "a timezone-aware datetime is required (RFC 3339)")
        if self.datacontenttype != JSON_CONTENT_TYPE:
            raise EnvelopeError.for_field("datacontenttype", f"only {JSON_CONTENT_TYPE} data is supported")
        if self.traceparent is not None and not TRACEPARENT_RE.fullmatch(self.traceparent):
            raise EnvelopeError.for_field(
                "traceparent", "not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)"
            )
        if not isinstance(self.data, Mapping):
            raise EnvelopeError.for_field("data", "the data of a Genius event is a JSON object")

    # -- structured mode -----------------------------------------------------------------------
    def attributes(self) -> dict[str, str]:
        """Every context attribute that is set, as CloudEvents strings (no ``data``)."""
        values: dict[str, str] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": format_time(self.time),
            "datacontenttype": self.datacontenttype,
        }
        for name in ("dataschema", "subject", *EXTENSIONS):
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        return values

    def to_structured(self) -> dict[str, Any]:
        return {**self.attributes(), "data": dict(self.data)}

    def to_json(self) -> bytes:
        """Structured-mode JSON (``application/cloudevents+json``)."""
        return json.dumps(self.to_structured(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_structured(cls, obj: Mapping[str, Any]) -> Envelope:
        if not isinstance(obj, Mapping):
            raise EnvelopeError.for_field("event", "a structured CloudEvent is a JSON object")
        attrs = {k: v for k, v in obj.items() if k != "data"}
        return cls._from_attributes(attrs, obj.get("data", {}))

    @classmethod
    def from_json(cls, raw: bytes | str) -> Envelope:
        try:
            obj = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError.for_field("event", f"not JSON: {exc}") from None
        return cls.from_structured(obj)

    # -- AMQP binary mode ----------------------------------------------------------------------
    def amqp_headers(self) -> dict[str, str]:
        """Application headers of binary mode: every attribute but datacontenttype, prefixed."""
        return {f"{AMQP_PREFIX}{k}": v for k, v in self.attributes().items() if k != "datacontenttype"}

    def amqp_body(self) -> bytes:
        return json.dumps(dict(self.data), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_amqp(cls, headers: Mapping[str, Any], body: bytes, content_type: str | None) -> Envelope:
        attrs: dict[str, Any] = {}
        known = _AMQP_HEADER_ATTRIBUTE
        for key, value in (headers or {}).items():
            name = known.get(key)
            if name is None:  # an unknown extension (validated below) or not an attribute at all
                name = next((key[len(p) :] for p in AMQP_PREFIXES if key.startswith(p)), None)
                if name is None:
                    continue
            attrs[name] = value.decode() if isinstance(value, bytes) else value
        attrs["datacontenttype"] = content_type or JSON_CONTENT_TYPE
        try:
            data = json.loads(body) if body else {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise EnvelopeError.for_field("data", f"the body is not JSON: {exc}") from None
        return cls._from_attributes(attrs, data)

    @classmethod
    def _from_attributes(cls, attrs: Mapping[str, Any], data: Any) -> Envelope:
        for required in ("specversion", "id", "source", "type", "time", "tenant"):
            if not attrs.get(required):
                raise EnvelopeError.for_field(required, "required CloudEvents attribute is missing")
        unknown = [k for k in attrs if k not in _KNOWN_ATTRIBUTES]
        for name in sorted(unknown) if unknown else ():
            if not _ATTRIBUTE_NAME.fullmatch(name):
                raise EnvelopeError.for_field(name, "attribute names are [a-z0-9], at most 20 characters")
        return cls(
            id=str(attrs["id"]),
            type=str(attrs["type"]),
            source=str(attrs["source"]),
            time=parse_time(str(attrs["time"])),
            tenant=str(attrs["tenant"]),
            data=data,
            dataschema=attrs.get("dataschema"),
            subject=attrs.get("subject"),
            datacontenttype=str(attrs.get("datacontenttype") or JSON_CONTENT_TYPE),
            traceparent=attrs.get("traceparent"),
            tracestate=attrs.get("tracestate"),
            correlationid=attrs.get("correlationid"),
            idempotencykey=attrs.get("idempotencykey"),
            specversion=str(attrs["specversion"]),
        )

    def with_changes(self, **changes: Any) -> Envelope:
        return replace(self, **changes)


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` (the form CloudEvents examples use)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeError.for_field("time", f"{value!r} is not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise EnvelopeError.for_field("time", "an RFC 3339 timestamp needs a UTC offset")
    return parsed
