"""The audit chain's canonical serialisation and hashes: pure functions, no database.

Canonical form (version 1) of one record, the exact bytes that SHA-256 is taken over:

1. A JSON object with exactly these 18 members, all present (``null`` when empty)::

       seq             integer, 1 for the first record of the tenant, then +1 each record
       id              string, the record's UUIDv7
       tenant_id       string
       occurred_at     string, UTC, always "YYYY-MM-DDTHH:MM:SS.ffffffZ" (6 fraction digits)
       user_id         string | null
       user_email      string | null
       action          string, e.g. "sales.invoice.issue" or "POST /api/v1/admin/flags/{key}"
       resource_type   string | null
       resource_id     string | null
       before          any JSON value | null   (summary of the state before the action)
       after           any JSON value | null   (summary of the state after it)
       reason          string | null           (why: reason or business context)
       result          "success" | "failure"
       result_details  any JSON value | null
       client_ip       string | null
       service         string | null           (which process wrote the record)
       trace_id        string | null
       prev_hash       string, 64 lowercase hex digits: the previous record's ``hash``, or 64 "0"
                       for seq 1

2. Serialised like Python's ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
   ensure_ascii=False, allow_nan=False)``: object keys sorted by code point at every depth, no
   whitespace anywhere, strings with only the mandatory JSON escapes (``"``, ``\\``, control
   characters as ``\\uXXXX`` except ``\\b\\f\\n\\r\\t``) and every other character literal, integers
   in decimal without exponent, floats in their shortest round-trip form, NaN/Infinity refused.
3. Encoded as UTF-8 without BOM; ``hash = sha256(bytes).hexdigest()`` (64 lowercase hex).

Because ``seq`` and ``prev_hash`` are inside the hashed bytes, editing a record breaks its own
hash, deleting or inserting one breaks the sequence or the next record's ``prev_hash``, and
swapping two breaks both. JSON values (``before``, ``after``, ``result_details``) are stored as
their canonical text, so a database round trip cannot change the bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

CANONICAL_VERSION = 1
GENESIS_HASH = "0" * 64
RESULTS = ("success", "failure")


@dataclass(frozen=True)
class ChainedRecord:
    """One audit record exactly as hashed and stored."""

    seq: int
    id: str
    tenant_id: str
    occurred_at: datetime
    user_id: str | None
    user_email: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    before: Any
    after: Any
    reason: str | None
    result: str
    result_details: Any
    client_ip: str | None
    service: str | None
    trace_id: str | None
    prev_hash: str
    hash: str = ""

    def canonical_fields(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "id": self.id,
            "tenant_id": self.tenant_id,
            "occurred_at": format_timestamp(self.occurred_at),
            "user_id": self.user_id,
            "user_email": self.user_email,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "result": self.result,
            "result_details": self.result_details,
            "client_ip": self.client_ip,
            "service": self.service,
            "trace_id": self.trace_id,
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        return hashlib.sha256(canonical_bytes(self.canonical_fields())).hexdigest()

    def chained(self, seq: int, prev_hash: str) -> ChainedRecord:
        """This record at position ``seq`` after ``prev_hash``, with its hash: one copy, not two."""
        fields = self.canonical_fields()
        fields["seq"] = seq
        fields["prev_hash"] = prev_hash
        digest = hashlib.sha256(canonical_bytes(fields)).hexdigest()
        return replace(self, seq=seq, prev_hash=prev_hash, hash=digest)


def canonical_json(value: Any) -> str:
    """The canonical JSON text of a value (see the module docstring, step 2)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_bytes(value: Any) -> bytes:
    return canonical_json(value).encode("utf-8")


def format_timestamp(moment: datetime) -> str:
    """UTC with microseconds and a ``Z``; a naive value is taken to be UTC already (SQLite)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_json_value(value: Any, field_name: str) -> Any:
    """Turn a before/after summary into plain JSON data, or say which part cannot be.

    Decimals become strings (money must not pass through float); dates become ISO text;
    dataclasses and pydantic models are not accepted implicitly: summaries are chosen, not dumped.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{field_name}: NaN and infinity are not JSON")
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return to_json_value(value.value, field_name)
    if isinstance(value, datetime):
        return format_timestamp(value)
    if hasattr(value, "isoformat"):  # date, time
        return value.isoformat()
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{field_name}: object keys must be strings, found {key!r}")
            out[key] = to_json_value(item, f"{field_name}.{key}")
        return out
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [to_json_value(item, f"{field_name}[{i}]") for i, item in enumerate(items)]
    raise ValueError(f"{field_name}: {type(value).__name__} is not a JSON value")
