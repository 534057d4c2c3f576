"""Fixtures of the bus tests: tenant databases with the bus tables, and both transports.

``transport`` is parametrised: every contract test runs on the local transport and, when
``GENIUS_TEST_AMQP_URL`` is set, on RabbitMQ in a unique namespace deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.platform.bus import BUS_COMPONENT
from genius.platform.bus.handlers import RegistryTenants
from genius.platform.bus.local import LocalTransport
from genius.platform.bus.transport import Transport
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, upgrade
from genius.platform.tenancy import TenantContext, TenantDatabases, TenantRegistry

PROJECT_ROOT = Path(__file__).resolve().parents[3]
CONTROL = PROJECT_ROOT / "src/genius/platform/db/migrations/control"
CONTROL_COMPONENT = MigrationComponent("control", "control", CONTROL)
# An effect table without a unique key on the event id: only the inbox may prevent duplicates.
EFFECTS_DDL = "CREATE TABLE effects (id INTEGER PRIMARY KEY, consumer TEXT, event_id TEXT, seq INTEGER)"


@dataclass
class World:
    """Tenant databases with the bus tables, one tenant per slug, and an effects table in each."""

    databases: TenantDatabases
    registry: TenantRegistry
    contexts: dict[str, TenantContext]

    @property
    def resolver(self) -> RegistryTenants:
        return RegistryTenants(self.registry)

    def ctx(self, slug: str = "acme") -> TenantContext:
        return self.contexts[slug]

    def engine(self, slug: str = "acme") -> sa.Engine:
        return self.databases.engine_for_slug(slug)

    def effects(self, slug: str = "acme", consumer: str | None = None) -> list[tuple[str, int]]:
        query = "SELECT event_id, seq FROM effects" + (" WHERE consumer = :c" if consumer else "")
        with self.engine(slug).connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(sa.text(query), {"c": consumer})]

    def outbox_count(self, slug: str = "acme", *, pending: bool = False) -> int:
        from genius.platform.bus.tables import outbox

        query = sa.select(sa.func.count()).select_from(outbox)
        if pending:
            query = query.where(outbox.c.published_at.is_(None))
        with self.engine(slug).connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def scalar(self, sql: str, slug: str = "acme") -> int:
        with self.engine(slug).connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar() or 0)


def make_world(tmp_path: Path, slugs: tuple[str, ...] = ("acme",)) -> World:
    control = make_engine(sqlite_url(tmp_path / "control.db"), schemas=["control"])
    upgrade(control, [CONTROL_COMPONENT])
    databases = TenantDatabases(control, data_dir=tmp_path, clusters={}, components=[BUS_COMPONENT])
    registry = TenantRegistry(databases)
    contexts = {}
    for slug in slugs:
        tenant = registry.create(slug, name=f"{slug} SRL", cui="RO18547290")
        contexts[slug] = TenantContext(tenant.id, slug, system=True)
        with databases.engine_for_slug(slug).begin() as conn:
            conn.execute(sa.text(EFFECTS_DDL))
    return World(databases, registry, contexts)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = make_world(tmp_path)
    yield built
    built.databases.dispose()
    built.registry.control.dispose()


@pytest.fixture
def pg_world(postgres_url: str, tmp_path: Path) -> Iterator[World]:
    """A control plane and a tenant in their own PostgreSQL databases, dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    control_db = f"gtest_bus_{suffix}"
    server = make_engine(postgres_url)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{control_db}"'))
    control = make_engine(sa.make_url(postgres_url).set(database=control_db), schemas=["control"])
    upgrade(control, [CONTROL_COMPONENT])
    databases = TenantDatabases(
        control, data_dir=tmp_path, clusters={"default": postgres_url}, components=[BUS_COMPONENT]
    )
    registry = TenantRegistry(databases)
    slug = f"b{suffix}"
    tenant = registry.create(slug, name="Acme SRL", cui="RO18547290")
    with databases.engine_for_slug(slug).begin() as conn:
        conn.execute(sa.text(EFFECTS_DDL.replace("INTEGER PRIMARY KEY", "SERIAL PRIMARY KEY")))
    built = World(databases, registry, {"acme": TenantContext(tenant.id, slug, system=True)})
    built.databases._engines["acme"] = built.databases.engine_for_slug(slug)  # tests name it "acme"
    try:
        yield built
    finally:
        databases.dispose()
        control.dispose()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{slug}_core" WITH (FORCE)'))
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{control_db}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(params=["local", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
def transport_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "rabbitmq":
        request.getfixturevalue("amqp_url")  # skips locally, fails in CI, when RabbitMQ is missing
    return request.param


def namespace() -> str:
    return f"gtest{uuid.uuid4().hex[:10]}"


async def new_transport(
    kind: str, tmp_path: Path, amqp_url: str | None = None, **options: object
) -> Transport:
    if kind == "local":
        transport: Transport = LocalTransport(tmp_path / "bus" / "queue.db", **options)  # type: ignore[arg-type]
    else:
        from genius.platform.bus.rabbit import RabbitTransport

        assert amqp_url
        transport = RabbitTransport(amqp_url, namespace=namespace(), **options)  # type: ignore[arg-type]
    await transport.start()
    return transport


async def dispose(transport: Transport) -> None:
    destroy = getattr(transport, "destroy", None)
    if destroy is not None:
        await destroy()
    await transport.close()


@pytest.fixture
async def transport(
    transport_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Transport]:
    url = request.getfixturevalue("amqp_url") if transport_kind == "rabbitmq" else None
    built = await new_transport(transport_kind, tmp_path, url)
    yield built
    await dispose(built)
