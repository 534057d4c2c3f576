"""`genius user ...` (create, list, set-password) and `genius auth ...` (rotate-keys, roles)."""

from __future__ import annotations

import json
from typing import Any

import typer

from genius.cli.tenant import command_platform
from genius.kernel.errors import ValidationError

app = typer.Typer(help="Users of a tenant: create, list, set a password.", no_args_is_help=True)
auth_app = typer.Typer(help="Identity: signing keys and roles.", no_args_is_help=True)


def parse_attributes(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; a value that reads as JSON (number, list, true) keeps its type."""
    result: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError.for_field("attr", f"{pair!r}: write key=value, e.g. branch=CJ")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        result[key.strip()] = value
    return result


@app.command("create")
def create(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    email: str = typer.Option(..., "--email", help="Login e-mail."),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="At least 10 characters of two kinds; prompted when omitted.",
    ),
    role: list[str] = typer.Option(..., "--role", help="Role name; repeat for several."),
    display_name: str | None = typer.Option(None, "--display-name"),
    attr: list[str] = typer.Option([], "--attr", help="ABAC attribute key=value (branch=CJ); repeatable."),
) -> None:
    """Create a user (password stored only as an argon2id hash)."""
    with command_platform() as platform:
        user = platform.auth.users.create(
            tenant, email, password, role, attributes=parse_attributes(attr), display_name=display_name
        )
    typer.echo(f"created user {user.email} in {tenant} roles={','.join(user.roles)} id={user.id}")


@app.command("list")
def list_users(tenant: str = typer.Option(..., "--tenant")) -> None:
    """List a tenant's users."""
    with command_platform() as platform:
        users = platform.auth.users.list(platform.tenants.get(tenant).id)
    for u in users:
        state = "active" if u.active else "disabled"
        typer.echo(f"{u.email:<40} {state:<9} {','.join(u.roles):<30} {json.dumps(u.attributes)}")


@app.command("set-password")
def set_password(
    tenant: str = typer.Option(..., "--tenant"),
    email: str = typer.Option(..., "--email"),
    generate: bool = typer.Option(False, "--generate", help="Make a random password and print it once."),
) -> None:
    """Set a user's password (prompted, or generated and printed once)."""
    from genius.platform.auth.passwords import generate_password

    password = (
        generate_password()
        if generate
        else typer.prompt("password", hide_input=True, confirmation_prompt=True)
    )
    with command_platform() as platform:
        platform.auth.users.set_password(tenant, email, password)
    typer.echo(f"password of {email} in {tenant} changed")
    if generate:
        typer.echo(f"  password: {password}  (shown only this once)")


@auth_app.command("rotate-keys")
def rotate_keys(tenant: str = typer.Option(..., "--tenant", help="Tenant slug.")) -> None:
    """Make a new signing key; the old one keeps verifying tokens for the grace period."""
    with command_platform() as platform:
        key = platform.auth.rotate_keys(tenant)
        keys = platform.auth.keys.keys(platform.tenants.get(tenant).id)
    typer.echo(f"tenant {tenant}: new signing key {key.kid} ({key.algorithm})")
    for k in keys:
        if k.kid != key.kid:
            typer.echo(f"  {k.kid}: retired, verifies until {k.expires_at:%Y-%m-%d %H:%M:%S} UTC")


@auth_app.command("define-role")
def define_role(
    tenant: str = typer.Option(..., "--tenant"),
    name: str = typer.Option(..., "--name"),
    permission: list[str] = typer.Option(..., "--permission", help="Pattern like sales.* ; repeatable."),
    description: str = typer.Option("", "--description"),
) -> None:
    """Create or replace one of the tenant's own roles."""
    with command_platform() as platform:
        role = platform.auth.roles.define(platform.tenants.get(tenant).id, name, permission, description)
    typer.echo(f"role {role.name} in {tenant}: {', '.join(role.permissions)}")


@auth_app.command("roles")
def roles(tenant: str = typer.Option(..., "--tenant")) -> None:
    """List the roles a tenant can assign (built-in and its own)."""
    with command_platform() as platform:
        items = platform.auth.roles.list(platform.tenants.get(tenant).id)
    for r in items:
        kind = "built-in" if r.builtin else "tenant"
        typer.echo(f"{r.name:<20} {kind:<9} {', '.join(r.permissions)}")
