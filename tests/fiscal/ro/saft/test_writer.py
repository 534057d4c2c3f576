"""What the writer puts in each section, and the clear errors it raises on bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from genius.fiscal.ro.saft import SaftInputError, SectionNotAllowed
from genius.fiscal.ro.saft.model import (
    Amount,
    GeneralLedgerEntries,
    Journal,
    MasterFiles,
    ReportType,
    SectionTotals,
    SourceDocuments,
    Transaction,
    TransactionLine,
)
from genius.fiscal.ro.saft.xsd import validate_bytes
from tests.fiscal.ro.saft import sample
from tests.fiscal.ro.saft.helpers import count, parse, texts, write

D = Decimal


@pytest.fixture
def monthly_root():  # type: ignore[no-untyped-def]
    return parse(write(*sample.monthly()))


def test_header_carries_company_period_and_type(monthly_root) -> None:  # type: ignore[no-untyped-def]
    header = "d:Header"
    assert texts(monthly_root, f"{header}/d:Company/d:RegistrationNumber") == ["RO12345674"]
    assert texts(monthly_root, f"{header}/d:SelectionCriteria/d:SelectionStartDate") == ["2025-09-01"]
    assert texts(monthly_root, f"{header}/d:SelectionCriteria/d:SelectionEndDate") == ["2025-09-30"]
    assert texts(monthly_root, f"{header}/d:AuditFileDateCreated") == ["2025-10-20"]
    assert texts(monthly_root, f"{header}/d:TaxAccountingBasis") == ["A"]
    assert texts(monthly_root, f"{header}/d:TotalSegmentsInsequence") == ["1"]
    assert texts(monthly_root, f"{header}/d:Company/d:Name") == ["Exemplu Comerț SRL"]


def test_balances_are_netted_into_one_side(monthly_root) -> None:  # type: ignore[no-untyped-def]
    account = monthly_root.xpath("//d:Account[d:AccountID='401']", namespaces={"d": sample_ns()})[0]
    children = [child.tag.split("}")[1] for child in account]
    assert "OpeningDebitBalance" in children and "OpeningCreditBalance" not in children
    assert "ClosingCreditBalance" in children and "ClosingDebitBalance" not in children
    assert texts(monthly_root, "//d:Account[d:AccountID='401']/d:ClosingCreditBalance") == ["500.00"]
    assert texts(monthly_root, "//d:Account[d:AccountID='401']/d:AccountType") == ["Pasiv"]
    assert texts(monthly_root, "//d:Account[d:AccountID='4111']/d:AccountType") == ["Activ"]


def sample_ns() -> str:
    from genius.fiscal.ro.saft import FILING_NAMESPACE

    return FILING_NAMESPACE


def test_foreign_currency_line_keeps_rate_and_currency_amount(monthly_root) -> None:  # type: ignore[no-untyped-def]
    line = (
        "//d:Transaction[d:TransactionID='VZ-202509-3']/d:TransactionLine[d:AccountID='4111']/d:DebitAmount"
    )
    assert texts(monthly_root, f"{line}/d:Amount") == ["4975.00"]
    assert texts(monthly_root, f"{line}/d:CurrencyCode") == ["EUR"]
    assert texts(monthly_root, f"{line}/d:CurrencyAmount") == ["1000.00"]
    assert texts(monthly_root, f"{line}/d:ExchangeRate") == ["4.9750"]
    ron = "//d:Transaction[d:TransactionID='VZ-202509-1']/d:TransactionLine[d:AccountID='707']/d:CreditAmount"
    assert texts(monthly_root, f"{ron}/d:CurrencyAmount") == ["1000.00"]
    assert count(monthly_root, f"{ron}/d:ExchangeRate") == 0


def test_reverse_charge_books_both_vat_accounts(monthly_root) -> None:  # type: ignore[no-untyped-def]
    tx = "//d:Transaction[d:TransactionID='CP-202509-2']"
    assert texts(monthly_root, f"{tx}/d:TransactionLine/d:TaxInformation/d:TaxCode") == [
        "000000",
        "000000",
        "300704",
        "300704",
    ]
    assert texts(monthly_root, f"{tx}/d:TransactionLine[d:AccountID='4427']/d:CreditAmount/d:Amount") == [
        "105.00"
    ]


def test_gl_totals_and_partner_ids(monthly_root) -> None:  # type: ignore[no-untyped-def]
    assert texts(monthly_root, "d:GeneralLedgerEntries/d:NumberOfEntries") == ["9"]
    debit = texts(monthly_root, "d:GeneralLedgerEntries/d:TotalDebit")[0]
    assert debit == texts(monthly_root, "d:GeneralLedgerEntries/d:TotalCredit")[0]
    own = sample.OWN
    line = "//d:TransactionLine[d:AccountID='707']"
    assert set(texts(monthly_root, f"{line}/d:CustomerID")) == {own}
    assert texts(monthly_root, "//d:SalesInvoices/d:Invoice/d:CustomerInfo/d:CustomerID") == [
        sample.CUSTOMER_RO,
        sample.CUSTOMER_DE,
    ]
    assert texts(monthly_root, "//d:PurchaseInvoices/d:Invoice[1]/d:SupplierInfo/d:SupplierID") == [
        sample.SUPPLIER_RO
    ]


def test_monthly_sections(monthly_root) -> None:  # type: ignore[no-untyped-def]
    for empty in ("MovementTypeTable", "Owners", "Assets"):
        assert len(monthly_root.xpath(f"d:MasterFiles/d:{empty}/*", namespaces={"d": sample_ns()})) == 0
        assert count(monthly_root, f"d:MasterFiles/d:{empty}") == 1
    assert count(monthly_root, "d:MasterFiles/d:PhysicalStock") == 0
    assert count(monthly_root, "d:SourceDocuments/d:MovementOfGoods/*") == 0
    assert count(monthly_root, "d:SourceDocuments/d:AssetTransactions") == 0
    assert texts(monthly_root, "d:SourceDocuments/d:Payments/d:NumberOfEntries") == ["2"]
    assert texts(monthly_root, "//d:Payment[1]/d:PaymentSettlement/d:PaymentMechanism") == ["42"]


def test_annual_file_reports_assets_only() -> None:
    header, master, documents = sample.annual_assets()
    root = parse(write(header, master, None, documents))
    assert count(root, "d:MasterFiles/d:Customers/*") == 0
    assert count(root, "d:GeneralLedgerEntries/*") == 0
    assert texts(root, "d:MasterFiles/d:Assets/d:Asset/d:AssetID") == ["MF-0001"]
    assert texts(root, "//d:Valuation/d:AssetLifeYear") == ["5"]
    assert texts(root, "d:SourceDocuments/d:AssetTransactions/d:NumberOfAssetTransactions") == ["2"]
    assert texts(root, "//d:AssetTransaction/d:AssetTransactionType") == ["10", "30"]


def test_on_request_file_reports_stock() -> None:
    header, master, documents = sample.on_request_stock()
    root = parse(write(header, master, None, documents))
    assert texts(root, "//d:PhysicalStockEntry/d:ClosingStockQuantity") == ["66"]
    assert texts(root, "d:SourceDocuments/d:MovementOfGoods/d:TotalQuantityReceived") == ["40"]
    assert texts(root, "//d:StockMovement[1]/d:MovementPostingTime") == ["10:30:00"]
    assert texts(root, "//d:StockMovementLine/d:UOMToUOMPhysicalStockConversionFactor") == ["1", "1"]


def test_month_without_entries_writes_empty_sections(xsd_path: Path) -> None:
    header, master, _, _ = sample.monthly()
    data = write(header, master)
    root = parse(data)
    assert count(root, "d:GeneralLedgerEntries/*") == 0
    assert count(root, "d:SourceDocuments/d:SalesInvoices/*") == 0
    assert validate_bytes(data, xsd_path).ok


def test_unit_price_is_rounded_to_two_decimals() -> None:
    header, master, entries, documents = sample.monthly()
    invoice = documents.sales_invoices.invoices[0]  # type: ignore[index]
    line = replace(invoice.lines[0], unit_price=D("100.004"))
    sales = replace(documents.sales_invoices, invoices=[replace(invoice, lines=(line,))])
    root = parse(
        write(
            header,
            master,
            entries,
            replace(
                documents, sales_invoices=replace(sales, totals=SectionTotals(1, D("0.00"), D("1000.00")))
            ),
        )
    )
    assert texts(root, "//d:SalesInvoices/d:Invoice/d:InvoiceLine/d:UnitPrice") == ["100.00"]


def test_assets_in_a_monthly_file_are_refused() -> None:
    header, master, entries, documents = sample.monthly()
    _, annual_master, _ = sample.annual_assets()
    with pytest.raises(SectionNotAllowed, match="Assets"):
        write(header, replace(master, assets=annual_master.assets), entries, documents)


def test_invoices_in_an_annual_file_are_refused() -> None:
    header, master, documents = sample.annual_assets()
    _, _, _, monthly_documents = sample.monthly()
    with pytest.raises(SectionNotAllowed, match="SalesInvoices"):
        write(header, master, None, replace(documents, sales_invoices=monthly_documents.sales_invoices))


@pytest.mark.parametrize(
    ("report_type", "start", "end"),
    [
        (ReportType.MONTHLY, date(2025, 9, 1), date(2025, 10, 31)),
        (ReportType.MONTHLY, date(2025, 9, 2), date(2025, 9, 30)),
        (ReportType.QUARTERLY, date(2025, 8, 1), date(2025, 10, 31)),
        (ReportType.ANNUAL_ASSETS, date(2025, 1, 1), date(2026, 3, 31)),
        (ReportType.ON_REQUEST_STOCK, date(2025, 9, 30), date(2025, 9, 1)),
    ],
)
def test_period_must_fit_the_declaration_type(report_type: ReportType, start: date, end: date) -> None:
    header = sample.header(report_type, start, end)
    with pytest.raises(SaftInputError) as error:
        write(header, MasterFiles())
    assert error.value.problems[0].field.startswith("Header.period")


def test_bad_registration_number_is_refused() -> None:
    header = sample.header(ReportType.MONTHLY, date(2025, 9, 1), date(2025, 9, 30))
    bad = replace(header, company=replace(header.company, cui="12A45"))
    with pytest.raises(SaftInputError, match=r"Header\.Company\.cui"):
        write(bad, MasterFiles())


def test_company_needs_a_telephone() -> None:
    header = sample.header(ReportType.MONTHLY, date(2025, 9, 1), date(2025, 9, 30))
    contact = replace(header.company.contacts[0], telephone=None)
    with pytest.raises(SaftInputError, match="telephone"):
        write(replace(header, company=replace(header.company, contacts=(contact,))), MasterFiles())


def test_unknown_version_is_refused() -> None:
    with pytest.raises(SaftInputError, match=r"2\.4\.8, 2\.4\.9"):
        write(*sample.monthly(), version="9.9")


def _one_line_ledger(line: TransactionLine) -> GeneralLedgerEntries:
    """One journal, one transaction, one line; the line is refused before totals are compared."""
    day = date(2025, 9, 10)
    transaction = Transaction("T1", 9, 2025, day, "Test", day, day, sample.OWN, sample.OWN, (line,))
    return GeneralLedgerEntries(SectionTotals(1), [Journal("J", "Jurnal", "J", [transaction])])


def _line(**changes: object) -> TransactionLine:
    base = sample.month_transactions(2025, 9)[0].lines[1]  # type: ignore[index]
    return replace(base, **changes)


def test_text_over_the_xsd_length_names_the_field() -> None:
    header, master, _, _ = sample.monthly()
    with pytest.raises(SaftInputError) as error:
        write(header, master, _one_line_ledger(_line(description="x" * 257)))
    problem = error.value.problems[0]
    assert problem.code == "too_long"
    assert problem.field == "GeneralLedgerEntries.Journal[J].Transaction[T1].TransactionLine[2].Description"


def test_amount_with_three_decimals_is_refused() -> None:
    header, master, _, _ = sample.monthly()
    with pytest.raises(SaftInputError) as error:
        write(header, master, _one_line_ledger(_line(amount=Amount.ron(D("10.005")))))
    assert error.value.problems[0].code == "too_many_decimals"
    assert error.value.problems[0].field.endswith("TransactionLine[2].CreditAmount.Amount")


def test_line_without_tax_information_is_refused() -> None:
    header, master, _, _ = sample.monthly()
    with pytest.raises(SaftInputError, match="TaxInformation"):
        write(header, master, _one_line_ledger(_line(tax=())))


def test_control_characters_are_refused_with_the_field() -> None:
    header, master, _, _ = sample.monthly()
    with pytest.raises(SaftInputError) as error:
        write(header, master, _one_line_ledger(_line(description="Factura\x01")))
    assert error.value.problems[0].field.endswith("Description")
    assert error.value.problems[0].code == "bad_text"


def test_float_amounts_are_refused() -> None:
    header, master, _, _ = sample.monthly()
    with pytest.raises(SaftInputError, match="not float"):
        write(header, master, _one_line_ledger(_line(amount=Amount(10.5))))  # type: ignore[arg-type]


def test_transaction_without_lines_is_refused() -> None:
    header, master, _, _ = sample.monthly()
    day = date(2025, 9, 10)
    empty = Transaction("T1", 9, 2025, day, "Test", day, day, sample.OWN, sample.OWN, ())
    ledger = GeneralLedgerEntries(SectionTotals(1), [Journal("J", "Jurnal", "J", [empty])])
    with pytest.raises(SaftInputError, match="at least one line"):
        write(header, master, ledger)


def test_account_type_is_required_outside_the_chart() -> None:
    header, master, entries, documents = sample.monthly()
    accounts = [*master.accounts, replace(master.accounts[0], account_id="921", description="Cheltuieli")]  # type: ignore[index]
    with pytest.raises(SaftInputError, match="AccountType"):
        write(header, replace(master, accounts=accounts), entries, documents)


def test_empty_source_documents_default() -> None:
    header, master, entries, _ = sample.monthly()
    root = parse(write(header, master, entries, SourceDocuments()))
    assert count(root, "d:SourceDocuments/*") == 4  # sales, purchases, payments, movements
