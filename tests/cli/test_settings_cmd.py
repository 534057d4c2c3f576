"""`genius settings`: operator changes at installation and tenant scope, audited in the trails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genius.bootstrap import build_platform
from genius.cli.main import app
from genius.platform.audit import AuditQuery
from genius.platform.settings import Settings, get_settings
from genius.platform.tenancy import TenantContext, tenant_scope


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GENIUS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()  # the CLI reads settings through the process-wide cache
    platform = build_platform(Settings(data_dir=tmp_path))
    try:
        platform.tenants.create("alpha", name="Alpha SRL", cui="18547290")
        platform.tenants.create("beta", name="Beta SRL", cui="14399840")
    finally:
        platform.close()
    yield tmp_path
    get_settings.cache_clear()


def _records(data_dir: Path, slug: str) -> list:
    platform = build_platform(Settings(data_dir=data_dir))
    try:
        tenant = platform.tenants.get(slug)
        with tenant_scope(TenantContext(tenant.id, slug, system=True)):
            return platform.audit.query(AuditQuery(action="admin.setting.update")).items
    finally:
        platform.close()


def test_installation_value_applies_to_every_tenant_and_is_audited_in_each(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["settings", "set", "rate_limit.tenant_rate", "75", "--installation", "--reason", "x"]
    )
    assert result.exit_code == 0, result.output
    platform = build_platform(Settings(data_dir=data_dir))
    try:
        for slug in ("alpha", "beta"):
            tenant_id = platform.tenants.get(slug).id
            assert platform.runtime_settings.rate_limits(tenant_id).tenant_rate == 75
    finally:
        platform.close()
    for slug in ("alpha", "beta"):
        records = _records(data_dir, slug)
        assert [r.resource_id for r in records] == ["installation:rate_limit.tenant_rate"]
        assert records[0].after == {"value": 75.0}


def test_tenant_value_wins_and_unset_falls_back(data_dir: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(app, ["settings", "set", "rate_limit.user_rate", "20", "--installation"]).exit_code == 0
    )
    assert (
        runner.invoke(app, ["settings", "set", "rate_limit.user_rate", "5", "--tenant", "alpha"]).exit_code
        == 0
    )
    platform = build_platform(Settings(data_dir=data_dir))
    try:
        alpha, beta = platform.tenants.get("alpha").id, platform.tenants.get("beta").id
        assert platform.runtime_settings.rate_limits(alpha).user_rate == 5
        assert platform.runtime_settings.rate_limits(beta).user_rate == 20
    finally:
        platform.close()
    result = runner.invoke(app, ["settings", "unset", "rate_limit.user_rate", "--tenant", "alpha"])
    assert result.exit_code == 0, result.output
    assert "installation" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["settings", "set", "no.such.key", "1", "--installation"], "no.such.key"),
        (["settings", "set", "--installation", "rate_limit.user_rate", "--", "-3"], "rate_limit.user_rate"),
        (["settings", "set", "rate_limit.user_rate", "3"], "--tenant"),
        (["settings", "set", "rate_limit.user_rate", "3", "--tenant", "nosuch"], "nosuch"),
    ],
)
def test_bad_input_is_refused_naming_the_problem(data_dir: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output
