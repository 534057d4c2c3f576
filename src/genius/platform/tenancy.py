"""Tenancy: the tenant context, the control plane's tenant registry and per-tenant databases.

Code reaches a tenant database only through ``TenantDatabases.engine()``, which reads the tenant
from the current ``TenantContext``. A request gets its context from its verified token; system
work (migrations, workers) opens one explicitly with ``tenant_scope``.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool
from stdnum.ro import cf as ro_cf
from stdnum.ro import cui as ro_cui

from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from genius.kernel.ids import new_id
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import make_engine, normalise_url, remove_writer_turn_file, sqlite_url
from genius.platform.db.migrate import MigrationComponent, upgrade
from genius.platform.observability.metrics import counter, gauge

# Slugs become PostgreSQL database names (`<slug>_core`) and folder names: keep them plain.
SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
DEFAULT_CLUSTER = "default"
SQLITE_CLUSTER = "sqlite"
# Tenant engines a process keeps open by default (settings: tenant_engines). Each engine has its own
# pool (up to POSTGRES_POOL_SIZE + POSTGRES_MAX_OVERFLOW connections on PostgreSQL), so an unbounded
# cache in a process serving thousands of tenants would run PostgreSQL out of max_connections.
TENANT_ENGINES = 64

ENGINES_OPEN = gauge(
    "genius_tenant_engines_open", "Tenant database engines (each with its own pool) open in this process."
)
ENGINES_EVICTED = counter(
    "genius_tenant_engines_evicted", "Idle tenant engines disposed to keep at most tenant_engines open."
)


class NoTenantContext(PermissionDenied):
    code = "no_tenant_context"


class TenantNotFound(NotFound):
    code = "tenant_not_found"


@dataclass(frozen=True)
class TenantContext:
    """Who is acting, for which tenant. Built from a verified token or by system code."""

    tenant_id: str
    slug: str
    user_id: str | None = None
    roles: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    # True for work the system does on its own account (migrations, scheduled jobs).
    system: bool = False


_current: ContextVar[TenantContext | None] = ContextVar("genius_tenant", default=None)


def current_tenant() -> TenantContext:
    """The tenant context in force; refuses when there is none."""
    ctx = _current.get()
    if ctx is None:
        raise NoTenantContext("no tenant context: tenant data is reachable only inside a tenant scope")
    return ctx


def current_tenant_or_none() -> TenantContext | None:
    return _current.get()


@contextmanager
def tenant_scope(ctx: TenantContext) -> Iterator[TenantContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def validate_slug(slug: str) -> str:
    if not SLUG_RE.fullmatch(slug or ""):
        raise ValidationError.for_field(
            "slug", "use 2-30 characters: a lowercase letter first, then lowercase letters, digits or _"
        )
    return slug


def validate_cui(value: str, field_name: str = "cui") -> str:
    """A Romanian CUI/CIF, with or without the ``RO`` prefix; the check digit must be right.

    Returns the compact form (``RO`` kept when given, since it says the firm is a VAT payer).
    """
    raw = (value or "").strip().upper().replace(" ", "")
    digits = raw[2:] if raw.startswith("RO") else raw
    if not digits.isdigit() or not 2 <= len(digits) <= 10:
        raise ValidationError.for_field(
            field_name, f"{value!r} is not a CUI: 2 to 10 digits, optional RO prefix"
        )
    if not ro_cui.is_valid(digits):
        raise ValidationError.for_field(field_name, f"{value!r} has a wrong check digit", code="check_digit")
    return ro_cf.compact(raw)


@dataclass(frozen=True)
class Tenant:
    id: str
    slug: str
    name: str
    cui: str
    status: str
    created_at: datetime
    external_issuer: str | None = None
    external_audience: str | None = None


def _tenant_from_row(row: Any) -> Tenant:
    return Tenant(
        id=row.id,
        slug=row.slug,
        name=row.name,
        cui=row.cui,
        status=row.status,
        created_at=row.created_at,
        external_issuer=row.external_issuer,
        external_audience=row.external_audience,
    )


class TenantDatabases:
    """Finds, creates and opens tenant databases according to their placement.

    At most ``max_engines`` tenant engines stay open: opening another disposes the least recently
    used ones beyond the limit, skipping any with a connection checked out (a transaction running on
    another thread), so while more engines than that are in use at once the cache grows past the
    limit and shrinks back on later calls. Callers take an engine for one unit of work and do not
    keep it: an engine disposed while a caller still holds it opens a fresh pool on its next connect,
    which works but is no longer counted here.
    """

    def __init__(
        self,
        control: Engine,
        *,
        data_dir: Path,
        clusters: dict[str, str],
        components: Sequence[MigrationComponent],
        max_engines: int = TENANT_ENGINES,
    ) -> None:
        self.control = control
        self.data_dir = data_dir
        self.clusters = clusters  # cluster name -> PostgreSQL DSN (server-level, any database)
        self.components = list(components)
        if max_engines < 1:
            raise ValueError(f"tenant_engines must be at least 1, got {max_engines}")
        self.max_engines = max_engines
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    # -- placement -----------------------------------------------------------------------------
    def default_cluster(self) -> str:
        return DEFAULT_CLUSTER if DEFAULT_CLUSTER in self.clusters else SQLITE_CLUSTER

    def url_for(self, cluster: str, database_name: str) -> URL:
        if cluster == SQLITE_CLUSTER:
            return sqlite_url(self.data_dir / "tenants" / f"{database_name}.db")
        if cluster not in self.clusters:
            raise NotFound(f"placement names cluster {cluster!r}, which is not configured")
        return normalise_url(self.clusters[cluster]).set(database=database_name)

    def _placement(self, slug: str) -> tuple[str, str]:
        with self.control.connect() as conn:
            row = conn.execute(
                sa.select(cp.placements.c.cluster, cp.placements.c.database_name)
                .join(cp.tenants, cp.tenants.c.id == cp.placements.c.tenant_id)
                .where(cp.tenants.c.slug == slug)
            ).first()
        if row is None:
            raise TenantNotFound(f"tenant {slug!r} does not exist")
        return row.cluster, row.database_name

    # -- engines -------------------------------------------------------------------------------
    def engine_for_slug(self, slug: str) -> Engine:
        """The engine of one tenant. Prefer ``engine()``, which takes the tenant from the context."""
        with self._lock:
            engine = self._engines.get(slug)
            if engine is not None:
                self._engines.move_to_end(slug)
                if len(self._engines) <= self.max_engines:
                    return engine
                idle = self._evict_idle()  # over the limit: engines were busy when this one opened
        if engine is None:
            engine, idle = self._open(slug)
        for old in idle:
            old.dispose()
        return engine

    def _open(self, slug: str) -> tuple[Engine, list[Engine]]:
        """A new engine for ``slug`` (the control-plane query runs outside the lock) and the idle
        engines it pushed out, to dispose."""
        cluster, database_name = self._placement(slug)
        opened = make_engine(
            self.url_for(cluster, database_name), schemas=[c.schema for c in self.components]
        )
        with self._lock:
            engine = self._engines.setdefault(slug, opened)
            self._engines.move_to_end(slug)
            if engine is not opened:  # another thread opened it meanwhile; ours never connected
                return engine, [opened]
            ENGINES_OPEN.inc()
            return engine, self._evict_idle()

    def _evict_idle(self) -> list[Engine]:
        """Takes out of the cache (lock held) the least recently used engines beyond the limit that
        have no connection checked out; never the most recent one, which the caller is handed."""
        excess = len(self._engines) - self.max_engines
        if excess <= 0:
            return []
        candidates = islice(self._engines.items(), len(self._engines) - 1)
        idle = [slug for slug, engine in candidates if not _in_use(engine)][:excess]
        ENGINES_OPEN.dec(len(idle))
        ENGINES_EVICTED.inc(len(idle))
        return [self._engines.pop(slug) for slug in idle]

    def open_engines(self) -> list[str]:
        """Slugs of the tenants whose engines are open, least recently used first."""
        with self._lock:
            return list(self._engines)

    def engine(self) -> Engine:
        """The current tenant's engine; refuses outside a tenant context."""
        return self.engine_for_slug(current_tenant().slug)

    def dispose(self) -> None:
        with self._lock:
            engines, self._engines = list(self._engines.values()), OrderedDict()
            ENGINES_OPEN.dec(len(engines))
        for engine in engines:
            engine.dispose()

    # -- lifecycle -----------------------------------------------------------------------------
    def create_database(self, cluster: str, database_name: str) -> None:
        if cluster == SQLITE_CLUSTER:
            return  # the file appears on first connect
        server = make_engine(make_url(self.url_for(cluster, "postgres")))
        try:
            with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                exists = conn.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database_name}
                ).first()
                if not exists:
                    conn.execute(sa.text(f'CREATE DATABASE "{database_name}"'))
        finally:
            server.dispose()

    def drop_database(self, cluster: str, database_name: str, slug: str | None = None) -> None:
        if slug is not None:
            with self._lock:
                engine = self._engines.pop(slug, None)
                if engine is not None:
                    ENGINES_OPEN.dec()
            if engine is not None:
                engine.dispose()
        if cluster == SQLITE_CLUSTER:
            base = self.data_dir / "tenants" / f"{database_name}.db"
            remove_writer_turn_file(base)  # first: it refuses while a writer of this process is on it
            for suffix in ("", "-wal", "-shm"):
                Path(f"{base}{suffix}").unlink(missing_ok=True)
            return
        server = make_engine(make_url(self.url_for(cluster, "postgres")))
        try:
            with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'))
        finally:
            server.dispose()

    def migrate(self, slug: str) -> list[str]:
        return upgrade(self.engine_for_slug(slug), self.components)


