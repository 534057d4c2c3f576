"""Each pre-validation finding, produced by one realistic mistake in an otherwise clean month."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from genius.fiscal.ro.saft.model import (
    Address,
    Amount,
    GeneralLedgerEntries,
    Journal,
    Settlement,
    TaxInformation,
)
from genius.fiscal.ro.saft.prevalidate import EntityKind, Finding, Severity, prevalidate
from tests.fiscal.ro.saft import sample

D = Decimal
Month = tuple[Any, Any, Any, Any]


def month() -> Month:
    header, master, entries, documents = sample.monthly()
    transactions = sample.month_transactions(2025, 9)
    return header, master, replace(entries, journals=sample.journals(transactions)), documents


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def one(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, codes(findings)
    return matching[0]


def with_transactions(data: Month, change: Any) -> Month:
    """Apply ``change`` to the month's transactions and recompute totals, balances and partners."""
    header, master, _, documents = data
    transactions = change(sample.month_transactions(2025, 9))
    customers, suppliers = sample.partner_balances(transactions)
    master = replace(master, accounts=sample.accounts(transactions), customers=customers, suppliers=suppliers)
    entries = GeneralLedgerEntries(sample.gl_totals(transactions), sample.journals(transactions))
    return header, master, entries, documents


def replace_line(transactions: list[Any], tid: str, index: int, **changes: Any) -> list[Any]:
    out = []
    for item in transactions:
        if item.transaction_id == tid:
            lines = list(item.lines)
            lines[index] = replace(lines[index], **changes)
            item = replace(item, lines=tuple(lines))
        out.append(item)
    return out


def test_clean_month_quarter_year_and_stock_report_have_no_findings() -> None:
    assert prevalidate(*month()) == []
    assert prevalidate(*sample.quarterly()) == []
    header, master, documents = sample.annual_assets()
    assert prevalidate(header, master, None, documents) == []
    header, master, documents = sample.on_request_stock()
    assert prevalidate(header, master, None, documents) == []


def test_every_finding_speaks_romanian_and_english() -> None:
    header, master, entries, documents = month()
    customers = [replace(master.customers[0], company=None), *master.customers[1:]]
    finding = one(
        prevalidate(header, replace(master, customers=customers), entries, documents), "PARTNER_NO_ID"
    )
    assert finding.severity is Severity.ERROR
    assert finding.entity_kind is EntityKind.CUSTOMER
    assert "identificare" in finding.message_ro and "identification" in finding.message_en


def test_partner_without_cui_or_address() -> None:
    header, master, entries, documents = month()
    supplier = master.suppliers[0]
    no_address = replace(supplier, company=replace(supplier.company, addresses=()))
    findings = prevalidate(
        header, replace(master, suppliers=[no_address, *master.suppliers[1:]]), entries, documents
    )
    finding = one(findings, "PARTNER_NO_ADDRESS")
    assert (finding.entity_kind, finding.entity_id) == (EntityKind.SUPPLIER, supplier.supplier_id)


def test_partner_address_without_city_or_with_foreign_region() -> None:
    header, master, entries, documents = month()
    customers = list(master.customers)
    german = next(c for c in customers if c.customer_id == sample.CUSTOMER_DE)
    bad = replace(
        german, company=replace(german.company, addresses=(Address("Berlin", "DE", region="RO-B"),))
    )
    customers[customers.index(german)] = bad
    finding = one(
        prevalidate(header, replace(master, customers=customers), entries, documents), "PARTNER_BAD_ADDRESS"
    )
    assert "region" in finding.message_en
    empty_city = replace(german, company=replace(german.company, addresses=(Address(" ", "DE"),)))
    customers[customers.index(bad)] = empty_city
    finding = one(
        prevalidate(header, replace(master, customers=customers), entries, documents), "PARTNER_BAD_ADDRESS"
    )
    assert "city" in finding.message_en


def test_partner_id_with_wrong_cui_check_digit() -> None:
    header, master, entries, documents = month()
    customer = master.customers[0]
    bad_id = "0023456789"
    bad = replace(customer, partner_id=bad_id, company=replace(customer.company, registration_number=bad_id))
    finding = one(
        prevalidate(header, replace(master, customers=[bad]), entries, documents), "PARTNER_ID_INVALID"
    )
    assert "check digit" in finding.message_en


