"""``RuntimeSettings``: the layered value of a whitelisted key, and its audited changes.

Reads are cached per tenant for ``RUNTIME_CACHE_SECONDS``; a change here drops the cache at once,
other processes see it within that time. Every change writes an audit record (before/after, who,
why) in the acting caller's tenant while the control-plane transaction is open.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound, ValidationError
from genius.platform.audit import AuditEntry, AuditTrail
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.runtime_settings.model import RATE_LIMIT_KEYS, SETTINGS, SettingSpec, spec_for
from genius.platform.settings import RateLimitSettings, Settings
from genius.platform.tenancy import TenantContext

# Seconds a process may answer with a value another process has since changed.
RUNTIME_CACHE_SECONDS = 5.0
# Tenants whose rate limits are remembered between requests; past this it starts over.
MAX_CACHED_LIMITS = 10_000

Scope = Literal["tenant", "installation"]
Source = Literal["tenant", "installation", "settings"]


class SettingNotSet(NotFound):
    """``delete`` of a value the scope does not hold."""

    code = "setting_not_set"


@dataclass(frozen=True)
class EffectiveSetting:
    """A key's value in force for a tenant and the layer it comes from."""

    key: str
    value: Any
    source: Source
    description: str
    per_tenant: bool
    tenant_value: Any = None
    installation_value: Any = None
    settings_value: Any = None
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class _Row:
    value: Any
    updated_at: datetime | None
    updated_by: str | None


