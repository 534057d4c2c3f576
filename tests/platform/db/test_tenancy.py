"""Tenancy: validation, all-or-nothing creation, placement and the tenant-context guard."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from genius.kernel.errors import Conflict, ValidationError
from genius.platform.db.engine import make_engine, sqlite_url
from genius.platform.db.migrate import MigrationComponent, current_revision, head_revision, upgrade
from genius.platform.tenancy import (
    NoTenantContext,
    TenantContext,
    TenantDatabases,
    TenantRegistry,
    current_tenant,
    tenant_scope,
    validate_cui,
)
from tests.platforms import throwaway_control_database

CONTROL = Path(__file__).resolve().parents[3] / "src/genius/platform/db/migrations/control"
COMPONENT = MigrationComponent("control", "control", CONTROL)


def _registry(control_url: str, data_dir: Path, clusters: dict[str, str]) -> TenantRegistry:
    control = make_engine(control_url, schemas=["control"])
    upgrade(control, [COMPONENT])
    databases = TenantDatabases(control, data_dir=data_dir, clusters=clusters, components=[])
    return TenantRegistry(databases)


@pytest.fixture
def registry(tmp_path: Path) -> TenantRegistry:
    reg = _registry(str(sqlite_url(tmp_path / "control.db")), tmp_path, {})
    yield reg
    reg.databases.dispose()
    reg.control.dispose()


@pytest.mark.parametrize("cui", ["18547290", "RO18547290", "ro 18547290", "14399840"])
def test_valid_cuis(cui: str) -> None:
    assert validate_cui(cui).endswith(cui.replace(" ", "")[-8:])


@pytest.mark.parametrize("cui", ["18547291", "RO123", "abc", "", "RO12345678901"])
def test_invalid_cui_names_the_field(cui: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate_cui(cui)
    assert err.value.problems[0].field == "cui"


def test_create_and_list(registry: TenantRegistry) -> None:
    tenant = registry.create("acme", name="Acme SRL", cui="RO18547290")
    assert tenant.status == "active"
    assert [t.slug for t in registry.list()] == ["acme"]
    with pytest.raises(Conflict):
        registry.create("acme", name="Other", cui="18547290")


@pytest.mark.parametrize(
    ("slug", "name", "cui", "field"),
    [
        ("Acme", "A", "18547290", "slug"),
        ("a", "A", "18547290", "slug"),
        ("acme-x", "A", "18547290", "slug"),
        ("acme", "", "18547290", "name"),
        ("acme", "A", "18547291", "cui"),
    ],
)
def test_bad_tenant_input_writes_nothing(
    registry: TenantRegistry, slug: str, name: str, cui: str, field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        registry.create(slug, name=name, cui=cui)
    assert err.value.problems[0].field == field
    assert registry.list() == []


def test_failed_migration_rolls_back_everything(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "versions").mkdir(parents=True)
    (broken / "env.py").write_text(
        "from alembic import context\nfrom genius.platform.db.migrate import run_env\nrun_env(context)\n"
    )
    (broken / "versions" / "0001_x.py").write_text(
        "revision='0001'\ndown_revision=None\nbranch_labels=None\ndepends_on=None\n"
        "from alembic import op\n"
        "def upgrade():\n    op.execute('CREATE TABLE t (id INTEGER)')\n    op.execute('THIS IS NOT SQL')\n"
    )
    reg = _registry(str(sqlite_url(tmp_path / "control.db")), tmp_path, {})
    reg.databases.components = [MigrationComponent("broken", "broken", broken)]
    with pytest.raises(Exception, match="broken"):
        reg.create("acme", name="Acme SRL", cui="18547290")
    assert reg.list() == []
    assert not (tmp_path / "tenants" / "acme_core.db").exists()


def test_tenant_engine_needs_a_context(registry: TenantRegistry) -> None:
    tenant = registry.create("acme", name="Acme SRL", cui="18547290")
    with pytest.raises(NoTenantContext):
        registry.databases.engine()
    with pytest.raises(NoTenantContext):
        current_tenant()
    with (
        tenant_scope(TenantContext(tenant.id, tenant.slug, system=True)),
        registry.databases.engine().connect() as conn,
    ):
        assert conn.execute(sa.text("select 1")).scalar() == 1
    with pytest.raises(NoTenantContext):
        registry.databases.engine()


def test_control_plane_migrations_are_idempotent(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "c.db"), schemas=["control"])
    assert upgrade(engine, [COMPONENT]) == ["control"]
    assert upgrade(engine, [COMPONENT]) == []
    assert current_revision(engine, COMPONENT) == head_revision(COMPONENT)


@pytest.mark.postgres
def test_postgres_placement_creates_own_database(postgres_url: str, tmp_path: Path) -> None:
    slug = f"t{uuid.uuid4().hex[:8]}"
    with throwaway_control_database(postgres_url, "gtest_control") as control:
        control.tenant_databases.append(f"{slug}_core")  # dropped even if the test fails before delete
        reg = _registry(control.url, tmp_path, {"default": postgres_url})
        try:
            tenant = reg.create(slug, name="PG SRL", cui="RO18547290")
            assert f"{slug}_core" in _database_names(control.server)
            with (
                tenant_scope(TenantContext(tenant.id, slug, system=True)),
                reg.databases.engine().connect() as conn,
            ):
                assert conn.execute(sa.text("select current_database()")).scalar() == f"{slug}_core"
            reg.delete(slug)
            assert f"{slug}_core" not in _database_names(control.server)
        finally:
            reg.databases.dispose()
            reg.control.dispose()


def _database_names(server: sa.Engine) -> list[str]:
    with server.connect() as conn:
        return list(conn.execute(sa.text("SELECT datname FROM pg_database")).scalars())