def test_partner_id_differs_from_registration_number() -> None:
    header, master, entries, documents = month()
    customer = master.customers[0]
    bad = replace(customer, company=replace(customer.company, registration_number="RO23456783"))
    findings = prevalidate(
        header, replace(master, customers=[bad, *master.customers[1:]]), entries, documents
    )
    assert one(findings, "PARTNER_ID_MISMATCH").entity_id == customer.customer_id


def test_partner_used_in_entries_but_missing_from_master_files() -> None:
    header, master, entries, documents = month()
    suppliers = [s for s in master.suppliers if s.supplier_id != sample.SUPPLIER_DE]
    findings = prevalidate(header, replace(master, suppliers=suppliers), entries, documents)
    unknown = [f for f in findings if f.code == "PARTNER_UNKNOWN"]
    assert unknown and all(sample.SUPPLIER_DE in f.message_en for f in unknown)


def test_zero_on_both_sides_of_a_line() -> None:
    data = with_transactions(
        month(), lambda t: replace_line(t, "BK-202509-3", 0, customer_id="0", supplier_id="0")
    )
    assert one(prevalidate(*data), "PARTNER_ID_ZERO").entity_id == "BK-202509-3"


def test_account_not_in_anaf_plan() -> None:
    sample.ACCOUNT_NAMES.setdefault("6299", "Cont inventat")
    findings = prevalidate(
        *with_transactions(month(), lambda t: replace_line(t, "BK-202509-3", 0, account_id="6299"))
    )
    finding = one(findings, "ACCOUNT_NOT_IN_PLAN")
    assert (finding.entity_kind, finding.entity_id) == (EntityKind.ACCOUNT, "6299")
    assert "PlanConturiBalSocCom" in finding.message_en


def test_analytic_account_with_a_dot() -> None:
    sample.ACCOUNT_NAMES.setdefault("627.01", "Comisioane bancare")
    findings = prevalidate(
        *with_transactions(month(), lambda t: replace_line(t, "BK-202509-3", 0, account_id="627.01"))
    )
    finding = one(findings, "ACCOUNT_NOT_NUMERIC")
    assert "62701" in finding.message_en


def test_grade1_synthetic_used_where_grade2_exists() -> None:
    sample.ACCOUNT_NAMES.setdefault("411", "Clienți")

    def to_411(transactions: list[Any]) -> list[Any]:
        out = replace_line(transactions, "BK-202509-1", 1, account_id="411")
        return replace_line(out, "VZ-202509-1", 0, account_id="411")

    findings = prevalidate(*with_transactions(month(), to_411))
    finding = one(findings, "ACCOUNT_GRADE1_WITH_GRADE2")
    assert "4111, 4118" in finding.message_en
    assert finding.severity is Severity.WARNING


def test_account_booked_but_missing_from_general_ledger_accounts() -> None:
    header, master, entries, documents = month()
    accounts = [a for a in master.accounts if a.account_id != "627"]
    findings = prevalidate(header, replace(master, accounts=accounts), entries, documents)
    assert one(findings, "ACCOUNT_NOT_IN_MASTER").entity_id == "627"


def test_account_listed_twice() -> None:
    header, master, entries, documents = month()
    findings = prevalidate(
        header, replace(master, accounts=[*master.accounts, master.accounts[0]]), entries, documents
    )
    assert one(findings, "ACCOUNT_DUPLICATE").entity_id == master.accounts[0].account_id


def test_unbalanced_transaction_and_ledger() -> None:
    data = with_transactions(
        month(), lambda t: replace_line(t, "BK-202509-3", 0, amount=Amount.ron(D("16.00")))
    )
    findings = prevalidate(*data)
    assert one(findings, "TRANSACTION_UNBALANCED").entity_id == "BK-202509-3"
    assert "debit 16.00, credit 15.00" in one(findings, "TRANSACTION_UNBALANCED").message_en
    assert one(findings, "LEDGER_UNBALANCED").entity_kind is EntityKind.LEDGER


