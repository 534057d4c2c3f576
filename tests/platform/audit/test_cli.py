"""`genius audit verify --tenant`: exit 0 on an intact chain, 1 naming the broken record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genius.bootstrap import build_platform
from genius.cli.main import app
from genius.platform.audit import AuditEntry
from genius.platform.settings import get_settings
from genius.platform.tenancy import TenantContext, tenant_scope
from tests.platform.audit.conftest import MASTER_KEY, drop_append_only_triggers


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GENIUS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GENIUS_MASTER_KEY", MASTER_KEY)
    monkeypatch.delenv("GENIUS_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_verify_command(env: None) -> None:
    platform = build_platform()
    try:
        tenant = platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
        with tenant_scope(TenantContext(tenant.id, tenant.slug, user_id="u-1")):
            for n in range(3):
                platform.audit.record(AuditEntry(action="sales.invoice.issue", resource_id=f"F-{n}"))
    finally:
        platform.close()
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--tenant", "acme"])
    assert ok.exit_code == 0, ok.output
    assert "intact, 3 record(s)" in ok.output

    platform = build_platform()
    try:
        with platform.databases.engine_for_slug("acme").begin() as conn:
            drop_append_only_triggers(conn)
            conn.execute(sa.text("UPDATE audit_records SET resource_id = 'F-X' WHERE seq = 2"))
    finally:
        platform.close()
    broken = runner.invoke(app, ["audit", "verify", "--tenant", "acme"])
    assert broken.exit_code == 1
    assert "BROKEN at record 2" in broken.output
    as_json = runner.invoke(app, ["audit", "verify", "--tenant", "acme", "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["first_broken_seq"] == 2

    missing = runner.invoke(app, ["audit", "verify", "--tenant", "nosuch"])
    assert missing.exit_code == 1
    assert "nosuch" in missing.output
