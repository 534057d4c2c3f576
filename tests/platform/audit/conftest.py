"""Platforms with the audit component: one on SQLite in a temp folder, one on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform, build_platform
from genius.platform.db.engine import make_engine
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant
from tests.platform.audit.http import api  # noqa: F401  (the app fixture, shared with the flag tests)

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # 32 zero bytes, tests only


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    built = build_platform(Settings(data_dir=tmp_path, master_key=MASTER_KEY))
    yield built
    built.close()


@pytest.fixture
def tenant(platform: Platform) -> Tenant:
    return platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")


@pytest.fixture
def pg_platform(postgres_url: str, tmp_path: Path) -> Iterator[Platform]:
    """A platform whose control plane and tenants live in their own PostgreSQL databases."""
    suffix = uuid.uuid4().hex[:8]
    control_db = f"gtest_audit_{suffix}"
    server = make_engine(postgres_url)
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{control_db}"'))
    control_url = sa.make_url(postgres_url).set(database=control_db).render_as_string(hide_password=False)
    built = build_platform(Settings(data_dir=tmp_path, master_key=MASTER_KEY, database_url=control_url))
    try:
        yield built
    finally:
        databases = [f"{t.slug}_core" for t in built.tenants.list()]
        built.close()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in [*databases, control_db]:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def pg_tenant(pg_platform: Platform) -> Tenant:
    return pg_platform.tenants.create(f"a{uuid.uuid4().hex[:8]}", name="Acme SRL", cui="RO18547290")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> tuple[Platform, Tenant]:
    """The same test on both databases: (platform, tenant)."""
    if request.param == "sqlite":
        return request.getfixturevalue("platform"), request.getfixturevalue("tenant")
    return request.getfixturevalue("pg_platform"), request.getfixturevalue("pg_tenant")


def drop_append_only_triggers(conn: sa.Connection) -> None:
    """What an attacker with DDL rights does first: remove the database's protection."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("DROP TRIGGER audit_records_append_only ON audit.audit_records"))
    else:
        conn.execute(sa.text("DROP TRIGGER audit_records_no_update"))
        conn.execute(sa.text("DROP TRIGGER audit_records_no_delete"))
