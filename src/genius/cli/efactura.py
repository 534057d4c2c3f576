"""`genius efactura ...`: the RO e-Factura commands (build UBL from the JSON form; validate is added here)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from genius.cli.efactura_validate import validate

app = typer.Typer(help="RO e-Factura: build and check CIUS-RO UBL invoices.", no_args_is_help=True)


@app.callback()
def efactura() -> None:
    """RO e-Factura: build and check CIUS-RO UBL invoices."""
    # A callback keeps `efactura` a command group even while it has a single command.


# Exit statuses of `build`: written / refused (bad file, bad JSON form, amounts or rules).
EXIT_BUILT = 0
EXIT_REFUSED = 1


def _refuse(message: str, problems: list[tuple[str, str, str]] | None = None) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    for field, code, text in problems or []:
        # Rule problems already start with their rule id; JSON-form ones get their code shown.
        typer.echo(f"  {field}: {text}" if text.startswith(code) else f"  {field}: [{code}] {text}", err=True)
    return typer.Exit(EXIT_REFUSED)


@app.command()
def build(
    invoice_json: Annotated[
        Path, typer.Argument(help="The invoice in the JSON form (docs/efactura-json.md).")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Where to write the UBL XML (default: standard output)."),
    ] = None,
) -> None:
    """Build a CIUS-RO UBL Invoice/CreditNote from INVOICE_JSON.

    Amounts the JSON leaves out are computed; amounts it gives are checked (EN 16931, CIUS-RO).
    Any problem is printed with its field path and rule, and the exit status is 1.
    """
    from genius.fiscal.ro.efactura import EfacturaError, build_xml, compute, load_json

    try:
        text = invoice_json.read_bytes()
    except OSError as exc:
        raise _refuse(f"cannot read {invoice_json}: {exc.strerror or exc}") from exc
    try:
        invoice = compute(load_json(text))
        xml = build_xml(invoice)
    except EfacturaError as exc:
        problems = [(p.field, p.code, p.message) for p in exc.problems]
        raise _refuse(f"{invoice_json}: {exc.message.split(': ', 1)[0]}", problems) from exc
    if output is None:
        sys.stdout.buffer.write(xml)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(xml)
    except OSError as exc:
        raise _refuse(f"cannot write {output}: {exc.strerror or exc}") from exc
    totals = invoice.totals
    typer.echo(
        f"wrote {output}: {invoice.document_kind.value} {invoice.number}, "
        f"{len(invoice.lines)} line(s), payable {totals.payable_amount} {invoice.currency}",
        err=True,
    )


app.command("validate")(validate)  # `genius efactura validate FILE.xml ...` (efactura_validate.py)
