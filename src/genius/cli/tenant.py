"""`genius tenant ...`, `genius migrate` and `genius config show`: the platform's commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from genius.kernel.errors import GeniusError

if TYPE_CHECKING:
    from genius.bootstrap import Platform

app = typer.Typer(help="Tenants: create, list.", no_args_is_help=True)


def fail(exc: GeniusError) -> typer.Exit:
    """Print a GeniusError as one readable line (plus field problems) and exit 1."""
    typer.secho(f"error: {exc.message}", err=True, fg="red")
    problems = getattr(exc, "problems", []) or []
    if len(problems) > 1:  # one problem is already the message itself
        for problem in problems:
            typer.secho(f"  {problem.field}: {problem.message}", err=True)
    return typer.Exit(1)


@contextmanager
def command_platform() -> Iterator[Platform]:
    """The platform a command works on, closed when it ends; a ``GeniusError`` raised inside
    leaves as ``fail``'s one readable line (exit 1)."""
    from genius.bootstrap import build_platform

    platform = build_platform()
    try:
        yield platform
    except GeniusError as exc:
        raise fail(exc) from None
    finally:
        platform.close()


@app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short name: lowercase letters, digits, _ (e.g. acme)."),
    name: str = typer.Option(..., "--name", help="The firm's legal name."),
    cui: str = typer.Option(..., "--cui", help="The firm's CUI/CIF, with RO if it is a VAT payer."),
    cluster: str | None = typer.Option(None, "--cluster", help="PostgreSQL cluster name (placement)."),
) -> None:
    """Create a tenant: control-plane rows, its own database, all migrations."""
    with command_platform() as platform:
        tenant = platform.tenants.create(slug, name=name, cui=cui, cluster=cluster)
    typer.echo(f"created tenant {tenant.slug} ({tenant.name}, CUI {tenant.cui}) id={tenant.id}")


@app.command("list")
def list_tenants(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List tenants."""
    from genius.bootstrap import build_platform

    platform = build_platform()
    try:
        tenants = platform.tenants.list()
    finally:
        platform.close()
    if as_json:
        typer.echo(
            json.dumps([{"slug": t.slug, "name": t.name, "cui": t.cui, "status": t.status} for t in tenants])
        )
        return
    for t in tenants:
        typer.echo(f"{t.slug:<20} {t.status:<12} {t.cui:<14} {t.name}")


def migrate() -> None:
    """Apply migrations to the control plane and every tenant database (idempotent)."""
    with command_platform() as platform:
        tenants = platform.tenants.list()
        typer.echo(f"control plane: up to date; {len(tenants)} tenant(s)")
        for index, tenant in enumerate(tenants, 1):
            changed = platform.databases.migrate(tenant.slug)
            status = f"migrated {', '.join(changed)}" if changed else "up to date"
            typer.echo(f"[{index}/{len(tenants)}] {tenant.slug}: {status}")


config_app = typer.Typer(help="Configuration.", no_args_is_help=True)


@config_app.command("show")
def config_show() -> None:
    """Print the effective configuration (code < genius.toml < env < secrets), secrets masked."""
    from genius.platform.settings import Settings, masked

    typer.echo(json.dumps(masked(Settings()), indent=2, sort_keys=True))
