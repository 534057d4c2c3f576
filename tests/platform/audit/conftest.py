"""Platforms with the audit component: one on SQLite in a temp folder, one on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform, build_platform
from genius.platform.settings import Settings
from genius.platform.tenancy import Tenant
from tests.platform.audit.http import api  # noqa: F401  (the app fixture, shared with the flag tests)
from tests.platforms import MASTER_KEY, postgres_platform


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

    def settings(control_url: str) -> Settings:
        return Settings(data_dir=tmp_path, master_key=MASTER_KEY, database_url=control_url)

    with postgres_platform(postgres_url, "gtest_audit", settings) as built:
        yield built


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
