"""The streaming D406 writer: records in, XML bytes out, constant memory whatever the period size.

Contract (see docs/saft-d406.md): every section's records come as iterables read once, in the
XSD's order, so rows can flow straight from database cursors. The totals the XSD places before
the entries (NumberOfEntries, TotalDebit, TotalCredit, NumberOfMovementLines, ...) are taken as
arguments, computed by the caller with aggregate queries over the same rows; the writer counts and
sums what it streams and, after closing the document, raises ``TotalsMismatch`` when they differ.
The bytes already written are then wrong: the caller must discard the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar

from genius.fiscal.ro.saft.model.documents import SourceDocuments
from genius.fiscal.ro.saft.model.entries import GeneralLedgerEntries
from genius.fiscal.ro.saft.model.header import Header, ReportType
from genius.fiscal.ro.saft.model.masterfiles import MasterFiles
from genius.fiscal.ro.saft.variants import Rule
from genius.fiscal.ro.saft.versions import DEFAULT_VERSION, Target, schema_version
from genius.fiscal.ro.saft.writer.documents import write_invoices, write_payments
from genius.fiscal.ro.saft.writer.entries import write_general_ledger
from genius.fiscal.ro.saft.writer.fragment import Emitter
from genius.fiscal.ro.saft.writer.header import check_header, write_header
from genius.fiscal.ro.saft.writer.markup import Markup
from genius.fiscal.ro.saft.writer.masterfiles import admitted, write_master_files
from genius.fiscal.ro.saft.writer.movements import write_asset_transactions, write_movements
from genius.fiscal.ro.saft.writer.tally import Reconciliation

_S = TypeVar("_S")


@dataclass(frozen=True)
class WriteSummary:
    """What the writer streamed: records per MasterFiles section, and the document counts."""

    master_files: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    transaction_lines: int = 0
    sales_invoices: int = 0
    purchase_invoices: int = 0
    payments: int = 0
    movement_lines: int = 0
    asset_transactions: int = 0


def write_d406(
    out: BinaryIO,
    header: Header,
    master_files: MasterFiles | None = None,
    general_ledger: GeneralLedgerEntries | None = None,
    source_documents: SourceDocuments | None = None,
    *,
    version: str = DEFAULT_VERSION,
    target: Target = Target.FILING,
) -> WriteSummary:
    """Stream one D406 ``AuditFile`` to ``out`` (a binary file object).

    Sections the declaration type does not report must be empty (``SectionNotAllowed``
    otherwise). ``target=Target.TEST`` writes ANAF's test namespace (D406T); DUK refuses a
    filed D406 in it. Raises ``SaftInputError`` before or while writing when a record cannot be
    written, ``TotalsMismatch`` after writing when the declared totals disagree.
    """
    schema = schema_version(version)
    check_header(header, schema)
    report_type = header.report_type
    master_files = master_files or MasterFiles()
    documents = source_documents or SourceDocuments()
    _, journals = admitted(report_type, "general_ledger", general_ledger.journals if general_ledger else ())
    ledger = general_ledger if journals is not None else None
    sales = _section(report_type, "sales_invoices", documents.sales_invoices, "invoices")
    purchases = _section(report_type, "purchase_invoices", documents.purchase_invoices, "invoices")
    payments = _section(report_type, "payments", documents.payments, "payments")
    movements = _section(report_type, "movements", documents.movements, "movements")
    asset_section = documents.asset_transactions
    asset_rule, asset_items = admitted(
        report_type, "asset_transactions", asset_section.transactions if asset_section else ()
    )

    reconciliation = Reconciliation()
    # The declaration as ANAF's own files spell it (lxml's write_declaration used single quotes).
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    xf = Markup(out)
    # Unprefixed tags under a default namespace declared once on the root (see fragment.py).
    with xf.element("AuditFile", schema.namespace(target)):
        emitter = Emitter(xf)
        write_header(emitter, header, schema)
        counts = write_master_files(xf, emitter, master_files, report_type)
        gl = write_general_ledger(xf, emitter, ledger, schema)
        with xf.element("SourceDocuments"):
            sales_tally = write_invoices(xf, emitter, "SalesInvoices", sales)
            purchase_tally = write_invoices(xf, emitter, "PurchaseInvoices", purchases)
            payment_tally = write_payments(xf, emitter, payments)
            movement_tally = write_movements(xf, emitter, movements, schema)
            assets_written = 0
            if asset_rule is Rule.FILL:
                declared_assets = asset_section.number_of_transactions if asset_section else 0
                assets_written = write_asset_transactions(xf, emitter, declared_assets, asset_items or ())
                reconciliation.count(
                    "SourceDocuments.AssetTransactions.NumberOfAssetTransactions",
                    declared_assets,
                    assets_written,
                )
    xf.flush()

    if ledger is not None:
        reconciliation.sections(ledger.totals, gl, "transactions")
    if sales is not None:
        reconciliation.sections(sales.totals, sales_tally, "invoices")
    if purchases is not None:
        reconciliation.sections(purchases.totals, purchase_tally, "invoices")
    if payments is not None:
        reconciliation.sections(payments.totals, payment_tally, "payments")
    if movements is not None:
        reconciliation.movements(movements.totals, movement_tally)
    reconciliation.raise_if_any()
    return WriteSummary(
        master_files=counts,
        transactions=gl.count,
        transaction_lines=gl.lines,
        sales_invoices=sales_tally.count,
        purchase_invoices=purchase_tally.count,
        payments=payment_tally.count,
        movement_lines=movement_tally.lines,
        asset_transactions=assets_written,
    )


def _section(report_type: ReportType, name: str, data: _S, attribute: str) -> _S | None:
    """The section when the declaration type reports it, None when it is written empty.

    Content for a section the type does not report is refused (``SectionNotAllowed``). For a
    reported section ``admitted`` only called ``iter()`` on the rows, so nothing was consumed.
    """
    _, items = admitted(report_type, name, getattr(data, attribute))
    return data if items is not None else None


__all__ = ["WriteSummary", "write_d406"]