class RuntimeSettings:
    """Reads the layered value of whitelisted keys and changes the database layers, audited."""

    def __init__(
        self,
        control: Engine,
        settings: Settings,
        audit: AuditTrail,
        *,
        cache_seconds: float = RUNTIME_CACHE_SECONDS,
    ) -> None:
        self.control = control
        self.settings = settings
        self.audit = audit
        self.cache_seconds = cache_seconds
        self._cache: dict[str | None, tuple[float, dict[str, _Row]]] = {}
        self._lock = threading.Lock()
        # rate_limits per tenant with the two row dicts it was layered from: the dicts are
        # replaced (never changed) when reloaded or invalidated, so "same dicts" = same answer.
        self._limits: dict[str | None, tuple[dict[str, _Row], dict[str, _Row] | None, RateLimitSettings]] = {}

    # -- reading -------------------------------------------------------------------------------
    def _rows(self, tenant_id: str | None) -> dict[str, _Row]:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(tenant_id)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        t = cp.runtime_settings
        where = t.c.tenant_id.is_(None) if tenant_id is None else t.c.tenant_id == tenant_id
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(t.c.key, t.c.value, t.c.updated_at, t.c.updated_by).where(where)
            ).all()
        # A stored value that no longer fits the whitelist (a key removed, a bound tightened) is
        # ignored rather than trusted: the lower layer answers.
        loaded: dict[str, _Row] = {}
        for row in rows:
            spec = SETTINGS.get(row.key)
            if spec is None:
                continue
            try:
                loaded[row.key] = _Row(spec.validate(row.value), row.updated_at, row.updated_by)
            except ValidationError:
                continue
        with self._lock:
            self._cache[tenant_id] = (now, loaded)
        return loaded

    def effective(self, key: str, tenant_id: str | None = None) -> EffectiveSetting:
        """The value of ``key`` in force for ``tenant_id`` (None: installation-wide)."""
        spec = spec_for(key)
        base = spec.from_settings(self.settings)
        installation = self._rows(None).get(key)
        tenant = self._rows(tenant_id).get(key) if tenant_id is not None and spec.per_tenant else None
        top, source = (
            (tenant, "tenant")
            if tenant
            else (installation, "installation")
            if installation
            else (None, "settings")
        )
        return EffectiveSetting(
            key=key,
            value=top.value if top else base,
            source=source,  # type: ignore[arg-type]
            description=spec.description,
            per_tenant=spec.per_tenant,
            tenant_value=tenant.value if tenant else None,
            installation_value=installation.value if installation else None,
            settings_value=base,
            updated_at=top.updated_at if top else None,
            updated_by=top.updated_by if top else None,
        )

    def value(self, key: str, tenant_id: str | None = None) -> Any:
        return self.effective(key, tenant_id).value

    def all(self, tenant_id: str | None = None) -> list[EffectiveSetting]:
        return [self.effective(key, tenant_id) for key in SETTINGS]

    def rate_limits(self, tenant_id: str | None) -> RateLimitSettings:
        """The token-bucket limits in force for a tenant, every field layered on its own.

        Built once per version of the rows it comes from (the gateway asks on every request).
        """
        installation = self._rows(None)
        tenant = self._rows(tenant_id) if tenant_id is not None else None
        known = self._limits.get(tenant_id)
        if known is not None and known[0] is installation and known[1] is tenant:
            return known[2]
        fields = self.settings.rate_limit.model_dump()
        for name, key in RATE_LIMIT_KEYS.items():
            if key in SETTINGS:
                fields[name] = self.value(key, tenant_id)
        limits = RateLimitSettings(**fields)
        if len(self._limits) >= MAX_CACHED_LIMITS:
            self._limits.clear()
        self._limits[tenant_id] = (installation, tenant, limits)
        return limits

    # The rate limiter's LimitSource protocol.
    limits_for = rate_limits

    def invalidate(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- changing ------------------------------------------------------------------------------
    def put(
        self, ctx: TenantContext, key: str, value: Any, *, scope: Scope = "tenant", reason: str | None = None
    ) -> EffectiveSetting:
        """Store ``value`` for the caller's tenant (or installation-wide); audited in ctx's tenant."""
        spec = spec_for(key)
        value = spec.validate(value)
        tenant_id = self._scope_tenant(spec, ctx, scope)
        by = ctx.attributes.get("email") or ctx.user_id
        t = cp.runtime_settings
        with self._writer().begin() as conn:
            before = self._locked_value(conn, tenant_id, key)
            values = {"value": value, "updated_at": utcnow(), "updated_by": by}
            if before is _ABSENT:
                conn.execute(t.insert().values(tenant_id=tenant_id, key=key, **values))
            else:
                conn.execute(t.update().where(_row_filter(tenant_id, key)).values(**values))
            self._audit(ctx, "admin.setting.update", key, scope, before, value, reason)
        self.invalidate()
        return self.effective(key, ctx.tenant_id if scope == "tenant" else None)

    def delete(
        self, ctx: TenantContext, key: str, *, scope: Scope = "tenant", reason: str | None = None
    ) -> EffectiveSetting:
        """Remove the stored value so the layer below answers again; audited."""
        spec = spec_for(key)
        tenant_id = self._scope_tenant(spec, ctx, scope)
        with self._writer().begin() as conn:
            before = self._locked_value(conn, tenant_id, key)
            if before is _ABSENT:
                raise SettingNotSet(f"{key} has no {scope} value to remove", details={"key": key})
            conn.execute(cp.runtime_settings.delete().where(_row_filter(tenant_id, key)))
            self._audit(ctx, "admin.setting.delete", key, scope, before, _ABSENT, reason)
        self.invalidate()
        return self.effective(key, ctx.tenant_id if scope == "tenant" else None)

    def _scope_tenant(self, spec: SettingSpec, ctx: TenantContext, scope: str) -> str | None:
        if scope == "installation":
            return None
        if scope != "tenant":
            raise ValidationError.for_field("scope", "tenant or installation")
        if not spec.per_tenant:
            raise ValidationError.for_field(
                "scope",
                f"{spec.key} is installation-wide only: the operator sets it for every tenant",
                "scope",
            )
        return ctx.tenant_id

    def _writer(self) -> Engine:
        # SQLite: take the write lock at BEGIN so concurrent changes queue instead of failing.
        return self.control.execution_options(**{SQLITE_IMMEDIATE: True})

    @staticmethod
    def _locked_value(conn: sa.Connection, tenant_id: str | None, key: str) -> Any:
        row = conn.execute(
            sa.select(cp.runtime_settings.c.value).where(_row_filter(tenant_id, key)).with_for_update()
        ).first()
        return _ABSENT if row is None else row.value

    def _audit(
        self,
        ctx: TenantContext,
        action: str,
        key: str,
        scope: str,
        before: Any,
        after: Any,
        reason: str | None,
    ) -> None:
        entry = AuditEntry(
            action=action,
            resource_type="runtime_setting",
            resource_id=key if scope == "tenant" else f"installation:{key}",
            before=None if before is _ABSENT else {"value": before},
            after=None if after is _ABSENT else {"value": after},
            reason=reason,
        )
        if scope == "tenant":
            self.audit.record_for(ctx, entry)
            return
        # An installation-wide value changes every tenant's behaviour, so every active tenant's
        # trail records it, in the name of whoever made the change.
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.tenants.c.id, cp.tenants.c.slug).where(cp.tenants.c.status == "active")
            ).all()
        for row in rows:
            tenant_ctx = TenantContext(
                row.id, row.slug, user_id=ctx.user_id, roles=ctx.roles, attributes=ctx.attributes, system=True
            )
            self.audit.record_for(tenant_ctx, entry)


_ABSENT: Any = object()


def _row_filter(tenant_id: str | None, key: str) -> sa.ColumnElement[bool]:
    t = cp.runtime_settings
    owner = t.c.tenant_id.is_(None) if tenant_id is None else t.c.tenant_id == tenant_id
    return sa.and_(owner, t.c.key == key)


__all__ = [
    "RUNTIME_CACHE_SECONDS",
    "EffectiveSetting",
    "RuntimeSettings",
    "Scope",
    "SettingNotSet",
    "Source",
]
