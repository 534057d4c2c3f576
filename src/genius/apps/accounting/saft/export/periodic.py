"""The monthly or quarterly D406 (L, T): readiness, pre-validation, the streaming write.

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

from datetime import date
from typing import BinaryIO

from sqlalchemy import Engine

from genius.apps.accounting.saft import masters, streams
from genius.apps.accounting.saft.domain import ReportPeriod
from genius.apps.accounting.saft.export.output import (
    Digest,
    Progress,
    ProgressSink,
    file_name,
    make_header,
    snapshot,
)
from genius.apps.accounting.saft.export.readiness import check_ready
from genius.apps.accounting.saft.export.result import ExportResult, refuse_errors
from genius.apps.accounting.saft.masters import TenantProfile
from genius.apps.accounting.saft.onepass import Tee
from genius.fiscal.ro.saft import (
    Finding,
    SaftError,
    Severity,
    Target,
    prevalidate,
    write_d406,
)
from genius.fiscal.ro.saft.model import (
    GeneralLedgerEntries,
    InvoiceSection,
    PaymentSection,
    SourceDocuments,
)

# Share of the progress bar taken by the pass that writes and checks (the rest: storing, done).
PROGRESS_SHARE = 94


def export_periodic(
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
        header = make_header(conn, profile, period, created)
        own = header.company.own_partner_id
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

        meter = Progress(progress, records, 1, PROGRESS_SHARE, "written and checked")
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
        digest = Digest(out)
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
        refuse_errors(period, findings)
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
