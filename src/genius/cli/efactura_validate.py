"""`genius efactura validate FILE.xml ...`: would ANAF accept these e-Factura files, and what to fix."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

# Exit statuses: every file accepted / some file rejected by ANAF's rules / some file unreadable.
EXIT_ACCEPTED = 0
EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


@dataclass(frozen=True, slots=True)
class FileResult:
    path: Path
    anaf_ok: bool
    unreadable: bool
    findings: tuple[dict[str, str], ...]


def _check(path: Path) -> FileResult:
    from genius.fiscal.ro.efactura.validate import validate_xml

    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = {
            "rule_id": "FILE",
            "flag": "fatal",
            "location": str(path),
            "message_ro": f"Fișierul nu poate fi citit: {exc.strerror or exc}.",
            "message_en": f"The file cannot be read: {exc.strerror or exc}.",
        }
        return FileResult(path, False, True, (problem,))
    report = validate_xml(data)
    findings = tuple(
        {
            "rule_id": f.rule_id,
            "flag": f.flag,
            "location": f.location,
            "message_ro": f.message_ro,
            "message_en": f.message_en,
        }
        for f in report.findings
    )
    unreadable = any(f.rule_id == "UBL-XML" for f in report.findings)
    return FileResult(path, report.anaf_ok, unreadable, findings)


def _print_text(result: FileResult) -> None:
    fatal = sum(f["flag"] == "fatal" for f in result.findings)
    warnings = len(result.findings) - fatal
    if result.unreadable:
        verdict = "UNREADABLE"
    elif result.anaf_ok:
        verdict = "ACCEPTED (ANAF's rules pass)"
    else:
        verdict = "REJECTED (ANAF would refuse it)"
    typer.echo(f"{result.path}: {verdict}; {fatal} fatal, {warnings} warning(s)")
    for f in result.findings:
        typer.echo(f"  [{f['flag']}] {f['rule_id']} at {f['location']}")
        typer.echo(f"    RO: {f['message_ro']}")
        typer.echo(f"    EN: {f['message_en']}")


def validate(
    files: Annotated[list[Path], typer.Argument(help="UBL Invoice / CreditNote XML files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document instead of text.")] = False,
) -> None:
    """Validate e-Factura XML as ANAF does (UBL 2.1 XSD, EN 16931, CIUS-RO 1.0.9).

    Exit status: 0 every file accepted, 1 some file would be rejected by ANAF, 2 some file unreadable.
    """
    results = [_check(path) for path in files]
    if as_json:
        payload = [
            {
                "file": str(r.path),
                "anaf_ok": r.anaf_ok,
                "unreadable": r.unreadable,
                "findings": list(r.findings),
            }
            for r in results
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for result in results:
            _print_text(result)
    if any(r.unreadable for r in results):
        raise typer.Exit(EXIT_UNREADABLE)
    if not all(r.anaf_ok for r in results):
        raise typer.Exit(EXIT_REJECTED)
