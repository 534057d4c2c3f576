"""The demo tenant of `genius serve`, and the `genius user` / `genius auth` commands."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genius.bootstrap import Platform, build_platform
from genius.cli.main import app
from genius.platform.auth.demo import DEMO_CUI, ensure_demo_tenant
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import validate_cui
from tests.platforms import cli_environment

from .conftest import PASSWORD, PlatformFactory


def test_demo_tenant_is_made_once_with_a_password_shown_once_and_stored_hashed(
    make_platform: PlatformFactory,
) -> None:
    platform = make_platform()
    assert validate_cui(DEMO_CUI) == DEMO_CUI
    lines: list[str] = []
    first = ensure_demo_tenant(platform, echo=lines.append)
    assert first.created and first.admin_password
    password = first.admin_password
    assert sum(password in line for line in lines) == 1
    tenant = platform.tenants.get("demo")
    assert tenant.cui == DEMO_CUI and tenant.status == "active"
    ctx = platform.auth.verify_access_token(
        platform.auth.password_grant("demo", first.admin_email, password).access_token
    )
    assert ctx.roles == ("admin",)

    with platform.control.connect() as conn:
        stored = conn.execute(
            sa.select(cp.users.c.password_hash).where(cp.users.c.tenant_id == tenant.id)
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    data_dir = platform.databases.data_dir
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), f"plain password found in {path}"

    again: list[str] = []
    second = ensure_demo_tenant(platform, echo=again.append)
    assert not second.created and second.admin_password is None
    assert any("exists" in line for line in again)
    assert not any(password in line for line in again)
    assert len(platform.auth.users.list(tenant.id)) == 1


def test_demo_tenant_made_without_users_gets_its_admin(make_platform: PlatformFactory) -> None:
    platform = make_platform(demo_tenant="showcase")
    platform.tenants.create("showcase", name="Showcase SRL", cui=DEMO_CUI)
    result = ensure_demo_tenant(platform, echo=lambda _line: None)
    assert result.created and result.admin_email == "admin@showcase.example"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with cli_environment(monkeypatch, tmp_path, public_url="http://genius.test") as data_dir:
        yield data_dir


def _platform() -> Platform:
    return build_platform()


def test_user_create_command(cli_env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "user",
            "create",
            "--tenant",
            "acme",
            "--email",
            "Ana@Acme.ro",
            "--password",
            PASSWORD,
            "--role",
            "sales_clerk",
            "--role",
            "viewer",
            "--attr",
            "branch=CJ",
            "--attr",
            "max_invoice_amount=5000",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "created user ana@acme.ro in acme roles=sales_clerk,viewer" in result.output
    platform = _platform()
    try:
        ctx = platform.auth.verify_access_token(
            platform.auth.password_grant("acme", "ana@acme.ro", PASSWORD).access_token
        )
    finally:
        platform.close()
    assert ctx.roles == ("sales_clerk", "viewer")
    assert ctx.attributes["max_invoice_amount"] == 5000 and ctx.attributes["branch"] == "CJ"

    listed = runner.invoke(app, ["user", "list", "--tenant", "acme"])
    assert "ana@acme.ro" in listed.output and "active" in listed.output


def test_user_create_command_names_bad_fields(cli_env: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "create", "--tenant", "acme", "--email", "nope", "--password", "weak", "--role", "ghost"],
    )
    assert result.exit_code == 1
    for field in ("email", "password", "roles[0]"):
        assert f"{field}:" in result.output
    missing = CliRunner().invoke(
        app,
        [
            "user",
            "create",
            "--tenant",
            "ghost",
            "--email",
            "a@b.ro",
            "--password",
            PASSWORD,
            "--role",
            "admin",
        ],
    )
    assert missing.exit_code == 1 and "ghost" in missing.output


def test_rotate_keys_command(cli_env: Path) -> None:
    platform = _platform()
    try:
        platform.auth.users.create("acme", "ana@acme.ro", PASSWORD, ["viewer"])
        old_token = platform.auth.password_grant("acme", "ana@acme.ro", PASSWORD).access_token
    finally:
        platform.close()
    result = CliRunner().invoke(app, ["auth", "rotate-keys", "--tenant", "acme"])
    assert result.exit_code == 0, result.output
    new_kid = re.search(r"new signing key (\S+) \(ES256\)", result.output)
    assert new_kid is not None
    assert "retired, verifies until" in result.output
    platform = _platform()
    try:
        assert platform.auth.verify_access_token(old_token).slug == "acme"  # within grace
        fresh = platform.auth.password_grant("acme", "ana@acme.ro", PASSWORD).access_token
        import jwt

        assert jwt.get_unverified_header(fresh)["kid"] == new_kid.group(1)
    finally:
        platform.close()
    unknown = CliRunner().invoke(app, ["auth", "rotate-keys", "--tenant", "ghost"])
    assert unknown.exit_code == 1


def test_roles_and_set_password_commands(cli_env: Path) -> None:
    runner = CliRunner()
    defined = runner.invoke(
        app, ["auth", "define-role", "--tenant", "acme", "--name", "warehouse", "--permission", "inventory.*"]
    )
    assert defined.exit_code == 0, defined.output
    roles = runner.invoke(app, ["auth", "roles", "--tenant", "acme"])
    assert re.search(r"warehouse\s+tenant\s+inventory\.\*", roles.output)
    assert re.search(r"admin\s+built-in\s+\*", roles.output)
    created = runner.invoke(
        app,
        [
            "user",
            "create",
            "--tenant",
            "acme",
            "--email",
            "gigi@acme.ro",
            "--password",
            PASSWORD,
            "--role",
            "warehouse",
        ],
    )
    assert created.exit_code == 0, created.output
    reset = runner.invoke(
        app, ["user", "set-password", "--tenant", "acme", "--email", "gigi@acme.ro", "--generate"]
    )
    assert reset.exit_code == 0, reset.output
    new_password = re.search(r"password: (\S+)", reset.output)
    assert new_password is not None
    platform = _platform()
    try:
        assert platform.auth.password_grant("acme", "gigi@acme.ro", new_password.group(1)).access_token
    finally:
        platform.close()
