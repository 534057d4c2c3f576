"""The read side of the audit trail: filtered, paginated lists of a tenant's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.kernel.errors import ProblemCollector
from genius.platform.audit.chain import RESULTS, ChainedRecord
from genius.platform.audit.records import record_from_row
from genius.platform.audit.tables import audit_records

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class AuditQuery:
    """Filters (all optional, combined with AND) and the page wanted.

    ``user`` matches the user id or e-mail; ``action`` matches exactly, or as a prefix when it
    ends with ``*`` (``sales.invoice.*``); ``occurred_from`` is inclusive, ``occurred_to``
    exclusive. ``cursor`` is the ``next_cursor`` of the previous page (records come newest
    first, so pages stay stable while new records arrive).
    """

    user: str | None = None
    action: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    result: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None

    def validated(self) -> AuditQuery:
        problems = ProblemCollector()
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            problems.add("limit", f"between 1 and {MAX_PAGE_SIZE}")
        if self.result is not None and self.result not in RESULTS:
            problems.add("result", f"one of {', '.join(RESULTS)}")
        if self.cursor is not None and not (self.cursor.isdigit() and int(self.cursor) > 0):
            problems.add("cursor", "use the next_cursor value of the previous page")
        for name in ("occurred_from", "occurred_to"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                problems.add(name, "give a time zone, e.g. 2026-01-31T00:00:00Z")
        start, end = self.occurred_from, self.occurred_to
        if start and end and start.tzinfo and end.tzinfo and start >= end:
            problems.add("occurred_to", "must be after occurred_from")
        problems.raise_if_any("invalid audit query")
        return self


@dataclass(frozen=True)
class AuditPage:
    items: list[ChainedRecord]
    total: int
    next_cursor: str | None


def _utc_naive_or_aware(conn_dialect: str, moment: datetime) -> datetime:
    # SQLite stores the UTC wall time without a zone; compare like with like.
    utc = moment.astimezone(UTC)
    return utc.replace(tzinfo=None) if conn_dialect == "sqlite" else utc


def run_query(engine: Engine, query: AuditQuery) -> AuditPage:
    query = query.validated()
    t = audit_records.c
    conditions: list[sa.ColumnElement[bool]] = []
    if query.user:
        conditions.append(sa.or_(t.user_id == query.user, t.user_email == query.user))
    if query.action:
        if query.action.endswith("*"):
            prefix = query.action[:-1]
            # Prefix match without LIKE wildcards inside the prefix ("_" and "%" are literal).
            conditions.append(sa.func.substr(t.action, 1, len(prefix)) == prefix)
        else:
            conditions.append(t.action == query.action)
    if query.resource_type:
        conditions.append(t.resource_type == query.resource_type)
    if query.resource_id:
        conditions.append(t.resource_id == query.resource_id)
    if query.result:
        conditions.append(t.result == query.result)
    dialect = engine.dialect.name
    if query.occurred_from:
        conditions.append(t.occurred_at >= _utc_naive_or_aware(dialect, query.occurred_from))
    if query.occurred_to:
        conditions.append(t.occurred_at < _utc_naive_or_aware(dialect, query.occurred_to))
    with engine.connect() as conn:
        count = sa.select(sa.func.count()).select_from(audit_records).where(*conditions)
        total = conn.execute(count).scalar()
        page = sa.select(audit_records).where(*conditions)
        if query.cursor:
            page = page.where(t.seq < int(query.cursor))
        rows = conn.execute(page.order_by(t.seq.desc()).limit(query.limit + 1)).all()
    items = [record_from_row(r) for r in rows[: query.limit]]
    next_cursor = str(items[-1].seq) if len(rows) > query.limit else None
    return AuditPage(items=items, total=int(total or 0), next_cursor=next_cursor)
