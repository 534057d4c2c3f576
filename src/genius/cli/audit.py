"""`genius audit verify --tenant <slug>`: check a tenant's audit chain end to end."""

from __future__ import annotations

import json

import typer

from genius.cli.tenant import command_platform

app = typer.Typer(help="Audit trail: verify a tenant's hash chain.", no_args_is_help=True)


@app.command("verify")
def verify(
    tenant: str = typer.Option(..., "--tenant", help="The tenant's slug."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Walk every record of the tenant's chain; exit 1 naming the first broken record."""
    with command_platform() as platform:
        result = platform.audit.verify(tenant)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "tenant": tenant,
                    "ok": result.ok,
                    "checked": result.checked,
                    "first_broken_seq": result.first_broken_seq,
                    "reason": result.reason,
                }
            )
        )
    elif result.ok:
        typer.echo(f"{tenant}: audit chain intact, {result.checked} record(s), last hash {result.last_hash}")
    else:
        typer.secho(
            f"{tenant}: audit chain BROKEN at record {result.first_broken_seq}: {result.reason} "
            f"({result.checked} record(s) before it verified)",
            err=True,
            fg="red",
        )
    if not result.ok:
        raise typer.Exit(1)
