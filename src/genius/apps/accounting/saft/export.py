"""The D406 export of a period: readiness checks, pre-validation, the streaming write, the register.

    result = export_d406(engine, TenantProfile(name, cui), parse_period("2026-10"), out, created=today)

One read transaction holds everything (PostgreSQL REPEATABLE READ; SQLite's deferred BEGIN reads
one WAL snapshot), so the totals the XSD puts first are those of the rows streamed after them.
In it, in this order:

1. ``check_ready``: the period has no draft entries, every issued sales document (and received
   supplier document) of the period is posted, every posted one has its D406 copy, every partner
   the period books on has D406 data; otherwise ``SaftRefused`` names them (nothing is written);
2. the header (``SaftSetupMissing`` names what the company lacks) and the MasterFiles lists;
3. one pass over the rows: ``write_d406`` streams them to ``out`` (hashed and counted) while
   ``prevalidate`` checks the same records in a thread (``onepass.Tee``: the rows are read and
   mapped once; two passes took twice as long);
4. errors of the pre-validation refuse the export with their messages (``SaftRefused``);
   warnings come back with the result.

Both refusals in step 4 and the writer's ``TotalsMismatch`` (a section's totals disagree) come
after bytes went to ``out``: the caller must discard them, which is why the CLI writes to a
temporary file renamed on success and the worker stores only a finished, accepted file. Nothing
is published before the pre-validation has passed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from genius import __version__
from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import masters, streams
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.events import SaftExported
from genius.apps.accounting.saft.masters import TenantProfile
from genius.apps.accounting.saft.onepass import Tee
from genius.fiscal.ro.saft import (
    Finding,
    SaftError,
    Severity,
    Target,
    WriteSummary,
    prevalidate,
    write_d406,
)
from genius.fiscal.ro.saft.model import (
    GeneralLedgerEntries,
    Header,
    InvoiceSection,
    PaymentSection,
    Software,
    SourceDocuments,
)
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict
from genius.platform.db.uow import UnitOfWork

SOFTWARE = Software("Genius ERP", "Genius ERP", __version__)
MAX_NAMED = 20  # documents or findings named in a refusal's message (all are in its details)
# Share of the progress bar taken by the pass that writes and checks (the rest: storing, done).
PROGRESS_SHARE = 94
ProgressSink = Callable[[int, str], None]


class SaftRefused(Conflict):
    """The books are not ready for a D406 of this period; ``details`` lists what to fix."""

    code = "saft_refused"


@dataclass(frozen=True)
class ExportResult:
    period: ReportPeriod
    file_name: str
    sha256: str
    size: int
    summary: WriteSummary
    warnings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        s = self.summary
        return {
            **{f"master_{name}": count for name, count in s.master_files.items()},
            "transactions": s.transactions,
            "transaction_lines": s.transaction_lines,
            "sales_invoices": s.sales_invoices,
            "purchase_invoices": s.purchase_invoices,
            "payments": s.payments,
        }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message_ro": finding.message_ro,
        "message_en": finding.message_en,
        "entity_kind": finding.entity_kind.value,
        "entity_id": finding.entity_id,
        "field": finding.field,
    }


# -- readiness ----------------------------------------------------------------------------------------
def _named(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_NAMED])
    return shown + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def readiness(conn: Connection, period: ReportPeriod) -> dict[str, list[str]]:
    """What stands in the way of a D406 of ``period`` (empty lists when nothing does)."""
    e, d, line, a, p = t.entries.c, st.documents.c, t.lines.c, t.accounts.c, st.partners.c
    in_period = (e.entry_date >= period.first) & (e.entry_date <= period.last)
    drafts = [
        f"{r.journal} draft {r.id} of {r.entry_date.isoformat()} ({r.description[:60]})"
        for r in conn.execute(
            sa.select(e.id, e.journal, e.entry_date, e.description)
            .where(in_period, e.status == "draft")
            .order_by(e.entry_date, e.id)
        )
    ]
    posted = (
        sa.select(sa.literal(1))
        .where(e.source_type == d.source_type, e.source_id == d.id, e.status == "posted")
        .exists()
    )
    unposted = [
        f"{r.number} of {r.issue_date.isoformat()}"
        for r in conn.execute(
            sa.select(d.number, d.issue_date)
            .where(d.status == "issued", d.issue_date >= period.first, d.issue_date <= period.last, ~posted)
            .order_by(d.issue_date, d.number)
        )
    ]
    copied = sa.select(sa.literal(1)).where(d.id == e.source_id).exists()
    uncopied = [
        f"{r.source_number or r.source_id} ({r.number})"
        for r in conn.execute(
            sa.select(e.source_id, e.source_number, e.number)
            .where(
                in_period,
                e.status == "posted",
                e.source_type.in_((*streams.SALES_SOURCES, *streams.PURCHASE_SOURCES)),
                e.reverses.is_(None),
                ~copied,
            )
            .order_by(e.entry_date, e.number)
        )
    ]
    known = sa.select(sa.literal(1)).where(p.partner_id == line.partner_id, p.saft_id.is_not(None)).exists()
    nameless = sorted(
        {
            f"{r.partner_id} ({r.account})"
            for r in conn.execute(
                sa.select(line.partner_id, line.account)
                .select_from(
                    t.lines.join(t.entries, e.id == line.entry_id).join(t.accounts, a.code == line.account)
                )
                .where(
                    in_period,
                    e.status == "posted",
                    line.partner_id.is_not(None),
                    sa.func.substr(a.synthetic, 1, 2).in_(("40", "41")),
                    ~known,
                )
                .distinct()
            )
        }
    )
    return {
        "draft_entries": drafts,
        "unposted_documents": unposted,
        "documents_without_d406_copy": uncopied,
        "partners_without_d406_data": nameless,
    }


def check_ready(conn: Connection, period: ReportPeriod) -> None:
    problems = readiness(conn, period)
    if not any(problems.values()):
        return
    texts = {
        "draft_entries": "draft entries in the period (approve or delete them)",
        "unposted_documents": "issued sales documents or received supplier documents not yet posted "
        "to the ledger",
        "documents_without_d406_copy": "posted documents the D406 read model has not received "
        "(is the accounting.saft consumer running? genius saft sync copies them)",
        "partners_without_d406_data": "partners booked in the period without D406 identification "
        "(genius saft sync, or wait for the accounting.saft consumer)",
    }
    parts = [f"{texts[key]}: {_named(items)}" for key, items in problems.items() if items]
    raise SaftRefused(
        f"D406 {period.label} refused: " + "; ".join(parts),
        details={key: items for key, items in problems.items() if items},
    )


# -- the export ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction: REPEATABLE READ on PostgreSQL, a deferred BEGIN (WAL snapshot) on SQLite."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


class _Digest:
    """Passes bytes on to ``out`` in chunks of ``CHUNK`` while hashing and counting them.

    lxml writes a few kilobytes at a time; hashing, compressing and writing a megabyte at once
    costs fewer calls and lets those C routines release the GIL for the pre-validation thread.
    """

    CHUNK = 1 << 20

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._buffer = bytearray()
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= self.CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            chunk = bytes(self._buffer)
            self._buffer.clear()
            self.hash.update(chunk)
            self.size += len(chunk)
            self._out.write(chunk)


class _Progress:
    """Turns records done into a percentage between ``start`` and ``start + share``, reported on change."""

    def __init__(self, sink: ProgressSink | None, total: int, start: int, share: int, label: str) -> None:
        self.sink, self.total, self.start, self.share, self.label = sink, max(total, 1), start, share, label
        self.done = 0
        self._last = -1

    def tick(self, count: int) -> None:
        self.done += count
        percent = self.start + min(self.share, self.done * self.share // self.total)
        if percent != self._last and self.sink is not None:
            self._last = percent
            self.sink(percent, f"{self.label}: {self.done} of {self.total} records")


def file_name(profile: TenantProfile, period: ReportPeriod) -> str:
    digits = "".join(ch for ch in profile.cui if ch.isdigit())
    return f"D406_{digits}_{period.label}.xml"


def export_d406(
    engine: Engine,
    profile: TenantProfile,
    period: ReportPeriod,
    out: BinaryIO,
    *,
    created: date,
    target: Target = Target.FILING,
    progress: ProgressSink | None = None,
    batch: int = streams.STREAM_BATCH,
) -> ExportResult:
    """Write the D406 of ``period`` to ``out``; see the module docstring for the steps and errors."""
    first, last = period.first, period.last
    with snapshot(engine) as conn:
        check_ready(conn, period)
        company, basis = masters.company(conn, profile)
        header = Header(
            company=company,
            report_type=period.report_type,
            period_start=first,
            period_end=last,
            created=created,
            software=SOFTWARE,
            tax_accounting_basis=basis,
        )
        own = company.own_partner_id
        master_files = masters.master_files(conn, period)
        gl_totals = streams.ledger_totals(conn, first, last)
        sales_totals = streams.invoice_totals(conn, first, last)
        purchase_totals = streams.invoice_totals(conn, first, last, purchases=True)
        payment_totals = streams.payment_totals(conn, first, last)
        records = (
            gl_totals.number_of_entries
            + sales_totals.number_of_entries
            + purchase_totals.number_of_entries
            + payment_totals.number_of_entries
        )

        meter = _Progress(progress, records, 1, PROGRESS_SHARE, "written and checked")
        if progress is not None:
            progress(1, f"D406 {period.label}: {records} records to write and check")
        tee = Tee()
        ledger = tee.journals(streams.journals(conn, first, last, own, meter.tick, batch))
        sales = tee.each(streams.sales_invoices(conn, first, last, meter.tick, batch))
        bought = tee.each(streams.purchase_invoices(conn, first, last, meter.tick, batch))
        paid = tee.each(streams.payments(conn, first, last, own, meter.tick, batch))
        tee.run(
            lambda: prevalidate(
                header,
                master_files,
                GeneralLedgerEntries(gl_totals, tee.copied_journals()),
                SourceDocuments(
                    sales_invoices=InvoiceSection(sales_totals, tee.copied()),
                    purchase_invoices=InvoiceSection(purchase_totals, tee.copied()),
                    payments=PaymentSection(payment_totals, tee.copied()),
                ),
            )
        )
        digest = _Digest(out)
        mismatch: SaftError | None = None
        try:
            summary = write_d406(
                digest,  # type: ignore[arg-type]
                header,
                master_files,
                GeneralLedgerEntries(gl_totals, ledger),
                SourceDocuments(
                    sales_invoices=InvoiceSection(sales_totals, sales),
                    purchase_invoices=InvoiceSection(purchase_totals, bought),
                    payments=PaymentSection(payment_totals, paid),
                ),
                target=target,
            )
            digest.flush()
        except SaftError as exc:
            digest.flush()
            # A mismatch or a record the writer cannot write: the findings name the causes better,
            # so the check gets the whole period first; the writer's error stands when they do not.
            mismatch = exc
        except BaseException:
            tee.abort()
            raise
        tee.drain(ledger, sales, bought, paid)
        findings: list[Finding] = tee.result()
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            shown = "; ".join(f"{f.code} {f.entity_id}: {f.message_en}" for f in errors[:MAX_NAMED])
            more = f" and {len(errors) - MAX_NAMED} more" if len(errors) > MAX_NAMED else ""
            raise SaftRefused(
                f"D406 {period.label} refused by the pre-validation, {len(errors)} error(s): {shown}{more}",
                details={"findings": [finding_dict(f) for f in errors]},
            )
        if mismatch is not None:
            raise mismatch
    return ExportResult(
        period=period,
        file_name=file_name(profile, period),
        sha256=digest.hash.hexdigest(),
        size=digest.size,
        summary=summary,
        warnings=[f for f in findings if f.severity is Severity.WARNING],
    )


def record_export(
    uow: UnitOfWork,
    export_id: str,
    result: ExportResult,
    *,
    storage_key: str | None,
    stored_size: int | None,
    by: str | None,
) -> SaftExported:
    """The register row and ``accounting.saft.exported``, committed together in ``uow``."""
    period = result.period
    uow.connection.execute(
        st.exports.insert().values(
            id=export_id,
            period=period.label,
            report_type=period.report_type.value,
            first_day=period.first,
            last_day=period.last,
            storage_key=storage_key,
            file_name=result.file_name,
            sha256=result.sha256,
            size=result.size,
            stored_size=stored_size,
            summary=json.dumps(
                {"counts": result.counts, "warnings": [finding_dict(f) for f in result.warnings]},
                ensure_ascii=False,
            ),
            created_at=utcnow(),
            created_by=by,
        )
    )
    event = SaftExported(
        export_id=export_id,
        period=period.label,
        report_type=period.report_type.value,
        first_day=period.first,
        last_day=period.last,
        file_name=result.file_name,
        storage_key=storage_key,
        sha256=result.sha256,
        size=result.size,
        transactions=result.summary.transactions,
        transaction_lines=result.summary.transaction_lines,
        sales_invoices=result.summary.sales_invoices,
        payments=result.summary.payments,
        warnings=len(result.warnings),
        exported_by=by,
    )
    uow.publish(event)
    return event
