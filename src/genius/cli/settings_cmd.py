"""`genius settings ...`: the operator's view of runtime settings, incl. installation-wide values."""

from __future__ import annotations

import getpass
import json

import typer

from genius.cli.tenant import command_platform
from genius.platform.tenancy import TenantContext

app = typer.Typer(help="Runtime settings (changeable without restart).", no_args_is_help=True)


def _operator_context(slug: str | None, platform) -> TenantContext:  # type: ignore[no-untyped-def]
    operator = f"operator:{getpass.getuser()}"
    if slug is None:
        # Installation scope: the change is audited in every tenant's trail (see RuntimeSettings).
        return TenantContext("", "", user_id=operator, attributes={"email": operator}, system=True)
    tenant = platform.tenants.get(slug)
    return TenantContext(
        tenant.id, tenant.slug, user_id=operator, attributes={"email": operator}, system=True
    )


def _scope(tenant: str | None, installation: bool) -> str:
    if installation == (tenant is not None):
        raise typer.BadParameter("give exactly one of --tenant SLUG or --installation")
    return "installation" if installation else "tenant"


@app.command("list")
def list_settings(
    tenant: str | None = typer.Option(None, "--tenant", help="Show a tenant's effective values."),
) -> None:
    """Every runtime setting with its effective value and the layer it comes from."""
    with command_platform() as platform:
        tenant_id = platform.tenants.get(tenant).id if tenant else None
        for item in platform.runtime_settings.all(tenant_id):
            typer.echo(json.dumps({"key": item.key, "value": item.value, "source": item.source}, default=str))


@app.command("set")
def set_setting(
    key: str = typer.Argument(..., help="Setting key, e.g. rate_limit.tenant_rate."),
    value: str = typer.Argument(..., help="The value, as JSON (a bare number or string is fine)."),
    tenant: str | None = typer.Option(None, "--tenant", help="Change it for this tenant only."),
    installation: bool = typer.Option(False, "--installation", help="Change it for every tenant."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the audit trail)."),
) -> None:
    """Store a runtime setting; audited. Tenant values win over installation values."""

    scope = _scope(tenant, installation)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    with command_platform() as platform:
        ctx = _operator_context(tenant, platform)
        result = platform.runtime_settings.put(ctx, key, parsed, scope=scope, reason=reason)  # type: ignore[arg-type]
    typer.echo(f"{key} = {result.value!r} ({scope})")


@app.command("unset")
def unset_setting(
    key: str = typer.Argument(...),
    tenant: str | None = typer.Option(None, "--tenant"),
    installation: bool = typer.Option(False, "--installation"),
    reason: str | None = typer.Option(None, "--reason"),
) -> None:
    """Remove a stored value so the layer below answers again; audited."""

    scope = _scope(tenant, installation)
    with command_platform() as platform:
        ctx = _operator_context(tenant, platform)
        result = platform.runtime_settings.delete(ctx, key, scope=scope, reason=reason)  # type: ignore[arg-type]
    typer.echo(f"{key} = {result.value!r} (now from {result.source})")
