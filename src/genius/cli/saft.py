"""`genius saft export|settings|sync`: the SAF-T D406 of a period from the command line.

    genius saft settings --tenant acme --contact-first-name Ioana --contact-last-name Popescu \\
        --contact-telephone +40264000000
    genius saft export --tenant acme --period 2026-10 --out D406_2026-10.xml
    genius saft export --tenant acme --period 2026 --out D406_2026.xml     # annual: fixed assets (A)
    genius saft sync --tenant acme --period 2026-10      # copy documents the read model missed

``export`` runs in the foreground with its progress on stderr. It writes a temporary file beside
``--out`` and renames it only when the file is complete and its totals agree, so a refused or
failed export leaves nothing at ``--out``. The export is registered and ``accounting.saft.exported``
published, as for the API's job (with no storage key: the file is where you asked).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from pathlib import Path

import typer

from genius.cli.tenant import command_platform, fail
from genius.kernel.errors import GeniusError

app = typer.Typer(
    help="SAF-T D406: export a period, set the header's contact, sync the read model.", no_args_is_help=True
)


class _Bar:
    """Progress on stderr: one line rewritten at a terminal, a line per 10 % otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last = -10

    def __call__(self, percent: int, message: str) -> None:
        if self.quiet:
            return
        if self.tty:
            sys.stderr.write(f"\r{percent:3d}% {message[:100]:<100}")
            sys.stderr.flush()
        elif percent >= self.last + 10 or percent == 100:
            self.last = percent
            typer.echo(f"{percent:3d}% {message}", err=True)

    def done(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\n")


@app.command("export")
def export(
    tenant: str = typer.Option(..., "--tenant", help="The tenant's slug."),
    period: str = typer.Option(
        ..., "--period", help="2026-10 (monthly, L), 2026-Q3 (quarterly, T) or 2026 (annual fixed assets, A)."
    ),
    out: Path = typer.Option(..., "--out", help="Where to write the D406 XML."),
    test_namespace: bool = typer.Option(
        False, "--test-namespace", help="Write ANAF's test declaration namespace (d406t) instead."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress on stderr."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write the D406 of a period to a file (synchronous, with progress)."""
    from genius.apps.accounting.saft.domain import parse_period
    from genius.apps.accounting.saft.export import export_d406, finding_dict, record_export
    from genius.bootstrap import build_platform
    from genius.fiscal.ro.saft import Target
    from genius.kernel.clock import utcnow
    from genius.kernel.ids import new_id
    from genius.platform.db.uow import UnitOfWork
    from genius.platform.tenancy import TenantContext
    from genius.workers.anaf_saft import tenant_profile

    platform = build_platform()
    bar = _Bar(quiet)
    target = out.expanduser().resolve()
    temp = target.parent / f".{target.name}.tmp-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    try:
        parsed = parse_period(period)
        record = platform.tenants.get(tenant)
        engine = platform.databases.engine_for_slug(record.slug)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(temp, "xb") as handle:
            result = export_d406(
                engine,
                tenant_profile(platform, record.slug),
                parsed,
                handle,
                created=utcnow().date(),
                target=Target.TEST if test_namespace else Target.FILING,
                progress=bar,
            )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        bar(100, f"{target.name} complete")
        ctx = TenantContext(record.id, record.slug, system=True)
        with UnitOfWork(platform.databases, tenant=ctx) as uow:
            record_export(uow, new_id(), result, storage_key=None, stored_size=None, by=None)
    except GeniusError as exc:
        bar.done()
        raise fail(exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        platform.close()
    bar.done()
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "file": str(target),
                    "period": parsed.label,
                    "report_type": parsed.report_type.value,
                    "sha256": result.sha256,
                    "size": result.size,
                    "counts": result.counts,
                    "warnings": [finding_dict(f) for f in result.warnings],
                    "seconds": round(seconds, 2),
                },
                ensure_ascii=False,
            )
        )
        return
    s = result.summary
    typer.echo(
        f"{target}: D406 {parsed.label} ({parsed.report_type.value}), {result.size} bytes, "
        f"sha256 {result.sha256}; "
        f"{s.transactions} transactions, {s.transaction_lines} lines, {s.sales_invoices} sales invoices, "
        f"{s.payments} payments; {len(result.warnings)} warning(s); {seconds:.1f} s"
    )
    for finding in result.warnings:
        typer.echo(f"  warning {finding.code} {finding.entity_id}: {finding.message_en}")


@app.command("settings")
def settings(
    tenant: str = typer.Option(..., "--tenant", help="The tenant's slug."),
    contact_first_name: str | None = typer.Option(None, help="Contact person's first name."),
    contact_last_name: str | None = typer.Option(None, help="Contact person's last name."),
    contact_telephone: str | None = typer.Option(None, help="Contact telephone (D406 requires one)."),
    contact_email: str | None = typer.Option(None, help="Contact e-mail."),
    iban: str | None = typer.Option(None, "--iban", help="IBAN for the header when invoices show none."),
    tax_accounting_basis: str | None = typer.Option(None, help="TaxAccountingBasis (A by default)."),
) -> None:
    """Show the D406 header settings, changing the ones given."""
    from genius.apps.accounting.saft import settings as saft_settings

    values = {
        "contact_first_name": contact_first_name,
        "contact_last_name": contact_last_name,
        "contact_telephone": contact_telephone,
        "contact_email": contact_email,
        "iban_override": iban,
        "tax_accounting_basis": tax_accounting_basis,
    }
    changes = {k: v for k, v in values.items() if v is not None}
    with command_platform() as platform:
        engine = platform.databases.engine_for_slug(platform.tenants.get(tenant).slug)
        with engine.begin() as conn:
            shown = saft_settings.update(conn, changes, None) if changes else saft_settings.load(conn)
    typer.echo(json.dumps(shown.as_dict(), ensure_ascii=False, indent=2))


@app.command("sync")
def sync(
    tenant: str = typer.Option(..., "--tenant", help="The tenant's slug."),
    period: str = typer.Option(..., "--period", help="Documents issued in this month or quarter."),
) -> None:
    """Copy partners and the period's issued documents from sales into the D406 read model."""
    from genius.apps.accounting.saft.domain import parse_period
    from genius.workers.anaf_saft import sync_read_model

    with command_platform() as platform:
        parsed = parse_period(period)
        summary = sync_read_model(platform, platform.tenants.get(tenant).slug, parsed.first, parsed.last)
    typer.echo(
        f"{tenant}: {summary.partners} partner(s), {summary.documents} document(s) "
        f"({summary.cancelled} cancelled) copied for D406 {parsed.label}"
    )