def test_declared_totals_disagree_with_the_entries() -> None:
    header, master, entries, documents = month()
    wrong = replace(entries, totals=replace(entries.totals, number_of_entries=10))
    assert (
        one(prevalidate(header, master, wrong, documents), "LEDGER_TOTALS_DECLARED").field
        == "NumberOfEntries"
    )


def test_opening_balance_that_is_not_last_closing() -> None:
    header, master, entries, documents = month()
    accounts = [
        replace(a, opening_debit=a.opening_debit + 100) if a.account_id == "5121" else a
        for a in master.accounts
    ]
    findings = prevalidate(header, replace(master, accounts=accounts), entries, documents)
    finding = one(findings, "BALANCE_ARITHMETIC")
    assert finding.entity_id == "5121"
    assert "8100.00" in finding.message_en
    # The changed opening also unbalances the opening trial balance.
    assert one(findings, "TRIAL_BALANCE_UNBALANCED").field == "OpeningDebitBalance"


def test_partner_balances_that_do_not_add_up_to_the_account() -> None:
    header, master, entries, documents = month()
    customers = [replace(master.customers[0], closing_debit=D("10.00")), *master.customers[1:]]
    finding = one(
        prevalidate(header, replace(master, customers=customers), entries, documents),
        "PARTNER_BALANCES_MISMATCH",
    )
    assert finding.entity_id == "4111"


def test_vat_on_invoices_disagrees_with_4427() -> None:
    header, master, entries, documents = month()
    invoice = documents.sales_invoices.invoices[0]
    line = invoice.lines[0]
    tax = replace(line.tax[0], amount=Amount.ron(D("200.00")))
    changed = replace(invoice, lines=(replace(line, tax=(tax,)),))
    sales = replace(documents.sales_invoices, invoices=[changed, *documents.sales_invoices.invoices[1:]])
    findings = prevalidate(header, master, entries, replace(documents, sales_invoices=sales))
    finding = one(findings, "VAT_COLLECTED_MISMATCH")
    assert "(315.00)" in finding.message_en and "(305.00)" in finding.message_en
    assert "VAT_DEDUCTIBLE_MISMATCH" not in codes(findings)


def test_purchase_vat_missing_from_invoices_disagrees_with_4426() -> None:
    header, master, entries, documents = month()
    purchases = replace(documents.purchase_invoices, invoices=documents.purchase_invoices.invoices[1:])
    findings = prevalidate(header, master, entries, replace(documents, purchase_invoices=purchases))
    finding = one(findings, "VAT_DEDUCTIBLE_MISMATCH")
    assert finding.entity_id == "4426" and "difference 420.00" in finding.message_en


def test_entries_outside_the_period() -> None:
    header, master, entries, documents = month()
    late = date(2025, 10, 2)

    def post_late(transactions: list[Any]) -> list[Any]:
        return [
            replace(t, gl_posting_date=late) if t.transaction_id == "BK-202509-3" else t for t in transactions
        ]

    findings = prevalidate(*with_transactions((header, master, entries, documents), post_late))
    assert one(findings, "ENTRY_OUTSIDE_PERIOD").entity_id == "BK-202509-3"
    invoice = replace(documents.sales_invoices.invoices[0], invoice_date=date(2025, 8, 31))
    sales = replace(documents.sales_invoices, invoices=[invoice, *documents.sales_invoices.invoices[1:]])
    payment = replace(documents.payments.payments[1], transaction_date=late)
    payments = replace(documents.payments, payments=[documents.payments.payments[0], payment])
    findings = prevalidate(
        header, master, entries, replace(documents, sales_invoices=sales, payments=payments)
    )
    outside = [f for f in findings if f.code == "ENTRY_OUTSIDE_PERIOD"]
    assert {(f.entity_kind, f.severity) for f in outside} == {
        (EntityKind.INVOICE, Severity.ERROR),
        (EntityKind.PAYMENT, Severity.ERROR),
    }


