"""The feature-flag store: per-tenant flags in ``control.feature_flags``, cached briefly, audited.

Reads go through a per-tenant cache of all the tenant's flags that lives ``FLAG_CACHE_SECONDS``
and is dropped at once in this process when a flag changes here; other processes see a change
within that time. Every change writes an audit record (before/after) to the tenant's trail
while the control-plane transaction is still open: if the record cannot be written the change
is rolled back, so no flag changes unaudited.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound, ProblemCollector
from genius.platform.audit import AuditEntry, AuditTrail
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.flags.model import Flag, Segments, evaluate, parse_segments, validate_key
from genius.platform.tenancy import TenantContext

# Seconds a process may answer from its cache after another process changed a flag.
FLAG_CACHE_SECONDS = 5.0
# "Not sent" in a FlagChange, unlike None (which clears the description).
UNSET: Any = object()


class FlagNotFound(NotFound):
    code = "flag_not_found"


@dataclass(frozen=True)
class FlagChange:
    """A PUT: fields left unset keep the flag's current value (a new flag: off, 0 %, no segments)."""

    enabled: bool | None = None
    rollout_percent: int | None = None
    segments: Any = UNSET
    killed: bool | None = None
    description: Any = UNSET
    reason: str | None = None


def _flag_from_row(row: Any) -> Flag:
    problems = ProblemCollector()
    segments = parse_segments(row.segments, problems)
    return Flag(
        key=row.key,
        enabled=bool(row.enabled),
        rollout_percent=int(row.rollout_percent),
        segments=segments,
        killed=bool(row.killed),
        description=row.description,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


class FeatureFlags:
    """Evaluates, lists and changes one tenant's flags at a time (the tenant of the context)."""

    def __init__(
        self, control: Engine, audit: AuditTrail, *, cache_seconds: float = FLAG_CACHE_SECONDS
    ) -> None:
        self.control = control
        self.audit = audit
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, dict[str, Flag]]] = {}
        self._lock = threading.Lock()

    # -- evaluation ----------------------------------------------------------------------------
    def is_enabled(self, flag_key: str, ctx: TenantContext) -> bool:
        return evaluate(self._flags(ctx.tenant_id).get(flag_key), ctx)

    def _flags(self, tenant_id: str) -> dict[str, Flag]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(tenant_id)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.feature_flags).where(cp.feature_flags.c.tenant_id == tenant_id)
            ).all()
        flags = {row.key: _flag_from_row(row) for row in rows}
        with self._lock:
            self._cache[tenant_id] = (now, flags)
        return flags

    def invalidate(self, tenant_id: str | None = None) -> None:
        with self._lock:
            if tenant_id is None:
                self._cache.clear()
            else:
                self._cache.pop(tenant_id, None)

    # -- administration ------------------------------------------------------------------------
    def list(self, ctx: TenantContext) -> list[Flag]:
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.feature_flags)
                .where(cp.feature_flags.c.tenant_id == ctx.tenant_id)
                .order_by(cp.feature_flags.c.key)
            ).all()
        return [_flag_from_row(r) for r in rows]

    def get(self, ctx: TenantContext, key: str) -> Flag:
        validate_key(key)
        with self.control.connect() as conn:
            row = self._row(conn, ctx.tenant_id, key, lock=False)
        if row is None:
            raise FlagNotFound(f"flag {key!r} does not exist in this tenant", details={"key": key})
        return _flag_from_row(row)

    def put(self, ctx: TenantContext, key: str, change: FlagChange, *, updated_by: str | None = None) -> Flag:
        """Create or change a flag; audited as ``admin.flag.create`` or ``admin.flag.update``."""
        validate_key(key)
        problems = ProblemCollector()
        if change.rollout_percent is not None and (
            isinstance(change.rollout_percent, bool)
            or not isinstance(change.rollout_percent, int)
            or not 0 <= change.rollout_percent <= 100
        ):
            problems.add("rollout_percent", "a whole number from 0 to 100")
        segments = None if change.segments is UNSET else parse_segments(change.segments, problems)
        description = None if change.description is UNSET else change.description
        if description is not None and (not isinstance(description, str) or len(description) > 1000):
            problems.add("description", "text of at most 1000 characters")
        problems.raise_if_any("invalid feature flag")
        by = updated_by or ctx.attributes.get("email") or ctx.user_id
        with self._writer().begin() as conn:
            row = self._row(conn, ctx.tenant_id, key, lock=True)
            before = _flag_from_row(row) if row is not None else None
            base = before or Flag(key=key, enabled=False, rollout_percent=0, segments=Segments())
            after = Flag(
                key=key,
                enabled=base.enabled if change.enabled is None else bool(change.enabled),
                rollout_percent=base.rollout_percent
                if change.rollout_percent is None
                else change.rollout_percent,
                segments=base.segments if segments is None else segments,
                killed=base.killed if change.killed is None else bool(change.killed),
                description=base.description if change.description is UNSET else change.description,
                updated_at=utcnow(),
                updated_by=by,
            )
            values = {
                "enabled": after.enabled,
                "rollout_percent": after.rollout_percent,
                "segments": after.segments.as_json(),
                "killed": after.killed,
                "description": after.description,
                "updated_at": after.updated_at,
                "updated_by": by,
            }
            table = cp.feature_flags
            if before is None:
                conn.execute(table.insert().values(tenant_id=ctx.tenant_id, key=key, **values))
            else:
                conn.execute(
                    table.update()
                    .where(table.c.tenant_id == ctx.tenant_id, table.c.key == key)
                    .values(**values)
                )
            self.audit.record_for(
                ctx,
                AuditEntry(
                    action="admin.flag.create" if before is None else "admin.flag.update",
                    resource_type="feature_flag",
                    resource_id=key,
                    before=before.summary() if before else None,
                    after=after.summary(),
                    reason=change.reason,
                ),
            )
        self.invalidate(ctx.tenant_id)
        return after

    def delete(self, ctx: TenantContext, key: str, *, reason: str | None = None) -> Flag:
        """Remove a flag (it then reads as off everywhere); audited as ``admin.flag.delete``."""
        validate_key(key)
        table = cp.feature_flags
        with self._writer().begin() as conn:
            row = self._row(conn, ctx.tenant_id, key, lock=True)
            if row is None:
                raise FlagNotFound(f"flag {key!r} does not exist in this tenant", details={"key": key})
            before = _flag_from_row(row)
            conn.execute(table.delete().where(table.c.tenant_id == ctx.tenant_id, table.c.key == key))
            self.audit.record_for(
                ctx,
                AuditEntry(
                    action="admin.flag.delete",
                    resource_type="feature_flag",
                    resource_id=key,
                    before=before.summary(),
                    reason=reason,
                ),
            )
        self.invalidate(ctx.tenant_id)
        return before

    def _writer(self) -> Engine:
        # SQLite: take the write lock at BEGIN, so two admins changing flags queue, not fail.
        return self.control.execution_options(**{SQLITE_IMMEDIATE: True})

    @staticmethod
    def _row(conn: sa.Connection, tenant_id: str, key: str, *, lock: bool) -> Any:
        query = sa.select(cp.feature_flags).where(
            cp.feature_flags.c.tenant_id == tenant_id, cp.feature_flags.c.key == key
        )
        return conn.execute(query.with_for_update() if lock else query).first()
