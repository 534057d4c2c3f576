"""Conversion between chained audit records and rows of ``audit.audit_records``."""

from __future__ import annotations

import json
from typing import Any

from genius.platform.audit.chain import ChainedRecord, canonical_json


def _json_text(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def _json_value(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def row_values(record: ChainedRecord) -> dict[str, Any]:
    """The column values of one record (JSON summaries as canonical text)."""
    return {
        "seq": record.seq,
        "id": record.id,
        "tenant_id": record.tenant_id,
        "occurred_at": record.occurred_at,
        "user_id": record.user_id,
        "user_email": record.user_email,
        "action": record.action,
        "resource_type": record.resource_type,
        "resource_id": record.resource_id,
        "before_json": _json_text(record.before),
        "after_json": _json_text(record.after),
        "reason": record.reason,
        "result": record.result,
        "result_details_json": _json_text(record.result_details),
        "client_ip": record.client_ip,
        "service": record.service,
        "trace_id": record.trace_id,
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def record_from_row(row: Any) -> ChainedRecord:
    """A record as stored; ``computed_hash()`` on it tells whether the row was changed."""
    return ChainedRecord(
        seq=row.seq,
        id=row.id,
        tenant_id=row.tenant_id,
        occurred_at=row.occurred_at,
        user_id=row.user_id,
        user_email=row.user_email,
        action=row.action,
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        before=_json_value(row.before_json),
        after=_json_value(row.after_json),
        reason=row.reason,
        result=row.result,
        result_details=_json_value(row.result_details_json),
        client_ip=row.client_ip,
        service=row.service,
        trace_id=row.trace_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
