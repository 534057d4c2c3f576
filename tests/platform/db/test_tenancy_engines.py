"""Tenant engines: at most ``max_engines`` open, the least recently used idle one disposed, never one
with a transaction running; SQLite files of a dropped tenant all gone."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError as SettingsError

from genius.platform.db.engine import SQLITE_IMMEDIATE, WRITER_TURN_SUFFIX, make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, upgrade
from genius.platform.observability.metrics import REGISTRY
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantDatabases, TenantRegistry
from tests.platforms import throwaway_control_database

CONTROL = Path(__file__).resolve().parents[3] / "src/genius/platform/db/migrations/control"
COMPONENT = MigrationComponent("control", "control", CONTROL)
CUI = "RO18547290"


def _registry(control_url: str, data_dir: Path, clusters: dict[str, str], max_engines: int) -> TenantRegistry:
    control = make_engine(control_url, schemas=["control"])
    upgrade(control, [COMPONENT])
    databases = TenantDatabases(
        control, data_dir=data_dir, clusters=clusters, components=[], max_engines=max_engines
    )
    return TenantRegistry(databases)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def registries(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Registries]:
    """Registries on SQLite, or on a throwaway PostgreSQL control database whose tenant databases
    are dropped afterwards."""
    if request.param == "sqlite":
        made = Registries(str(sqlite_url(tmp_path / "control.db")), tmp_path, {})
        yield made
        made.close()
        return
    postgres_url = request.getfixturevalue("postgres_url")
    with throwaway_control_database(postgres_url, "gtest_engines") as control:
        made = Registries(control.url, tmp_path, {"default": postgres_url})
        try:
            yield made
        finally:
            control.tenant_databases.extend(made.database_names())
            made.close()


class Registries:
    """Makes registries on one control database, each with the engine limit asked for."""

    def __init__(self, url: str, data_dir: Path, clusters: dict[str, str]) -> None:
        self.url, self.data_dir, self.clusters = url, data_dir, clusters
        self.made: list[TenantRegistry] = []

    def __call__(self, max_engines: int) -> TenantRegistry:
        registry = _registry(self.url, self.data_dir, self.clusters, max_engines)
        self.made.append(registry)
        return registry

    def database_names(self) -> list[str]:
        return [f"{t.slug}_core" for t in self.made[0].list()] if self.made else []

    def close(self) -> None:
        for registry in self.made:
            registry.databases.dispose()
            registry.control.dispose()


def _tenants(registry: TenantRegistry, *prefixes: str) -> list[str]:
    """New tenants (unique slugs: PostgreSQL database names are server-wide)."""
    suffix = uuid.uuid4().hex[:6]
    return [registry.create(f"{p}{suffix}", name=f"{p} SRL", cui=CUI).slug for p in prefixes]


def _metric(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def _server_connections(registry: TenantRegistry, slug: str) -> int | None:
    """Connections PostgreSQL has open to the tenant's database (None on SQLite)."""
    if registry.control.dialect.name != "postgresql":
        return None
    with registry.control.connect() as conn:
        query = sa.text("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = :name")
        return int(conn.execute(query, {"name": f"{slug}_core"}).scalar_one())


def _select_one(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("select 1")).scalar_one())


def test_least_recently_used_idle_engine_is_disposed(registries: Registries) -> None:
    open_before = _metric("genius_tenant_engines_open")
    evicted_before = _metric("genius_tenant_engines_evicted_total")
    registry = registries(2)
    databases = registry.databases
    a, b, c = _tenants(registry, "a", "b", "c")  # each is migrated, so opened, in turn
    assert databases.open_engines() == [b, c]
    assert _select_one(databases.engine_for_slug(c)) == 1  # c stays the most recent
    assert _server_connections(registry, c) in (None, 1)  # its pooled connection
    engine_b = databases.engine_for_slug(b)
    pool_b = engine_b.pool
    assert databases.open_engines() == [c, b]  # b used last
    engine_a = databases.engine_for_slug(a)
    assert databases.open_engines() == [b, a]  # c was the least recently used
    assert _server_connections(registry, c) in (None, 0)  # disposed: its pool's connections closed
    assert engine_b.pool is pool_b  # b was not disposed (dispose replaces the pool)
    assert _metric("genius_tenant_engines_open") - open_before == 2
    assert _metric("genius_tenant_engines_evicted_total") - evicted_before == 2  # a, then c
    # Re-opened after eviction: a new engine on the same database.
    engine_c = databases.engine_for_slug(c)
    assert _select_one(engine_c) == 1
    assert databases.open_engines() == [a, c]
    assert _select_one(engine_a) == 1
    databases.dispose()
    assert databases.open_engines() == []
    assert _metric("genius_tenant_engines_open") == open_before


