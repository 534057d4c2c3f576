"""Realistic D406 input for tests: a small trading company's month (sales 4111=707+4427, purchases
371+4426=401, payments 5121=4111, EU reverse charge, a sale in EUR), its quarter, its year's fixed
assets and an on-request stock report. Balances and totals are computed from the entries, the way
the accounting app will compute them with aggregate queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, time
from decimal import Decimal

from genius.fiscal.ro.saft.model import (
    Address,
    Amount,
    AnalysisTypeEntry,
    Asset,
    AssetSupplier,
    AssetTransaction,
    AssetTransactionSection,
    AssetTransactionValuation,
    AssetValuation,
    BankAccount,
    Company,
    CompanyStructure,
    Contact,
    Customer,
    DocumentTotals,
    GeneralLedgerAccount,
    GeneralLedgerEntries,
    Header,
    Invoice,
    InvoiceLine,
    InvoiceSection,
    Journal,
    MasterFiles,
    MovementSection,
    MovementTotals,
    MovementTypeEntry,
    Owner,
    Payment,
    PaymentLine,
    PaymentSection,
    PhysicalStockEntry,
    Product,
    ProductTax,
    ReportType,
    SectionTotals,
    Settlement,
    Side,
    Software,
    SourceDocuments,
    StockDirection,
    StockMovement,
    StockMovementLine,
    Supplier,
    TaxCodeDetails,
    TaxInformation,
    TaxTableEntry,
    Transaction,
    TransactionLine,
    UOMEntry,
)
from genius.fiscal.ro.saft.taxcodes import tax_code

D = Decimal
COMPANY_CUI = "12345674"
COMPANY = Company(
    cui=COMPANY_CUI,
    vat_registered=True,
    name="Exemplu Comerț SRL",
    addresses=(
        Address("Cluj-Napoca", "RO", "Str. Memorandumului", "28", postal_code="400114", region="RO-CJ"),
    ),
    contacts=(Contact("Ioana", "Popescu", telephone="+40264000000", email="contabil@exemplu.ro"),),
    bank_accounts=(BankAccount(iban="RO49AAAA1B31007593840000"),),
)
OWN = COMPANY.own_partner_id
SOFTWARE = Software("Genius ERP", "Genius ERP", "0.1.0")

CUSTOMER_RO = "0023456783"
SUPPLIER_RO = "0034567817"
SUPPLIER_DE = "01DE123456789"
CUSTOMER_DE = "01DE811128135"
CLUJ = Address("Cluj-Napoca", "RO", "Str. Horea", "5", region="RO-CJ")
BUCHAREST = Address("Sector 1", "RO", "Calea Victoriei", "10", region="RO-B")
MUNICH = Address("München", "DE", "Leopoldstraße", "1")
BERLIN = Address("Berlin", "DE", "Unter den Linden", "2")

PARTNERS = {
    CUSTOMER_RO: CompanyStructure(CUSTOMER_RO, "Client Intern SRL", (CLUJ,)),
    SUPPLIER_RO: CompanyStructure(SUPPLIER_RO, "Furnizor Marfă SA", (BUCHAREST,)),
    SUPPLIER_DE: CompanyStructure(SUPPLIER_DE, "Beratung GmbH", (MUNICH,)),
    CUSTOMER_DE: CompanyStructure(CUSTOMER_DE, "Handel GmbH", (BERLIN,)),
}
ACCOUNT_NAMES = {
    "1012": "Capital subscris vărsat",
    "371": "Mărfuri",
    "401": "Furnizori",
    "4111": "Clienți",
    "4424": "TVA de recuperat",
    "4426": "TVA deductibilă",
    "4427": "TVA colectată",
    "5121": "Conturi la bănci în lei",
    "5124": "Conturi la bănci în valută",
    "607": "Cheltuieli privind mărfurile",
    "627": "Cheltuieli cu serviciile bancare și asimilate",
    "628": "Alte cheltuieli cu serviciile executate de terți",
    "707": "Venituri din vânzarea mărfurilor",
    "2131": "Echipamente tehnologice",
    "2813": "Amortizarea instalațiilor și mijloacelor de transport",
    "6811": "Cheltuieli de exploatare privind amortizarea imobilizărilor",
    "404": "Furnizori de imobilizări",
}
OPENING = {"1012": D("-10000.00"), "5121": D("8000.00"), "371": D("2000.00")}  # debit positive


def vat(code: str, base: Decimal, amount: Decimal) -> TaxInformation:
    entry = tax_code(code)
    return TaxInformation("300", code, Amount.ron(amount), percentage=entry.rate, base=base)


NONE = TaxInformation()


@dataclass
class Posting:
    account: str
    side: Side
    amount: Amount
    partner: str | None = None  # customer or supplier on receivable/payable lines
    tax: TaxInformation = NONE


def _line(index: int, text: str, posting: Posting) -> TransactionLine:
    customer = supplier = OWN
    if posting.partner is not None:
        if posting.account.startswith("41"):
            customer = posting.partner
        else:
            supplier = posting.partner
    return TransactionLine(
        record_id=str(index),
        account_id=posting.account,
        customer_id=customer,
        supplier_id=supplier,
        description=text,
        side=posting.side,
        amount=posting.amount,
        tax=(posting.tax,),
    )


def transaction(tid: str, day: date, text: str, postings: list[Posting]) -> Transaction:
    partner = next((p.partner for p in postings if p.partner), None)
    customer = partner if partner and any(p.account.startswith("41") for p in postings) else OWN
    supplier = partner if partner and customer == OWN else OWN
    return Transaction(
        transaction_id=tid,
        period=day.month,
        period_year=day.year,
        transaction_date=day,
        description=text,
        system_entry_date=day,
        gl_posting_date=day,
        customer_id=customer,
        supplier_id=supplier,
        lines=tuple(_line(i, text, p) for i, p in enumerate(postings, 1)),
    )


def ron(value: str) -> Amount:
    return Amount.ron(D(value))


def month_transactions(year: int, month: int) -> list[Transaction]:
    """One month of a trading company; 21 %/11 % codes from August 2025, 19 % before."""
    after = date(year, month, 1) >= date(2025, 8, 1)
    sale_code, buy_code, rc_code = ("310344", "301104", "300704") if after else ("310309", "301101", "300701")
    rate = D("0.21") if after else D("0.19")
    sale_vat = (D("1000.00") * rate).quantize(D("0.01"))
    buy_vat = (D("2000.00") * rate).quantize(D("0.01"))
    rc_vat = (D("500.00") * rate).quantize(D("0.01"))
    eur = Amount.foreign("EUR", D("1000.00"), D("4.9750"))
    p = f"{year}{month:02d}"
    collected = sale_vat + rc_vat
    deductible = buy_vat + rc_vat
    return [
        transaction(
            f"VZ-{p}-1",
            date(year, month, 3),
            "Factura FV-1001 marfă",
            [
                Posting("4111", Side.DEBIT, Amount.ron(D("1000.00") + sale_vat), CUSTOMER_RO),
                Posting("707", Side.CREDIT, ron("1000.00")),
                Posting(
                    "4427", Side.CREDIT, Amount.ron(sale_vat), tax=vat(sale_code, D("1000.00"), sale_vat)
                ),
            ],
        ),
        transaction(
            f"VZ-{p}-2",
            date(year, month, 3),
            "Descărcare gestiune FV-1001",
            [
                Posting("607", Side.DEBIT, ron("700.00")),
                Posting("371", Side.CREDIT, ron("700.00")),
            ],
        ),
        transaction(
            f"CP-{p}-1",
            date(year, month, 5),
            "Factura FF-501 marfă (NIR 12)",
            [
                Posting("371", Side.DEBIT, ron("2000.00")),
                Posting("4426", Side.DEBIT, Amount.ron(buy_vat), tax=vat(buy_code, D("2000.00"), buy_vat)),
                Posting("401", Side.CREDIT, Amount.ron(D("2000.00") + buy_vat), SUPPLIER_RO),
            ],
        ),
        transaction(
            f"CP-{p}-2",
            date(year, month, 8),
            "Consultanță UE, taxare inversă",
            [
                Posting("628", Side.DEBIT, ron("500.00")),
                Posting("401", Side.CREDIT, ron("500.00"), SUPPLIER_DE),
                Posting("4426", Side.DEBIT, Amount.ron(rc_vat), tax=vat(rc_code, D("500.00"), rc_vat)),
                Posting("4427", Side.CREDIT, Amount.ron(rc_vat), tax=vat(rc_code, D("500.00"), rc_vat)),
            ],
        ),
        transaction(
            f"VZ-{p}-3",
            date(year, month, 10),
            "Factura FV-1002 livrare intracomunitară (EUR)",
            [
                Posting("4111", Side.DEBIT, eur, CUSTOMER_DE),
                Posting("707", Side.CREDIT, eur, tax=vat("310301", eur.amount, D("0.00"))),
            ],
        ),
        transaction(
            f"BK-{p}-1",
            date(year, month, 15),
            "Încasare FV-1001",
            [
                Posting("5121", Side.DEBIT, Amount.ron(D("1000.00") + sale_vat)),
                Posting("4111", Side.CREDIT, Amount.ron(D("1000.00") + sale_vat), CUSTOMER_RO),
            ],
        ),
        transaction(
            f"BK-{p}-2",
            date(year, month, 20),
            "Plată FF-501",
            [
                Posting("401", Side.DEBIT, Amount.ron(D("2000.00") + buy_vat), SUPPLIER_RO),
                Posting("5121", Side.CREDIT, Amount.ron(D("2000.00") + buy_vat)),
            ],
        ),
        transaction(
            f"BK-{p}-3",
            date(year, month, 20),
            "Comision bancar",
            [
                Posting("627", Side.DEBIT, ron("15.00")),
                Posting("5121", Side.CREDIT, ron("15.00")),
            ],
        ),
        transaction(
            f"TVA-{p}",
            date(year, month, 28),
            "Închidere TVA",
            [
                Posting(
                    "4427",
                    Side.DEBIT,
                    Amount.ron(collected),
                    tax=TaxInformation("300", "380200", Amount.ron(collected)),
                ),
                Posting(
                    "4426",
                    Side.CREDIT,
                    Amount.ron(collected),
                    tax=TaxInformation("300", "380200", Amount.ron(collected)),
                ),
                Posting(
                    "4424",
                    Side.DEBIT,
                    Amount.ron(deductible - collected),
                    tax=TaxInformation("300", "380200", Amount.ron(deductible - collected)),
                ),
                Posting(
                    "4426",
                    Side.CREDIT,
                    Amount.ron(deductible - collected),
                    tax=TaxInformation("300", "380200", Amount.ron(deductible - collected)),
                ),
            ],
        ),
    ]


def journals(transactions: list[Transaction]) -> list[Journal]:
    by_journal: dict[str, list[Transaction]] = defaultdict(list)
    for item in transactions:
        by_journal[item.transaction_id.split("-")[0]].append(item)
    names = {
        "VZ": "Jurnal de vânzări",
        "CP": "Jurnal de cumpărări",
        "BK": "Registru de bancă",
        "TVA": "Note TVA",
    }
    return [Journal(code, names[code], code, tuple(items)) for code, items in by_journal.items()]


def gl_totals(transactions: list[Transaction]) -> SectionTotals:
    """The aggregate query: COUNT(transactions), SUM(amount) by side."""
    debit = sum(
        (line.amount.amount for t in transactions for line in t.lines if line.side is Side.DEBIT), D("0.00")
    )
    credit = sum(
        (line.amount.amount for t in transactions for line in t.lines if line.side is Side.CREDIT), D("0.00")
    )
    return SectionTotals(len(transactions), debit, credit)


def accounts(
    transactions: list[Transaction], opening: dict[str, Decimal] | None = None
) -> list[GeneralLedgerAccount]:
    opening = dict(OPENING if opening is None else opening)
    movement: dict[str, Decimal] = defaultdict(lambda: D("0.00"))
    for t in transactions:
        for line in t.lines:
            sign = 1 if line.side is Side.DEBIT else -1
            movement[line.account_id] += sign * line.amount.amount
    result = []
    for code in sorted(set(opening) | set(movement)):
        start = opening.get(code, D("0.00"))
        end = start + movement.get(code, D("0.00"))
        result.append(
            GeneralLedgerAccount(
                account_id=code,
                description=ACCOUNT_NAMES[code],
                opening_debit=max(start, D("0.00")),
                opening_credit=max(-start, D("0.00")),
                closing_debit=max(end, D("0.00")),
                closing_credit=max(-end, D("0.00")),
            )
        )
    return result


def partner_balances(transactions: list[Transaction]) -> tuple[list[Customer], list[Supplier]]:
    moves: dict[tuple[str, str], Decimal] = defaultdict(lambda: D("0.00"))
    for t in transactions:
        for line in t.lines:
            sign = 1 if line.side is Side.DEBIT else -1
            if line.account_id.startswith("41"):
                moves[(line.customer_id, line.account_id)] += sign * line.amount.amount
            elif line.account_id.startswith("40"):
                moves[(line.supplier_id, line.account_id)] += sign * line.amount.amount
    customers, suppliers = [], []
    for (partner, account), net in sorted(moves.items()):
        debit, credit = max(net, D("0.00")), max(-net, D("0.00"))
        if account.startswith("41"):
            customers.append(
                Customer(partner, account, PARTNERS[partner], closing_debit=debit, closing_credit=credit)
            )
        else:
            suppliers.append(
                Supplier(partner, account, PARTNERS[partner], closing_debit=debit, closing_credit=credit)
            )
    return customers, suppliers


def tax_table(codes: list[str]) -> list[TaxTableEntry]:
    details = []
    for code in codes:
        entry = tax_code(code)
        rate = entry.rate if entry.rate is not None else D("0")  # 380200: the closing note has no rate
        details.append(TaxCodeDetails(code, rate, (entry.base_rate,), description=entry.description[:256]))
    return [
        TaxTableEntry("000", "Fără impozit sau taxă", (TaxCodeDetails("000000", D("0")),)),
        TaxTableEntry("300", "Taxa pe valoarea adăugată", tuple(details)),
    ]


def invoices(year: int, month: int) -> tuple[InvoiceSection, InvoiceSection]:
    after = date(year, month, 1) >= date(2025, 8, 1)
    sale_code, buy_code, rc_code = ("310344", "301104", "300704") if after else ("310309", "301101", "300701")
    rate = D("0.21") if after else D("0.19")
    sale_vat = (D("1000.00") * rate).quantize(D("0.01"))
    buy_vat = (D("2000.00") * rate).quantize(D("0.01"))
    rc_vat = (D("500.00") * rate).quantize(D("0.01"))
    day = date(year, month, 3)
    eur = Amount.foreign("EUR", D("1000.00"), D("4.9750"))
    sales = [
        Invoice(
            "FV-1001",
            CUSTOMER_RO,
            CLUJ,
            "4111",
            day,
            (
                InvoiceLine(
                    "707",
                    D("10"),
                    D("100.00"),
                    day,
                    "Marfă A",
                    ron("1000.00"),
                    Side.CREDIT,
                    (vat(sale_code, D("1000.00"), sale_vat),),
                    line_number="1",
                    product_code="A-1",
                    goods_services_id="01",
                    uom="H87",
                ),
            ),
            totals=DocumentTotals(gross_total=D("1000.00") + sale_vat, net_total=D("1000.00")),
        ),
        Invoice(
            "FV-1002",
            CUSTOMER_DE,
            BERLIN,
            "4111",
            date(year, month, 10),
            (
                InvoiceLine(
                    "707",
                    D("2.5"),
                    D("1990.00"),
                    date(year, month, 10),
                    "Marfă B (livrare UE)",
                    eur,
                    Side.CREDIT,
                    (vat("310301", eur.amount, D("0.00")),),
                    line_number="1",
                ),
            ),
        ),
    ]
    purchases = [
        Invoice(
            "FF-501",
            SUPPLIER_RO,
            BUCHAREST,
            "401",
            date(year, month, 5),
            (
                InvoiceLine(
                    "371",
                    D("40"),
                    D("50.00"),
                    date(year, month, 5),
                    "Marfă A",
                    ron("2000.00"),
                    Side.DEBIT,
                    (vat(buy_code, D("2000.00"), buy_vat),),
                    line_number="1",
                ),
            ),
        ),
        Invoice(
            "DE-77",
            SUPPLIER_DE,
            MUNICH,
            "401",
            date(year, month, 8),
            (
                InvoiceLine(
                    "628",
                    D("1"),
                    D("500.00"),
                    date(year, month, 8),
                    "Consultanță",
                    ron("500.00"),
                    Side.DEBIT,
                    (vat(rc_code, D("500.00"), rc_vat),),
                    line_number="1",
                    goods_services_id="02",
                ),
            ),
        ),
    ]
    return (_invoice_section(sales), _invoice_section(purchases))


def _invoice_section(items: list[Invoice]) -> InvoiceSection:
    debit = sum((ln.amount.amount for i in items for ln in i.lines if ln.side is Side.DEBIT), D("0.00"))
    credit = sum((ln.amount.amount for i in items for ln in i.lines if ln.side is Side.CREDIT), D("0.00"))
    return InvoiceSection(SectionTotals(len(items), debit, credit), items)


def payments(year: int, month: int) -> PaymentSection:
    after = date(year, month, 1) >= date(2025, 8, 1)
    rate = D("0.21") if after else D("0.19")
    received = D("1000.00") + (D("1000.00") * rate).quantize(D("0.01"))
    paid = D("2000.00") + (D("2000.00") * rate).quantize(D("0.01"))
    items = [
        Payment(
            f"OP-{month}-1",
            date(year, month, 15),
            "03",
            "Încasare FV-1001",
            (
                PaymentLine(
                    "4111",
                    CUSTOMER_RO,
                    OWN,
                    Side.CREDIT,
                    Amount.ron(received),
                    (NONE,),
                    line_number="1",
                    source_document_id="FV-1001",
                ),
            ),
            settlement=Settlement(payment_mechanism="42"),
            totals=DocumentTotals(gross_total=received),
        ),
        Payment(
            f"OP-{month}-2",
            date(year, month, 20),
            "03",
            "Plată FF-501",
            (
                PaymentLine(
                    "401",
                    OWN,
                    SUPPLIER_RO,
                    Side.DEBIT,
                    Amount.ron(paid),
                    (NONE,),
                    line_number="1",
                    source_document_id="FF-501",
                ),
            ),
        ),
    ]
    return PaymentSection(SectionTotals(2, paid, received), items)


def header(report_type: ReportType, start: date, end: date, created: date = date(2025, 10, 20)) -> Header:
    return Header(COMPANY, report_type, start, end, created, SOFTWARE)


def monthly(
    year: int = 2025, month: int = 9
) -> tuple[Header, MasterFiles, GeneralLedgerEntries, SourceDocuments]:
    transactions = month_transactions(year, month)
    customers, suppliers = partner_balances(transactions)
    codes = sorted(
        {t.tax_code for tr in transactions for ln in tr.lines for t in ln.tax if t.tax_type == "300"}
    )
    sales, purchases = invoices(year, month)
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1).replace(day=1)
    end = date.fromordinal(end.toordinal() - 1)
    master = MasterFiles(
        accounts=accounts(transactions),
        customers=customers,
        suppliers=suppliers,
        tax_table=tax_table(codes),
        uom_table=[UOMEntry("H87", "Bucată"), UOMEntry("C62", "Unitate")],
        analysis_types=[AnalysisTypeEntry("CC", "Centru de cost", "CC-01", "Magazin Cluj")],
        products=[Product("A-1", "Marfă A", "84713000", "H87", "H87", taxes=(ProductTax("300", codes[-1]),))],
    )
    entries = GeneralLedgerEntries(gl_totals(transactions), journals(transactions))
    documents = SourceDocuments(
        sales_invoices=sales, purchase_invoices=purchases, payments=payments(year, month)
    )
    return header(ReportType.MONTHLY, start, end), master, entries, documents


def quarterly() -> tuple[Header, MasterFiles, GeneralLedgerEntries, SourceDocuments]:
    """Q3 2025: July at 19 %, August and September at 21 % (Law 141/2025)."""
    transactions = [t for m in (7, 8, 9) for t in month_transactions(2025, m)]
    customers, suppliers = partner_balances(transactions)
    codes = sorted(
        {t.tax_code for tr in transactions for ln in tr.lines for t in ln.tax if t.tax_type == "300"}
    )
    sale_sections = [invoices(2025, m) for m in (7, 8, 9)]
    sales = _invoice_section([i for s, _ in sale_sections for i in s.invoices])
    purchases = _invoice_section([i for _, p in sale_sections for i in p.invoices])
    pay = [payments(2025, m) for m in (7, 8, 9)]
    pay_items = [p for section in pay for p in section.payments]
    pay_section = PaymentSection(
        SectionTotals(
            len(pay_items),
            sum((s.totals.total_debit for s in pay), D("0.00")),
            sum((s.totals.total_credit for s in pay), D("0.00")),
        ),
        pay_items,
    )
    master = MasterFiles(
        accounts=accounts(transactions),
        customers=customers,
        suppliers=suppliers,
        tax_table=tax_table(codes),
        uom_table=[UOMEntry("H87", "Bucată")],
        analysis_types=[AnalysisTypeEntry("CC", "Centru de cost", "CC-01", "Magazin Cluj")],
        products=[Product("A-1", "Marfă A", "84713000", "H87", "H87")],
    )
    entries = GeneralLedgerEntries(gl_totals(transactions), journals(transactions))
    documents = SourceDocuments(sales_invoices=sales, purchase_invoices=purchases, payments=pay_section)
    return (
        header(ReportType.QUARTERLY, date(2025, 7, 1), date(2025, 9, 30)),
        master,
        entries,
        documents,
    )


def annual_assets() -> tuple[Header, MasterFiles, SourceDocuments]:
    """The 2025 annual D406: a machine bought in March, depreciated straight-line over 5 years."""
    supplier = AssetSupplier("Utilaje Industriale SRL", SUPPLIER_RO, BUCHAREST)
    machine = Asset(
        asset_id="MF-0001",
        account_id="2131",
        description="Strung CNC",
        acquisition_date=date(2025, 3, 10),
        start_up_date=date(2025, 3, 15),
        suppliers=(supplier,),
        valuations=(
            AssetValuation(
                valuation_type="contabil",
                valuation_class="2.1.16.1",
                cost_begin=D("0.00"),
                cost_end=D("60000.00"),
                investment_support=D("0.00"),
                asset_addition=D("60000.00"),
                transfers=D("0.00"),
                asset_disposal=D("0.00"),
                book_value_begin=D("0.00"),
                depreciation_method="liniară",
                depreciation_percentage=D("20"),
                depreciation_for_period=D("9000.00"),
                appreciation_for_period=D("0.00"),
                accumulated_depreciation=D("9000.00"),
                book_value_end=D("51000.00"),
                life_years=D("5"),
            ),
        ),
    )
    # Capital 100,000 in the bank; the machine bought on 404 and paid; one year's depreciation.
    accounts_ = [
        GeneralLedgerAccount(
            "1012", "Capital subscris vărsat", opening_credit=D("100000.00"), closing_credit=D("100000.00")
        ),
        GeneralLedgerAccount("2131", "Echipamente tehnologice", closing_debit=D("60000.00")),
        GeneralLedgerAccount(
            "2813", "Amortizarea instalațiilor și mijloacelor de transport", closing_credit=D("9000.00")
        ),
        GeneralLedgerAccount("404", "Furnizori de imobilizări"),
        GeneralLedgerAccount(
            "5121", "Conturi la bănci în lei", opening_debit=D("100000.00"), closing_debit=D("40000.00")
        ),
        GeneralLedgerAccount(
            "6811", "Cheltuieli de exploatare privind amortizarea imobilizărilor", closing_debit=D("9000.00")
        ),
    ]
    transactions = [
        AssetTransaction(
            "AT-1",
            "MF-0001",
            "10",
            date(2025, 3, 10),
            "CP-202503-9",
            (AssetTransactionValuation(D("60000.00"), D("60000.00"), D("60000.00"), "contabil"),),
            description="Achiziție strung",
            supplier=None,
        ),
        AssetTransaction(
            "AT-2",
            "MF-0001",
            "30",
            date(2025, 12, 31),
            "AM-202512-1",
            (AssetTransactionValuation(D("60000.00"), D("51000.00"), D("9000.00"), "contabil"),),
            description="Amortizare 2025",
        ),
    ]
    master = MasterFiles(
        accounts=accounts_,
        analysis_types=[AnalysisTypeEntry("CC", "Centru de cost", "CC-01", "Atelier")],
        assets=[machine],
    )
    documents = SourceDocuments(asset_transactions=AssetTransactionSection(2, transactions))
    return (
        header(ReportType.ANNUAL_ASSETS, date(2025, 1, 1), date(2025, 12, 31), date(2026, 5, 20)),
        master,
        documents,
    )


def on_request_stock() -> tuple[Header, MasterFiles, SourceDocuments]:
    """A stock report ANAF asked for: one product, one receipt and one issue."""
    product = Product("A-1", "Marfă A", "84713000", "H87", "H87", valuation_method="FIFO")
    stock = PhysicalStockEntry(
        warehouse_id="DEP-CLUJ",
        product_code="A-1",
        product_type="Marfa",
        commodity_code="84713000",
        owner_id=OWN,
        uom="H87",
        unit_price=D("50.00"),
        opening_quantity=D("40"),
        opening_value=D("2000.00"),
        closing_quantity=D("66"),
        closing_value=D("3300.00"),
        stock_account_no="371",
    )
    lines_in = (
        StockMovementLine(
            "1",
            "371",
            OWN,
            SUPPLIER_RO,
            "A-1",
            D("40"),
            "H87",
            "10",
            StockDirection.RECEIVED,
            book_value=D("2000.00"),
        ),
    )
    lines_out = (
        StockMovementLine(
            "1",
            "371",
            CUSTOMER_RO,
            OWN,
            "A-1",
            D("14"),
            "H87",
            "30",
            StockDirection.ISSUED,
            book_value=D("700.00"),
        ),
    )
    movements = [
        StockMovement("NIR-12", date(2025, 9, 5), "10", lines_in, posting_time=time(10, 30)),
        StockMovement("AV-88", date(2025, 9, 3), "30", lines_out),
    ]
    master = MasterFiles(
        accounts=[
            GeneralLedgerAccount(
                "1012", "Capital subscris vărsat", opening_credit=D("2000.00"), closing_credit=D("2000.00")
            ),
            GeneralLedgerAccount("371", "Mărfuri", opening_debit=D("2000.00"), closing_debit=D("3300.00")),
            GeneralLedgerAccount("401", "Furnizori", closing_credit=D("2000.00")),
            GeneralLedgerAccount("607", "Cheltuieli privind mărfurile", closing_debit=D("700.00")),
        ],
        tax_table=tax_table(["310344"]),
        uom_table=[UOMEntry("H87", "Bucată")],
        analysis_types=[AnalysisTypeEntry("CC", "Centru de cost", "CC-01", "Depozit")],
        movement_types=[MovementTypeEntry("10", "Achiziție"), MovementTypeEntry("30", "Vânzare")],
        products=[product],
        physical_stock=[stock],
        owners=[Owner("371", PARTNERS[SUPPLIER_RO], SUPPLIER_RO)],
    )
    documents = SourceDocuments(
        movements=MovementSection(MovementTotals(2, D("40"), D("14")), movements),
    )
    return (
        header(ReportType.ON_REQUEST_STOCK, date(2025, 9, 1), date(2025, 9, 30)),
        master,
        documents,
    )


def with_totals(entries: GeneralLedgerEntries, **changes: object) -> GeneralLedgerEntries:
    return replace(entries, totals=replace(entries.totals, **changes))
