"""SAF-T D406 writer benchmark: journal lines per second and peak memory for a 1,000,000-line month.

Each measurement runs in a fresh child process (``python bench/saft_writer.py --child ...``) so
its peak RSS (``ru_maxrss``) belongs to that run alone. The rows come from a generator, as they
would from a database cursor: 250,000 transactions of four lines (4111 = 707 + 4427 with a VAT
code; every tenth one in EUR with an exchange rate; a bank line), written to ``/dev/null`` and
to a temporary file. A dry pass that only builds the same records gives the generator's own
cost, so "writer only" is the time the writer adds. CPU time (``time.process_time``) is reported
beside wall time because the machine is shared. The XSD check of the written file (streaming,
namespace mapped) is measured too, since the accounting app may run it before filing.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
XSD = PROJECT_ROOT.parent / "shared" / "validation" / "saft-d406" / "Ro_SAFT_Schema_v248_20231121.xsd"
LINES = 1_000_000
PER_TRANSACTION = 4
# The end-to-end D406 target measured later by the accounting app (database included).
TARGET_SECONDS = 60
TARGET_RSS_MB = 300


def _records(transactions: int) -> Iterator[object]:
    from genius.fiscal.ro.saft.model import NO_TAX, Amount, Side, TaxInformation, Transaction, TransactionLine

    own, customer = "0012345674", "0023456783"
    day = date(2025, 9, 15)
    vat_code = TaxInformation("300", "310344", Amount.ron(Decimal("21.00")), percentage=Decimal("21"))
    for index in range(transactions):
        if index % 10 == 0:
            gross = Amount.foreign("EUR", Decimal("24.32"), Decimal("4.9750"))
            net = Amount.foreign("EUR", Decimal("20.10"), Decimal("4.9750"))
            vat = Amount.ron(gross.amount - net.amount)
        else:
            gross, net, vat = (
                Amount.ron(Decimal("121.00")),
                Amount.ron(Decimal("100.00")),
                Amount.ron(Decimal("21.00")),
            )
        text = f"Factura FV-{index}"
        lines = (
            TransactionLine("1", "4111", customer, own, text, Side.DEBIT, gross, (NO_TAX,)),
            TransactionLine("2", "707", own, own, text, Side.CREDIT, net, (NO_TAX,)),
            TransactionLine("3", "4427", own, own, text, Side.CREDIT, vat, (vat_code,)),
            TransactionLine("4", "5121", own, own, text, Side.DEBIT, Amount.ron(Decimal("0.00")), (NO_TAX,)),
        )
        yield Transaction(f"VZ-{index}", 9, 2025, day, text, day, day, customer, own, lines)


def _totals(transactions: int) -> tuple[Decimal, Decimal]:
    debit = credit = Decimal("0.00")
    for item in _records(transactions):
        for line in item.lines:  # type: ignore[attr-defined]
            if line.side.value == "D":
                debit += line.amount.amount
            else:
                credit += line.amount.amount
    return debit, credit


def _header():  # type: ignore[no-untyped-def]
    from genius.fiscal.ro.saft.model import (
        Address,
        BankAccount,
        Company,
        Contact,
        Header,
        ReportType,
        Software,
    )

    company = Company(
        "12345674",
        True,
        "Exemplu Comerț SRL",
        (Address("Cluj-Napoca", "RO", region="RO-CJ"),),
        (Contact("Ioana", "Popescu", telephone="+40264000000"),),
        (BankAccount(iban="RO49AAAA1B31007593840000"),),
    )
    return Header(
        company,
        ReportType.MONTHLY,
        date(2025, 9, 1),
        date(2025, 9, 30),
        date(2025, 10, 20),
        Software("Genius ERP", "Genius ERP", "bench"),
    )


def _child(mode: str, lines: int, path: str) -> dict[str, float]:
    """One measurement in this (fresh) process; prints a JSON line."""
    from genius.fiscal.ro.saft import write_d406
    from genius.fiscal.ro.saft.model import (
        GeneralLedgerAccount,
        GeneralLedgerEntries,
        Journal,
        MasterFiles,
        SectionTotals,
    )
    from genius.fiscal.ro.saft.xsd import validate_file

    transactions = lines // PER_TRANSACTION
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    if mode == "dry":
        count = sum(len(item.lines) for item in _records(transactions))  # type: ignore[attr-defined]
        result = {"lines": count}
    elif mode == "xsd":
        outcome = validate_file(path, XSD)
        result = {"ok": outcome.ok, "bytes": os.path.getsize(path)}
    else:
        debit, credit = _totals(transactions)  # the caller's aggregate query, not timed below
        wall, cpu = time.perf_counter(), time.process_time()
        accounts = [GeneralLedgerAccount(code, code) for code in ("4111", "707", "4427", "5121")]
        entries = GeneralLedgerEntries(
            SectionTotals(transactions, debit, credit),
            [Journal("VZ", "Vânzări", "VZ", _records(transactions))],
        )
        with open(path, "wb") as out:
            summary = write_d406(out, _header(), MasterFiles(accounts=accounts), entries)
        result = {
            "lines": summary.transaction_lines,
            "bytes": os.path.getsize(path) if path != os.devnull else 0,
        }
    result.update(
        wall=time.perf_counter() - wall,
        cpu=time.process_time() - cpu,
        rss_before_mb=rss_before,
        rss_peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    print(json.dumps(result))
    return result


def _run_child(mode: str, lines: int, path: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT / "src"), str(PROJECT_ROOT)]))
    completed = subprocess.run(
        [sys.executable, str(Path(__file__)), "--child", mode, str(lines), path],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> str:
    dry = _run_child("dry", LINES, os.devnull)
    null = _run_child("write", LINES, os.devnull)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "d406.xml")
        disk = _run_child("write", LINES, path)
        check = _run_child("xsd", LINES, path) if XSD.is_file() else None
    writer_cpu = null["cpu"] - dry["cpu"]
    rows = [
        "| run | wall s | CPU s | lines/s (wall) | lines/s (CPU) | peak RSS MB (after imports) |",
        "|---|---|---|---|---|---|",
        f"| build the records only (generator) | {dry['wall']:.1f} | {dry['cpu']:.1f} | "
        f"{LINES / dry['wall']:,.0f} | {LINES / dry['cpu']:,.0f} | {dry['rss_peak_mb']:.0f} "
        f"({dry['rss_before_mb']:.0f}) |",
        f"| generator + write_d406 to /dev/null | {null['wall']:.1f} | {null['cpu']:.1f} | "
        f"{LINES / null['wall']:,.0f} | {LINES / null['cpu']:,.0f} | {null['rss_peak_mb']:.0f} "
        f"({null['rss_before_mb']:.0f}) |",
        f"| generator + write_d406 to a file | {disk['wall']:.1f} | {disk['cpu']:.1f} | "
        f"{LINES / disk['wall']:,.0f} | {LINES / disk['cpu']:,.0f} | {disk['rss_peak_mb']:.0f} "
        f"({disk['rss_before_mb']:.0f}) |",
        f"| writer only (CPU, minus the generator) | | {writer_cpu:.1f} | | {LINES / writer_cpu:,.0f} | |",
    ]
    if check is not None:
        rows.append(
            f"| streaming XSD check of the file ({'valid' if check['ok'] else 'INVALID'}) | "
            f"{check['wall']:.1f} | "
            f"{check['cpu']:.1f} | {LINES / check['wall']:,.0f} | {LINES / check['cpu']:,.0f} | "
            f"{check['rss_peak_mb']:.0f} ({check['rss_before_mb']:.0f}) |"
        )
    return "\n".join(
        [
            f"{LINES:,} journal lines ({LINES // PER_TRANSACTION:,} transactions), file "
            f"{disk['bytes'] / 1e6:,.0f} MB. Target for the whole D406 export (database included, measured "
            f"later by the accounting app): {TARGET_SECONDS} s, {TARGET_RSS_MB} MB.",
            "",
            *rows,
        ]
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        print(run())