def test_tax_codes_unknown_inactive_gl_only_invalid_and_not_in_table() -> None:
    header, master, entries, documents = month()
    invoice = documents.sales_invoices.invoices[0]
    line = invoice.lines[0]
    old_rate = TaxInformation("300", "310309", Amount.ron(D("210.00")), percentage=D("19"))
    closing = TaxInformation("300", "380200", Amount.ron(D("0.00")))
    unknown = TaxInformation("300", "319999", Amount.ron(D("0.00")))
    invalid = TaxInformation("000", "310344", Amount.ron(D("0.00")))
    changed = replace(invoice, lines=(replace(line, tax=(old_rate, closing, unknown, invalid)),))
    sales = replace(documents.sales_invoices, invoices=[changed])
    findings = prevalidate(header, master, entries, replace(documents, sales_invoices=sales))
    assert one(findings, "TAX_CODE_INACTIVE").entity_id == "310309"
    assert one(findings, "TAX_CODE_GL_ONLY").entity_id == invoice.invoice_no
    assert one(findings, "TAX_CODE_UNKNOWN").entity_id == "319999"
    assert one(findings, "TAX_CODE_INVALID").severity is Severity.ERROR
    assert one(findings, "TAX_CODE_NOT_IN_TABLE").entity_id == "310309"


def test_amount_that_is_not_currency_amount_times_rate() -> None:
    header, master, entries, documents = month()
    invoice = documents.sales_invoices.invoices[1]
    line = invoice.lines[0]
    bad = replace(line, amount=Amount(D("4970.00"), "EUR", D("1000.00"), D("4.9750")))
    sales = replace(
        documents.sales_invoices,
        invoices=[documents.sales_invoices.invoices[0], replace(invoice, lines=(bad,))],
    )
    finding = one(
        prevalidate(header, master, entries, replace(documents, sales_invoices=sales)), "AMOUNT_RATE_MISMATCH"
    )
    assert "4975.00" in finding.message_en and finding.entity_id == "FV-1002"


def test_payment_method_mechanism_and_tax() -> None:
    header, master, entries, documents = month()
    first, second = documents.payments.payments
    bad_method = replace(first, payment_method="07", settlement=None)
    bad_pair = replace(second, settlement=Settlement(payment_mechanism="10"))
    taxed_line = replace(second.lines[0], tax=(TaxInformation("300", "301104", Amount.ron(D("0.00"))),))
    bad_pair = replace(bad_pair, lines=(taxed_line,))
    payments = replace(documents.payments, payments=[bad_method, bad_pair])
    findings = prevalidate(header, master, entries, replace(documents, payments=payments))
    assert one(findings, "PAYMENT_METHOD_INVALID").entity_id == first.payment_ref_no
    mismatch = one(findings, "PAYMENT_MECHANISM_MISMATCH")
    assert "only method 01" in mismatch.message_en
    assert one(findings, "PAYMENT_TAX_NOT_NONE").severity is Severity.WARNING


def test_sales_invoice_not_on_a_customer_account() -> None:
    header, master, entries, documents = month()
    invoice = replace(documents.sales_invoices.invoices[0], account_id="707")
    sales = replace(documents.sales_invoices, invoices=[invoice, *documents.sales_invoices.invoices[1:]])
    assert (
        one(
            prevalidate(header, master, entries, replace(documents, sales_invoices=sales)), "INVOICE_ACCOUNT"
        ).field
        == "AccountID"
    )


def test_header_problems_become_a_finding() -> None:
    header, master, entries, documents = month()
    bad = replace(header, period_end=date(2025, 10, 31))
    finding = one(prevalidate(bad, master, entries, documents), "HEADER_INVALID")
    assert finding.field == "Header.period_start"


def test_findings_of_one_code_are_capped() -> None:
    def unbalance(transactions: list[Any]) -> list[Any]:
        for tid in ("BK-202509-1", "BK-202509-2", "BK-202509-3"):
            transactions = replace_line(transactions, tid, 0, amount=Amount.ron(D("1.00")))
        return transactions

    findings = prevalidate(*with_transactions(month(), unbalance), max_per_code=2)
    assert codes(findings).count("TRANSACTION_UNBALANCED") == 2
    assert one(findings, "TRANSACTION_UNBALANCED_MORE").message_en.startswith("1 more")


def test_ledger_generators_are_read_once() -> None:
    header, master, entries, documents = month()
    journals = (
        Journal(j.journal_id, j.description, j.journal_type, iter(j.transactions)) for j in entries.journals
    )
    assert prevalidate(header, master, replace(entries, journals=journals), documents) == []