def _in_use(engine: Engine) -> bool:
    """Whether a connection of the engine is checked out. make_engine gives every tenant engine
    (SQLite file or PostgreSQL) a QueuePool; an engine with another pool is never taken for idle."""
    pool = engine.pool
    return not isinstance(pool, QueuePool) or pool.checkedout() > 0


class TenantRegistry:
    """Creates and lists tenants in the control plane, with their databases."""

    def __init__(self, databases: TenantDatabases) -> None:
        self.databases = databases
        self.control = databases.control

    def get(self, slug: str) -> Tenant:
        with self.control.connect() as conn:
            row = conn.execute(sa.select(cp.tenants).where(cp.tenants.c.slug == slug)).first()
        if row is None:
            raise TenantNotFound(f"tenant {slug!r} does not exist")
        return _tenant_from_row(row)

    def get_by_id(self, tenant_id: str) -> Tenant:
        with self.control.connect() as conn:
            row = conn.execute(sa.select(cp.tenants).where(cp.tenants.c.id == tenant_id)).first()
        if row is None:
            raise TenantNotFound(f"tenant id {tenant_id!r} does not exist")
        return _tenant_from_row(row)

    def list(self) -> list[Tenant]:
        with self.control.connect() as conn:
            rows = conn.execute(sa.select(cp.tenants).order_by(cp.tenants.c.slug)).all()
        return [_tenant_from_row(r) for r in rows]

    def exists(self, slug: str) -> bool:
        with self.control.connect() as conn:
            return (
                conn.execute(sa.select(cp.tenants.c.id).where(cp.tenants.c.slug == slug)).first() is not None
            )

    def create(self, slug: str, *, name: str, cui: str, cluster: str | None = None) -> Tenant:
        """Register a tenant, create its database and migrate it; all or nothing.

        The tenant row is written as ``provisioning`` first, so a crash half-way leaves a row
        that names the unfinished tenant; any failure here removes the database and the rows.
        """
        slug = validate_slug(slug)
        name = (name or "").strip()
        if not name:
            raise ValidationError.for_field("name", "the tenant's name is required")
        if len(name) > 200:
            raise ValidationError.for_field("name", "at most 200 characters")
        cui = validate_cui(cui)
        cluster = cluster or self.databases.default_cluster()
        if cluster != SQLITE_CLUSTER and cluster not in self.databases.clusters:
            raise ValidationError.for_field("cluster", f"cluster {cluster!r} is not configured")
        if self.exists(slug):
            raise Conflict(f"tenant {slug!r} already exists", code="tenant_exists")
        tenant = Tenant(new_id(), slug, name, cui, "provisioning", utcnow())
        database_name = f"{slug}_core"
        with self.control.begin() as conn:
            conn.execute(
                cp.tenants.insert().values(
                    id=tenant.id,
                    slug=slug,
                    name=name,
                    cui=cui,
                    status="provisioning",
                    created_at=tenant.created_at,
                )
            )
            conn.execute(
                cp.placements.insert().values(
                    tenant_id=tenant.id, cluster=cluster, database_name=database_name
                )
            )
        try:
            self.databases.create_database(cluster, database_name)
            self.databases.migrate(slug)
        except BaseException:
            self.databases.drop_database(cluster, database_name, slug)
            with self.control.begin() as conn:
                conn.execute(cp.tenants.delete().where(cp.tenants.c.id == tenant.id))
            raise
        with self.control.begin() as conn:
            conn.execute(cp.tenants.update().where(cp.tenants.c.id == tenant.id).values(status="active"))
        return Tenant(tenant.id, slug, name, cui, "active", tenant.created_at)

    def delete(self, slug: str) -> None:
        """Remove a tenant and drop its database (used by tests and by decommissioning)."""
        tenant = self.get(slug)
        cluster, database_name = self.databases._placement(slug)
        self.databases.drop_database(cluster, database_name, slug)
        with self.control.begin() as conn:
            conn.execute(cp.placements.delete().where(cp.placements.c.tenant_id == tenant.id))
            conn.execute(cp.tenants.delete().where(cp.tenants.c.id == tenant.id))

    def set_external_issuer(self, slug: str, issuer: str | None, audience: str | None = None) -> None:
        """Trust an external OpenID issuer (a Keycloak realm) for this tenant's tokens, or stop."""
        tenant = self.get(slug)
        with self.control.begin() as conn:
            conn.execute(
                cp.tenants.update()
                .where(cp.tenants.c.id == tenant.id)
                .values(external_issuer=issuer, external_audience=audience)
            )