def test_engine_with_a_running_transaction_is_not_disposed(registries: Registries) -> None:
    registry = registries(1)
    databases = registry.databases
    busy, other = _tenants(registry, "busy", "other")
    engine = databases.engine_for_slug(busy)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE kept (n INTEGER)"))
        pool = engine.pool
        conn.execute(sa.text("INSERT INTO kept VALUES (1)"))
        # Another thread needs another tenant's engine while this transaction runs.
        answers: list[int] = []
        worker = threading.Thread(
            target=lambda: answers.append(_select_one(databases.engine_for_slug(other)))
        )
        worker.start()
        worker.join()
        assert answers == [1]
        assert databases.open_engines() == [busy, other]  # over the limit rather than dispose busy
        assert engine.pool is pool
        conn.execute(sa.text("INSERT INTO kept VALUES (2)"))
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT COUNT(*) FROM kept")).scalar_one() == 2
    # Once idle it goes at the next call: the cache shrinks back to the limit.
    databases.engine_for_slug(other)
    assert databases.open_engines() == [other]
    assert engine.pool is not pool


def test_callers_on_many_threads_keep_the_limit(registries: Registries) -> None:
    registry = registries(2)
    databases = registry.databases
    slugs = _tenants(registry, "p", "q", "r")
    databases.dispose()
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def call(slug: str) -> None:
        try:
            start.wait()
            for _ in range(20):
                assert _select_one(databases.engine_for_slug(slug)) == 1
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=call, args=(slugs[i % 3],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(databases.open_engines()) <= 3  # the last engines opened may all have been busy
    databases.engine_for_slug(slugs[0])
    assert len(databases.open_engines()) == 2


def test_engine_limit_is_validated(tmp_path: Path) -> None:
    control = make_engine(sqlite_url(tmp_path / "control.db"))
    with pytest.raises(ValueError, match="tenant_engines must be at least 1"):
        TenantDatabases(control, data_dir=tmp_path, clusters={}, components=[], max_engines=0)
    with pytest.raises(SettingsError, match="tenant_engines"):
        Settings(tenant_engines=0)
    assert Settings().tenant_engines == 64
    control.dispose()


def _open_descriptors() -> list[str]:
    return [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd") if _is_link(fd)]


def _is_link(fd: str) -> bool:
    return os.path.islink(f"/proc/self/fd/{fd}")


def test_dropped_sqlite_tenant_leaves_no_file(tmp_path: Path) -> None:
    registry = _registry(str(sqlite_url(tmp_path / "control.db")), tmp_path, {}, 4)
    (slug,) = _tenants(registry, "gone")
    writer = registry.databases.engine_for_slug(slug).execution_options(**{SQLITE_IMMEDIATE: True})
    with writer.begin() as conn:  # a write takes the cross-process turn: the -writer file appears
        conn.execute(sa.text("CREATE TABLE t (n INTEGER)"))
    folder = tmp_path / "tenants"
    assert f"{slug}_core.db{WRITER_TURN_SUFFIX}" in os.listdir(folder)
    registry.delete(slug)
    assert os.listdir(folder) == []
    assert not [link for link in _open_descriptors() if f"{slug}_core.db" in link]
    registry.databases.dispose()
    registry.control.dispose()


def test_sqlite_tenant_is_not_dropped_under_a_writer(tmp_path: Path) -> None:
    registry = _registry(str(sqlite_url(tmp_path / "control.db")), tmp_path, {}, 4)
    (slug,) = _tenants(registry, "held")
    cluster, database_name = registry.databases._placement(slug)
    writer = registry.databases.engine_for_slug(slug).execution_options(**{SQLITE_IMMEDIATE: True})
    with writer.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (n INTEGER)"))
        with pytest.raises(RuntimeError, match=r"write turn .* is held by a writer of this process"):
            registry.databases.drop_database(cluster, database_name)
        assert (tmp_path / "tenants" / f"{database_name}.db").exists()
    registry.delete(slug)
    assert os.listdir(tmp_path / "tenants") == []
    registry.databases.dispose()
    registry.control.dispose()
