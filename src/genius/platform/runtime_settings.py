"""Runtime settings: the top configuration layer, changed by administrators without a restart.

Layers, lowest first: code defaults < genius.toml < GENIUS_* environment < secret files / Vault
(all in ``genius.platform.settings``) < the installation-wide row of ``control.runtime_settings``
(``tenant_id`` null) < the tenant's own row. Only keys of the typed whitelist ``SETTINGS`` may be
stored; values are validated by type and range, unknown keys are refused. Reads are cached per
tenant for ``RUNTIME_CACHE_SECONDS``; a change here drops the cache at once, other processes see
it within that time. Every change writes an audit record (before/after, who, why) in the acting
caller's tenant while the control-plane transaction is open, so nothing changes unaudited.

The gateway's rate limiter reads ``effective_rate_limits(tenant_id)`` (or ``RuntimeSettings`` as
its ``LimitSource``); the admin API is ``router`` (``/api/v1/admin/settings/{key}``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from genius.kernel.clock import utcnow
from genius.kernel.errors import GeniusError, NotFound, ValidationError
from genius.platform.audit import AuditEntry, AuditTrail
from genius.platform.auth.deps import require
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.settings import RateLimitSettings, Settings
from genius.platform.tenancy import TenantContext

# Seconds a process may answer with a value another process has since changed.
RUNTIME_CACHE_SECONDS = 5.0

Scope = Literal["tenant", "installation"]
Source = Literal["tenant", "installation", "settings"]


@dataclass(frozen=True)
class SettingSpec:
    """One whitelisted key: its type, bounds and where its value comes from below the database."""

    key: str
    kind: type[int] | type[float] | type[bool] | type[str]
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    # False: one value for the whole installation (e.g. read before the tenant is known).
    per_tenant: bool = True

    def from_settings(self, settings: Settings) -> Any:
        value: Any = settings
        for part in self.key.split("."):
            value = getattr(value, part)
        return value

    def validate(self, value: Any) -> Any:
        """The value in its proper type, or ValidationError naming ``value`` and the rule."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValidationError.for_field("value", f"{self.key} takes true or false")
            return value
        if self.kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise ValidationError.for_field("value", f"{self.key} takes one of {', '.join(self.choices)}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError.for_field("value", f"{self.key} takes a number")
        if self.kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValidationError.for_field("value", f"{self.key} takes a whole number")
            value = int(value)
        else:
            value = float(value)
        if self.minimum is not None and value < self.minimum:
            raise ValidationError.for_field("value", f"{self.key} must be at least {self.minimum:g}", "range")
        if self.maximum is not None and value > self.maximum:
            raise ValidationError.for_field("value", f"{self.key} must be at most {self.maximum:g}", "range")
        return value


# A key is listed only when its consumer reads it through RuntimeSettings each time it is used:
# the token buckets read ``limits_for(tenant_id)`` on every request. Values read once at start
# (body limit, token lifetime, log level, the failed-login limiter) are not listed, since storing
# them here would change nothing. To add a key: one line here, and its consumer calls
# ``RuntimeSettings.value(key, tenant_id)`` (or ``installed().value``) where it uses it.
SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("rate_limit.tenant_rate", float, "Requests per second per tenant", 0.1, 1_000_000),
        SettingSpec("rate_limit.tenant_burst", int, "Burst of requests per tenant", 1, 10_000_000),
        SettingSpec("rate_limit.user_rate", float, "Requests per second per user", 0.1, 1_000_000),
        SettingSpec("rate_limit.user_burst", int, "Burst of requests per user", 1, 10_000_000),
    )
}
# Rate-limit fields with a runtime key; the others (login failures) come from settings only.
RATE_LIMIT_KEYS = {name: f"rate_limit.{name}" for name in RateLimitSettings.model_fields}


class UnknownSetting(ValidationError):
    code = "unknown_setting"


class SettingNotSet(NotFound):
    code = "setting_not_set"


class RuntimeSettingsNotConfigured(GeniusError):
    code = "runtime_settings_not_configured"


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


def spec_for(key: str) -> SettingSpec:
    spec = SETTINGS.get(key)
    if spec is None:
        raise UnknownSetting.for_field(
            "key", f"{key!r} is not a runtime setting; known: {', '.join(SETTINGS)}"
        )
    return spec


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
        """The token-bucket limits in force for a tenant, every field layered on its own."""
        fields = self.settings.rate_limit.model_dump()
        for name, key in RATE_LIMIT_KEYS.items():
            if key in SETTINGS:
                fields[name] = self.value(key, tenant_id)
        return RateLimitSettings(**fields)

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


# -- the process's store, for callers that hold no Platform ----------------------------------------
_store: RuntimeSettings | None = None


def use(store: RuntimeSettings | None) -> None:
    """Install the process's runtime settings (bootstrap does this; ``None`` removes it)."""
    global _store
    _store = store


def installed() -> RuntimeSettings:
    if _store is None:
        raise RuntimeSettingsNotConfigured(
            "no runtime settings installed: build the platform first (bootstrap)"
        )
    return _store


def effective_rate_limits(tenant_id: str | None) -> RateLimitSettings:
    """Rate limits in force for a tenant: its row > installation row > settings (cached briefly)."""
    return installed().rate_limits(tenant_id)


# -- the admin API ---------------------------------------------------------------------------------
# It changes the caller's tenant's values only. Installation-wide values reach every tenant, and
# every tenant has an admin holding ``*``: no tenant's token may change them, so the operator sets
# them through ``RuntimeSettings.put(..., scope="installation")``.
READ_PERMISSION = "admin.settings.read"
WRITE_PERMISSION = "admin.settings.write"

router = APIRouter(prefix="/api/v1/admin/settings", tags=["admin"])


class SettingOut(BaseModel):
    key: str
    value: Any
    source: str
    description: str
    per_tenant: bool
    tenant_value: Any
    installation_value: Any
    settings_value: Any
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def of(cls, setting: EffectiveSetting) -> SettingOut:
        return cls(**{name: getattr(setting, name) for name in cls.model_fields})


class SettingIn(BaseModel):
    value: Any = Field(description="Typed as the key's whitelist entry says")
    reason: str | None = Field(default=None, max_length=500, description="Why: kept in the audit record")


def runtime_store(request: Request) -> RuntimeSettings:
    """The process's runtime settings, from the platform the gateway put on ``app.state``."""
    return request.app.state.platform.runtime_settings  # type: ignore[no-any-return]


Reader = Annotated[TenantContext, Depends(require(READ_PERMISSION))]
Writer = Annotated[TenantContext, Depends(require(WRITE_PERMISSION))]
Store = Annotated[RuntimeSettings, Depends(runtime_store)]


@router.get("", response_model=list[SettingOut])
def list_settings(ctx: Reader, runtime: Store) -> list[SettingOut]:
    return [SettingOut.of(s) for s in runtime.all(ctx.tenant_id)]


@router.get("/{key}", response_model=SettingOut)
def get_setting(key: str, ctx: Reader, runtime: Store) -> SettingOut:
    return SettingOut.of(runtime.effective(key, ctx.tenant_id))


@router.put("/{key}", response_model=SettingOut)
def put_setting(key: str, body: SettingIn, ctx: Writer, runtime: Store) -> SettingOut:
    return SettingOut.of(runtime.put(ctx, key, body.value, reason=body.reason))


@router.delete("/{key}", response_model=SettingOut)
def delete_setting(key: str, ctx: Writer, runtime: Store, reason: str | None = None) -> SettingOut:
    return SettingOut.of(runtime.delete(ctx, key, reason=reason))
