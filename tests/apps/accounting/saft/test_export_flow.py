"""D406 from documents issued through the sales app, posted by the ledger's consumer and copied by
the D406 read model: every file validates against ANAF's XSD (filing namespace mapped), and what it
says agrees with the ledger and the issued documents."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from genius.apps.accounting import repository as repo
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.postings import Settlement
from genius.apps.accounting.handlers.entries import post
from genius.apps.accounting.handlers.postings import CUSTOMER, partner_account, post_settlement
from genius.apps.sales import handlers as h
from genius.apps.sales.commands import CancelInvoice
from genius.fiscal.ro.saft import FILING_NAMESPACE, TEST_NAMESPACE, Target
from genius.fiscal.ro.saft.xsd import validate_bytes
from genius.kernel.ids import new_id
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext
from tests.apps.accounting.saft.conftest import Books, allow_procurement_events, assert_valid

NS = {"d": FILING_NAMESPACE}
D = Decimal


def texts(root: etree._Element, path: str) -> list[str]:
    return [node.text or "" for node in root.xpath(path, namespaces=NS)]


def system(books: Books) -> TenantContext:
    return TenantContext(books.world.tenant.id, books.slug, system=True)


def total(root: etree._Element, path: str) -> Decimal:
    return sum((D(v) for v in texts(root, path)), D("0.00"))


async def test_a_month_of_invoices_credit_notes_and_a_cancellation(books: Books, xsd_path: Path) -> None:
    first = books.issue(issue_date="2026-10-05")
    book = books.issue(
        issue_date="2026-10-12",
        lines=[{"id": "1", "product_id": books.world.ids["book"], "quantity": "3"}],
    )
    credit = books.issue(
        credit_note=True,
        issue_date="2026-10-20",
        corrects_invoice_id=first.invoice_id,
        lines=[{"id": "1", "product_id": books.world.ids["product"], "quantity": "2"}],
    )
    cancelled = books.issue(issue_date="2026-10-21")
    with books.world.scope():
        h.cancel_invoice(books.world.deps, CancelInvoice(cancelled.invoice_id, "client greșit"))
    await books.deliver()
    books.configure()
    result, document = books.export("2026-10")
    assert_valid(document, xsd_path)
    root = etree.fromstring(document)
    assert texts(root, "d:Header/d:HeaderComment") == ["L"]
    assert texts(root, "d:Header/d:Company/d:RegistrationNumber") == ["RO18547290"]
    # The cancelled invoice is left out of SalesInvoices; its entry and reversal stay in the ledger.
    numbers = texts(root, "//d:SalesInvoices/d:Invoice/d:InvoiceNo")
    assert numbers == [first.number, book.number, credit.number]
    assert texts(root, "//d:SalesInvoices/d:Invoice/d:InvoiceType") == ["380", "380", "381"]
    storno = root.xpath("//d:SalesInvoices/d:Invoice[d:InvoiceType='381']", namespaces=NS)[0]
    assert texts(storno, "d:InvoiceLine/d:Quantity") == ["-2"]
    assert texts(storno, "d:InvoiceLine/d:InvoiceLineAmount/d:Amount") == ["-251.00"]
    # 9 % is not a rate of books in 2026: the reduced rate is 11 % (code 310351); 21 % is 310344.
    codes = set(texts(root, "//d:SalesInvoices//d:TaxInformation/d:TaxCode"))
    assert codes == {"310344", "310351"}
    table = set(texts(root, "//d:TaxTable//d:TaxCode"))
    assert table == {"000000", "310344", "310351"}
    # Section totals are the sums of what follows them.
    assert texts(root, "//d:SalesInvoices/d:NumberOfEntries") == ["3"]
    assert D(texts(root, "//d:SalesInvoices/d:TotalCredit")[0]) == total(
        root, "//d:SalesInvoices//d:InvoiceLineAmount/d:Amount"
    )
    gl_debit = D(texts(root, "//d:GeneralLedgerEntries/d:TotalDebit")[0])
    assert gl_debit == total(root, "//d:TransactionLine/d:DebitAmount/d:Amount")
    assert gl_debit == D(texts(root, "//d:GeneralLedgerEntries/d:TotalCredit")[0])
    assert texts(root, "//d:GeneralLedgerEntries/d:NumberOfEntries") == [str(result.summary.transactions)]
    assert result.summary.transactions == 5  # 3 documents + the cancelled one + its reversal
    # The customer: 00 + CUI, its analytic account, its address from the invoices.
    assert texts(root, "//d:Customers/d:Customer/d:CustomerID") == ["0014399840"]
    assert texts(root, "//d:Customers//d:Address/d:Region") == ["RO-B"]
    assert set(texts(root, "//d:SalesInvoices//d:CustomerID")) == {"0014399840"}
    assert texts(root, "//d:Products/d:Product/d:ProductCode") == ["BK-01", "LIC-VZ"]
    assert texts(root, "//d:UOMTable//d:UnitOfMeasure") == ["H87", "HUR"]
    # VAT of invoice lines (by code) equals what 4427 booked: no VAT warnings.
    assert [w.code for w in result.warnings] == []
    collected = total(root, "//d:SalesInvoices//d:TaxInformation/d:TaxAmount/d:Amount")
    with books.engine().connect() as conn:
        vat = conn.execute(
            sa.text("SELECT SUM(credit) - SUM(debit) FROM acc_lines WHERE account = '4427'")
        ).scalar_one()
    assert collected == repo.from_bani(vat)
    assert result.sha256 == hashlib.sha256(document).hexdigest() and result.size == len(document)


async def test_a_quarter_and_balances_carried_between_months(books: Books, xsd_path: Path) -> None:
    books.issue(issue_date="2026-07-10")
    books.issue(issue_date="2026-09-03")
    books.issue(issue_date="2026-10-02")
    await books.deliver()
    books.configure()
    result, document = books.export("2026-Q3")
    assert_valid(document, xsd_path)
    root = etree.fromstring(document)
    assert texts(root, "d:Header/d:HeaderComment") == ["T"]
    assert texts(root, "d:Header//d:SelectionStartDate") + texts(root, "d:Header//d:SelectionEndDate") == [
        "2026-07-01",
        "2026-09-30",
    ]
    assert result.summary.sales_invoices == 2 and result.summary.transactions == 2
    assert set(texts(root, "//d:Transaction/d:Period")) == {"7", "9"}
    # October opens with September's closing balance.
    october, october_doc = books.export("2026-10")
    assert_valid(october_doc, xsd_path)
    quarter_closing = {
        a.findtext("d:AccountID", namespaces=NS): a.findtext("d:ClosingDebitBalance", namespaces=NS)
        or "-" + (a.findtext("d:ClosingCreditBalance", namespaces=NS) or "")
        for a in root.xpath("//d:GeneralLedgerAccounts/d:Account", namespaces=NS)
    }
    october_opening = {
        a.findtext("d:AccountID", namespaces=NS): a.findtext("d:OpeningDebitBalance", namespaces=NS)
        or "-" + (a.findtext("d:OpeningCreditBalance", namespaces=NS) or "")
        for a in etree.fromstring(october_doc).xpath("//d:GeneralLedgerAccounts/d:Account", namespaces=NS)
    }
    assert october_opening == quarter_closing
    assert october.summary.transactions == 1


async def test_receipts_manual_entries_and_foreign_currency(books: Books, xsd_path: Path) -> None:
    euro_line = {
        "id": "1",
        "quantity": "2",
        "unit_code": "HUR",
        "price": {"net_price": "100.00"},
        "item": {"name": "Consultanta", "vat_category": "S", "vat_rate_kind": "standard"},
    }
    euro = books.issue(issue_date="2026-10-06", currency="EUR", vat_exchange_rate="4.9763", lines=[euro_line])
    lei = books.issue(issue_date="2026-10-07")
    await books.deliver()
    ctx = system(books)
    partner = books.world.ids["partner"]
    with UnitOfWork(books.platform.databases, tenant=ctx) as uow:
        account = partner_account(uow, partner, CUSTOMER)
        post_settlement(
            uow,
            Settlement(
                kind="receipt",
                source=SourceDocument("bank_statement_line", new_id(), "EXTRAS-42"),
                on=date(2026, 10, 15),
                partner_id=partner,
                partner_account=account,
                treasury_account="5121",
                amount=lei.payable_amount,
                description=f"Încasare {lei.number}",
            ),
        )
        post(
            uow,
            EntryDraft(
                "NC",
                date(2026, 10, 31),
                "Cheltuieli bancare octombrie",
                (
                    Line("627", debit=D("12.50"), cost_centre="ADMIN", project="ERP"),
                    Line("5121", credit=D("12.50")),
                ),
            ),
        )
    books.configure()
    result, document = books.export("2026-10")
    assert_valid(document, xsd_path)
    root = etree.fromstring(document)
    (payment,) = root.xpath("//d:Payments/d:Payment", namespaces=NS)
    assert payment.findtext("d:PaymentMethod", namespaces=NS) == "03"
    assert texts(payment, "d:PaymentSettlement/d:PaymentMechanism") == ["42"]
    assert texts(payment, "d:PaymentLine/d:CustomerID") == ["0018547290", "0014399840"]
    assert texts(payment, "d:PaymentLine//d:TaxCode") == ["000000", "000000"]
    assert D(texts(root, "//d:Payments/d:TotalDebit")[0]) == lei.payable_amount
    # Cost centre and project declared in the AnalysisTypeTable and used on the line.
    assert texts(root, "//d:AnalysisTypeTable//d:AnalysisID") == ["ADMIN", "ERP"]
    assert texts(root, "//d:TransactionLine/d:Analysis/d:AnalysisID") == ["ADMIN", "ERP"]
    # The EUR invoice: lei = round(EUR x BNR rate) on each line, as DUK checks.
    invoice = root.xpath(f"//d:Invoice[d:InvoiceNo='{euro.number}']", namespaces=NS)[0]
    assert texts(invoice, "d:InvoiceLine/d:InvoiceLineAmount/d:CurrencyCode") == ["EUR"]
    assert texts(invoice, "d:InvoiceLine/d:InvoiceLineAmount/d:Amount") == ["995.26"]
    assert texts(invoice, "d:InvoiceLine/d:InvoiceLineAmount/d:ExchangeRate") == ["4.9763"]
    for amount in root.xpath("//d:*[d:ExchangeRate]", namespaces=NS):
        value = D(amount.findtext("d:Amount", namespaces=NS))
        foreign = D(amount.findtext("d:CurrencyAmount", namespaces=NS))
        rate = D(amount.findtext("d:ExchangeRate", namespaces=NS))
        assert value == (foreign * rate).quantize(D("0.01"))
    assert result.summary.payments == 1 and not [w for w in result.warnings if w.code.startswith("AMOUNT")]


async def test_an_empty_month_and_the_test_namespace(books: Books, xsd_path: Path) -> None:
    books.issue(issue_date="2026-10-05")
    await books.deliver()
    books.configure()
    empty, document = books.export("2026-08")
    assert_valid(document, xsd_path)
    root = etree.fromstring(document)
    assert root.xpath("d:GeneralLedgerEntries/*", namespaces=NS) == []
    assert empty.summary.transactions == 0 and empty.summary.sales_invoices == 0
    _, test_file = books.export("2026-10", target=Target.TEST)
    assert etree.fromstring(test_file).tag == f"{{{TEST_NAMESPACE}}}AuditFile"
    assert validate_bytes(test_file, xsd_path, map_namespace=False).ok


@pytest.mark.postgres
async def test_the_same_books_on_postgresql(pg_books: Books, xsd_path: Path) -> None:
    """Server-side cursors and a REPEATABLE READ snapshot: same files as on SQLite."""
    first = pg_books.issue(issue_date="2026-08-05")
    pg_books.issue(
        issue_date="2026-09-12",
        lines=[{"id": "1", "product_id": pg_books.world.ids["book"], "quantity": "3"}],
    )
    pg_books.issue(
        credit_note=True, issue_date="2026-09-20", corrects_invoice_id=first.invoice_id,
        lines=[{"id": "1", "product_id": pg_books.world.ids["product"], "quantity": "1"}],
    )  # fmt: skip
    await pg_books.deliver()
    pg_books.configure()
    month, month_doc = pg_books.export("2026-09", batch=1)  # a batch of one row: many cursor round trips
    assert_valid(month_doc, xsd_path)
    quarter, quarter_doc = pg_books.export("2026-Q3")
    assert_valid(quarter_doc, xsd_path)
    assert (month.summary.transactions, month.summary.sales_invoices) == (2, 2)
    assert (quarter.summary.transactions, quarter.summary.sales_invoices) == (3, 3)
    assert texts(etree.fromstring(quarter_doc), "d:Header/d:HeaderComment") == ["T"]
    assert quarter.warnings == []


async def test_received_supplier_invoices_fill_purchase_invoices(
    books: Books, xsd_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A supplier's UBL registered by procurement, posted 6xx + 4426 = 401 and copied for D406."""
    allow_procurement_events(monkeypatch)
    sale = books.issue(issue_date="2026-10-05")
    registered = books.receive(sale, "FZ-0077", "2026-10-09")
    await books.deliver()
    books.configure()
    result, exported = books.export("2026-10")
    assert_valid(exported, xsd_path)
    root = etree.fromstring(exported)
    (invoice,) = root.xpath("//d:PurchaseInvoices/d:Invoice", namespaces=NS)
    assert texts(invoice, "d:InvoiceNo") + texts(invoice, "d:SupplierInfo/d:SupplierID") == [
        "FZ-0077",
        "0014399840",
    ]
    assert texts(invoice, "d:AccountID") == ["40100001"]  # the supplier's own analytic (401.00001)
    assert set(texts(invoice, "d:InvoiceLine/d:DebitCreditIndicator")) == {"D"}
    assert set(texts(invoice, "d:InvoiceLine//d:TaxCode")) == {"301104"}
    assert D(texts(root, "//d:PurchaseInvoices/d:TotalDebit")[0]) == D("1705.00")
    assert texts(root, "//d:Suppliers/d:Supplier/d:SupplierID") == ["0014399840"]
    assert texts(root, "//d:Suppliers//d:City") == ["SECTOR3"]
    # The CP entry's 401 line carries the supplier; 4426 booked = VAT declared by purchase code.
    assert "0014399840" in texts(root, "//d:Journal[d:JournalID='CP']//d:TransactionLine/d:SupplierID")
    assert [w.code for w in result.warnings if w.code.startswith("VAT_")] == []
    assert result.summary.purchase_invoices == 1 and registered.created
