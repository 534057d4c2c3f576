"""Pre-validation of a D406 before it is written and filed: the consistency checks ANAF's DUK and
cross-checks apply that a user can fix in Genius (partners, accounts, balances, VAT, periods).

Each finding has a stable ``code``, a Romanian and an English message saying what to fix, and the
entity (account, partner, transaction, invoice, payment). It takes the same input as the writer;
iterables are read once, so pass lists or fresh generators (a second query). Memory grows with
the number of accounts and partners, not with the number of lines.

Codes: HEADER_INVALID; ACCOUNT_NOT_NUMERIC, ACCOUNT_NOT_IN_PLAN, ACCOUNT_GRADE1_WITH_GRADE2,
ACCOUNT_DUPLICATE, ACCOUNT_TYPE_UNKNOWN, ACCOUNT_NOT_IN_MASTER; PARTNER_ID_INVALID, PARTNER_NO_ID,
PARTNER_ID_MISMATCH, PARTNER_NO_ADDRESS, PARTNER_BAD_ADDRESS, PARTNER_UNKNOWN, PARTNER_ID_ZERO;
TRANSACTION_UNBALANCED, LEDGER_UNBALANCED, LEDGER_TOTALS_DECLARED, BALANCE_ARITHMETIC,
TRIAL_BALANCE_UNBALANCED, PARTNER_BALANCES_MISMATCH; VAT_COLLECTED_MISMATCH,
VAT_DEDUCTIBLE_MISMATCH; TAX_CODE_INVALID, TAX_CODE_UNKNOWN, TAX_CODE_INACTIVE, TAX_CODE_GL_ONLY,
TAX_CODE_NOT_IN_TABLE; AMOUNT_RATE_MISMATCH, AMOUNT_RATE_MISSING, AMOUNT_CURRENCY_MISMATCH;
ENTRY_OUTSIDE_PERIOD; INVOICE_ACCOUNT; PAYMENT_METHOD_INVALID, PAYMENT_MECHANISM_MISMATCH,
PAYMENT_TAX_NOT_NONE; ASSET_DUPLICATE, ASSET_ACCOUNT_NOT_IN_MASTER, ASSET_BOOK_VALUE_ARITHMETIC,
ASSET_LEDGER_MISMATCH, ASSET_TRANSACTION_UNKNOWN_ASSET (annual D406, ``assets``).
"""

from __future__ import annotations

from genius.fiscal.ro.chart import ChartOfAccounts
from genius.fiscal.ro.chart import chart as shipped_chart
from genius.fiscal.ro.saft.errors import SaftInputError
from genius.fiscal.ro.saft.model.documents import SourceDocuments
from genius.fiscal.ro.saft.model.entries import GeneralLedgerEntries
from genius.fiscal.ro.saft.model.header import Header, ReportType
from genius.fiscal.ro.saft.model.masterfiles import MasterFiles
from genius.fiscal.ro.saft.prevalidate.assets import check_assets
from genius.fiscal.ro.saft.prevalidate.balances import check_balances, check_vat
from genius.fiscal.ro.saft.prevalidate.context import Context
from genius.fiscal.ro.saft.prevalidate.documents import check_invoices, check_payments
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Finding, Findings, Severity
from genius.fiscal.ro.saft.prevalidate.ledger import check_ledger
from genius.fiscal.ro.saft.prevalidate.masters import (
    check_accounts,
    check_customers,
    check_suppliers,
    collect_tax_table,
)
from genius.fiscal.ro.saft.versions import DEFAULT_VERSION, schema_version
from genius.fiscal.ro.saft.writer.header import check_header


def prevalidate(
    header: Header,
    master_files: MasterFiles | None = None,
    general_ledger: GeneralLedgerEntries | None = None,
    source_documents: SourceDocuments | None = None,
    *,
    chart: ChartOfAccounts | None = None,
    version: str = DEFAULT_VERSION,
    max_per_code: int = 100,
) -> list[Finding]:
    """Every finding, errors and warnings, in the order met (header, masters, ledger, documents)."""
    findings = Findings(max_per_code=max_per_code)
    try:
        check_header(header, schema_version(version))
    except SaftInputError as exc:
        problem = exc.problems[0] if exc.problems else None
        findings.add(
            "HEADER_INVALID",
            Severity.ERROR,
            EntityKind.HEADER,
            header.company.registration_number,
            f"Antetul declarației nu poate fi scris: {exc.message}",
            f"The declaration header cannot be written: {exc.message}",
            problem.field if problem else None,
        )
    ctx = Context(
        period_start=header.period_start,
        period_end=header.period_end,
        chart=chart or shipped_chart(),
        tax_accounting_basis=header.tax_accounting_basis,
        own_id=header.company.own_partner_id,
        findings=findings,
    )
    bank = header.tax_accounting_basis == "BANK"
    masters = master_files or MasterFiles()
    check_accounts(ctx, masters.accounts)
    check_customers(ctx, masters.customers, bank)
    check_suppliers(ctx, masters.suppliers, bank)
    collect_tax_table(ctx, masters.tax_table)
    asset_section = source_documents.asset_transactions if source_documents is not None else None
    check_assets(
        ctx,
        masters.assets,
        asset_section.transactions if asset_section is not None else (),
        annual=header.report_type is ReportType.ANNUAL_ASSETS,
    )
    if general_ledger is not None:
        check_ledger(ctx, general_ledger)
    if source_documents is not None:
        check_invoices(ctx, source_documents.sales_invoices.invoices, sales=True, bank=bank)
        check_invoices(ctx, source_documents.purchase_invoices.invoices, sales=False, bank=bank)
        check_payments(ctx, source_documents.payments.payments)
    check_balances(ctx, with_ledger=general_ledger is not None)
    if general_ledger is not None:
        check_vat(ctx)
    return findings.result()


__all__ = ["EntityKind", "Finding", "Severity", "prevalidate"]
