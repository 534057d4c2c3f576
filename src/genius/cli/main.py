"""The `genius` command: one Typer app; each area adds its sub-commands here."""

from __future__ import annotations

import typer

from genius.cli import (
    anaf_sandbox,
    audit,
    bnr,
    demo,
    dlq,
    efactura,
    saft,
    serve,
    settings_cmd,
    subscribers,
    tenant,
    user,
    worker,
)

app = typer.Typer(help="Genius ERP command line.", no_args_is_help=True)
app.add_typer(tenant.app, name="tenant")
app.add_typer(tenant.config_app, name="config")
app.command("migrate")(tenant.migrate)
app.command("serve")(serve.serve)
app.add_typer(audit.app, name="audit")
app.add_typer(user.app, name="user")
app.add_typer(user.auth_app, name="auth")
app.add_typer(efactura.app, name="efactura")
app.add_typer(dlq.app, name="dlq")
app.add_typer(worker.app, name="worker")
app.command("subscribers")(subscribers.subscribers)
app.add_typer(anaf_sandbox.app, name="anaf-sandbox")
app.add_typer(settings_cmd.app, name="settings")
app.add_typer(saft.app, name="saft")
app.add_typer(bnr.app, name="bnr")
app.command("demo")(demo.demo)


@app.command()
def version() -> None:
    """Print the installed version."""
    from genius import __version__

    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
