"""`genius bnr import|fetch`: BNR reference rates into the tenants' databases (offline file or BNR's feed).

    genius bnr import nbrfxrates2026.xml                 # every active tenant
    genius bnr import nbrfxrates10days.xml --tenant acme
    genius bnr fetch --source ten_days                    # BNR's feed now (what the worker does)

The file is BNR's own XML (daily, 10-day or yearly ``nbrfxrates*.xml``), read by
``genius.integrations.bnr.load_file``; storing is an upsert per currency and day, so importing the
same file again changes nothing. Invoices in a foreign currency take the rate BNR published the
banking day before their tax point when their draft gives none (Codul fiscal art. 290).
"""

from __future__ import annotations

from pathlib import Path

import typer

from genius.cli.tenant import fail
from genius.kernel.errors import GeniusError

app = typer.Typer(help="BNR exchange rates: import a file or fetch BNR's feed.", no_args_is_help=True)


def _targets(platform: object, tenant: str | None) -> list[str]:
    tenants = platform.tenants  # type: ignore[attr-defined]
    if tenant:
        return [tenants.get(tenant).slug]
    return [t.slug for t in tenants.list() if t.status == "active"]


def _store(document: object, source: str, tenant: str | None) -> None:
    from genius.apps.accounting.handlers.fx_rates import store_bnr_document
    from genius.apps.sales.rates import store_document
    from genius.bootstrap import build_platform
    from genius.kernel.clock import utcnow

    platform = build_platform()
    try:
        slugs = _targets(platform, tenant)
        if not slugs:
            typer.echo("no active tenant to import into", err=True)
            raise typer.Exit(1)
        for slug in slugs:
            engine = platform.databases.engine_for_slug(slug)
            sheets, rates = store_document(engine, document, source, utcnow())  # type: ignore[arg-type]
            store_bnr_document(engine, document, source, utcnow())  # type: ignore[arg-type]
            typer.echo(f"{slug}: {sheets} day(s), {rates} rate(s)")
    finally:
        platform.close()


@app.command("import")
def import_file(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="BNR's rates XML (nbrfxrates*.xml)."),
    tenant: str | None = typer.Option(
        None, "--tenant", help="One tenant's slug (default: every active tenant)."
    ),
) -> None:
    """Import BNR rates from a file (offline use)."""
    from genius.integrations.bnr import load_file

    try:
        document = load_file(path)
        days = [s.day for s in document.sheets]
        if days:
            typer.echo(f"{path.name}: {len(days)} day(s) from {min(days)} to {max(days)}")
        _store(document, f"file:{path.name}", tenant)
    except GeniusError as exc:
        raise fail(exc) from exc


@app.command("fetch")
def fetch(
    source: str = typer.Option("daily", "--source", help="daily, ten_days or year."),
    year: int | None = typer.Option(None, "--year", help="The year, for --source year."),
    tenant: str | None = typer.Option(
        None, "--tenant", help="One tenant's slug (default: every active tenant)."
    ),
) -> None:
    """Fetch BNR's feed now and store it."""
    from genius.integrations.bnr import BnrClient
    from genius.platform.settings import get_settings

    client = BnrClient.from_settings(get_settings())
    try:
        if source == "daily":
            document = client.latest()
        elif source == "ten_days":
            document = client.last_ten_days()
        elif source == "year" and year is not None:
            document = client.year(year)
        else:
            typer.echo("--source must be daily, ten_days or year (with --year)", err=True)
            raise typer.Exit(2)
        _store(document, f"bnr:{source}", tenant)
    except GeniusError as exc:
        raise fail(exc) from exc
    finally:
        client.close()
