"""Fixtures of the accounting tests: a tenant ledger on SQLite, or on a throwaway PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.accounting import ACCOUNTING_COMPONENT
from genius.platform.audit import AUDIT_COMPONENT, AuditTrail
from genius.platform.bus import BUS_COMPONENT
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, upgrade
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONTROL_COMPONENT = MigrationComponent(
    "control", "control", PROJECT_ROOT / "src/genius/platform/db/migrations/control"
)
COMPONENTS = [AUDIT_COMPONENT, BUS_COMPONENT, ACCOUNTING_COMPONENT]


@dataclass
class Ledger:
    """One tenant database with the accounting tables, and units of work on it as a user or the system."""

    databases: TenantDatabases
    registry: TenantRegistry
    tenant_id: str
    slug: str
    trail: AuditTrail

    def ctx(self, user: str | None = None) -> TenantContext:
        return TenantContext(self.tenant_id, self.slug, user_id=user, system=user is None)

    def uow(self, user: str | None = None) -> UnitOfWork:
        return UnitOfWork(self.databases, tenant=self.ctx(user))

    @property
    def engine(self) -> sa.Engine:
        return self.databases.engine_for_slug(self.slug)

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT COUNT(*) FROM {self.table(table)}"))

    def table(self, name: str) -> str:
        return f"accounting.{name}" if self.engine.dialect.name == "postgresql" else name


def _make(tmp_path: Path, cluster: str | None, clusters: dict[str, str]) -> Iterator[Ledger]:
    control = make_engine(sqlite_url(tmp_path / "control.db"), schemas=["control"])
    upgrade(control, [CONTROL_COMPONENT])
    databases = TenantDatabases(control, data_dir=tmp_path, clusters=clusters, components=COMPONENTS)
    registry = TenantRegistry(databases)
    slug = f"acc{uuid.uuid4().hex[:10]}"
    tenant = registry.create(slug, name="Contabil SRL", cui="RO18547290", cluster=cluster)
    try:
        yield Ledger(databases, registry, tenant.id, slug, AuditTrail(databases))
    finally:
        registry.delete(slug)
        databases.dispose()
        control.dispose()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    yield from _make(tmp_path, None, {})


@pytest.fixture
def pg_ledger(tmp_path: Path, postgres_url: str) -> Iterator[Ledger]:
    yield from _make(tmp_path, "default", {"default": postgres_url})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    if request.param == "sqlite":
        yield from _make(tmp_path, None, {})
    else:
        url = request.getfixturevalue("postgres_url")
        yield from _make(tmp_path, "default", {"default": url})
