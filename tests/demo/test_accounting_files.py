"""The demo's bank files: what the planner decides and the CAMT.053 writer writes parses back
through the statement parser the bank import uses, balances included."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from genius.apps.accounting.bank.handlers.ledger import is_fee
from genius.demo.accounting import demo_months
from genius.demo.bank_files import BankLine, daily_statements, iban, write_camt053
from genius.demo.bank_plan import DemoItem, Month, business_day, plan_bank
from genius.fiscal.ro.bankstatements import parse_statement_file
from genius.fiscal.ro.bankstatements.identifiers import valid_iban

D = Decimal
ACCOUNT = iban("BTRL", "test-account")


def items() -> list[DemoItem]:
    out = []
    for n in range(60):
        issued = date(2026, 8, 1) + timedelta(days=n)
        cui = "14399840" if n % 7 == 0 else None
        due = issued + timedelta(days=30)
        out.append(
            DemoItem(f"r{n}", "receivable", f"GEN{n + 1:04d}", f"p{n % 7}", f"Client {n % 7} SRL", cui,
                     D("1210.00") + n, issued, due)
        )  # fmt: skip
    for n in range(12):
        issued = date(2026, 8, 3) + timedelta(days=7 * n)
        out.append(
            DemoItem(f"s{n}", "payable", f"F-{900 + n}", f"name:FURNIZOR {n % 3}", f"Furnizor {n % 3} SRL",
                     None, D("605.00"), issued, issued + timedelta(days=15))
        )  # fmt: skip
    return out


def months() -> list[Month]:
    return demo_months(date(2026, 11, 25))


def test_the_three_months_before_today() -> None:
    assert [str(m) for m in months()] == ["2026-08", "2026-09", "2026-10"]
    assert months()[1].last == date(2026, 9, 30)
    assert [str(m) for m in demo_months(date(2027, 1, 3))] == ["2026-10", "2026-11", "2026-12"]


def test_demo_ibans_are_valid_and_stable() -> None:
    assert valid_iban(ACCOUNT) == ACCOUNT and ACCOUNT[4:8] == "BTRL"
    assert iban("RNCB", "x") == iban("RNCB", "x") != iban("RNCB", "y")


def test_the_plan_is_seeded_and_mixed() -> None:
    first = plan_bank(items(), months(), seed=3, vat_payable={"2026-08": D("812.00")}, bank_code="BTRL")
    again = plan_bank(items(), months(), seed=3, vat_payable={"2026-08": D("812.00")}, bank_code="BTRL")
    other = plan_bank(items(), months(), seed=4, vat_payable={"2026-08": D("812.00")}, bank_code="BTRL")
    assert first.lines == again.lines
    assert first.lines != other.lines
    lines = [line for m in months() for line in first.lines.get(str(m), [])]
    receipts = [line for line in lines if line.amount > 0 and line.counterparty_name]
    assert 30 < len(receipts) < 60  # most invoices, not all
    assert any("GEN" in line.remittance for line in receipts)
    assert any("GEN" not in line.remittance for line in receipts)
    joined = [
        line
        for seed in range(3, 9)
        for m in months()
        for line in plan_bank(items(), months(), seed=seed, vat_payable={}, bank_code="BTRL").lines[str(m)]
        if line.remittance.count("GEN") == 2
    ]
    assert joined  # now and then one transfer pays two invoices of a partner
    assert any(line.remittance == "Plata TVA 08.2026 D300" and line.amount == D("-812.00") for line in lines)
    assert all(business_day(line.booking_date) == line.booking_date for line in lines)
    for m in months():
        assert all(m.first <= line.booking_date <= m.last for line in first.lines[str(m)])


def test_written_statements_parse_back_with_their_balances() -> None:
    plan = plan_bank(items(), months(), seed=3, vat_payable={}, bank_code="BTRL")
    lines = plan.lines["2026-09"]
    statements = daily_statements(lines, opening=D("50000.00"), prefix="GDEMO-T", first_sequence=10)
    data = write_camt053(ACCOUNT, "RON", statements, message_id="GDEMO-T-202609")
    parsed = parse_statement_file(data)
    assert parsed.format.value == "camt053"
    assert len(parsed.statements) == len(statements)
    assert parsed.statements[0].opening.amount == D("50000.00")
    assert parsed.statements[-1].closing.amount == statements[-1].closing
    read = [line for st in parsed.statements for line in st.lines]
    assert len(read) == len(lines)
    assert sorted(line.amount for line in read) == sorted(line.amount for line in lines)
    assert {line.bank_reference for line in read} == {line.reference for line in lines}
    fees = [line for line in read if line.amount < 0 and is_fee(_Row(line))]
    assert fees and all(line.amount in (D("-2.50"), D("-15.00")) for line in fees)
    named = [line for line in read if line.amount > 0 and line.counterparty_iban]
    assert named and all(valid_iban(line.counterparty_iban) for line in named)


def test_a_cui_in_the_details_reaches_the_parsed_line() -> None:
    line = BankLine(date(2026, 9, 1), D("100.00"), "R1", "Plata servicii CUI 14399840", "CLIENT SRL")
    data = write_camt053(ACCOUNT, "RON", daily_statements([line], opening=D(0), prefix="T", first_sequence=1),
                         message_id="T")  # fmt: skip
    (parsed,) = parse_statement_file(data).statements[0].lines
    assert parsed.counterparty_cui == "14399840"
    assert parsed.counterparty_name == "CLIENT SRL"


class _Row:
    """A parsed line in the shape ``is_fee`` reads (a stored bank line)."""

    def __init__(self, line) -> None:  # type: ignore[no-untyped-def]
        self.amount = str(line.amount)
        self.counterparty_iban = line.counterparty_iban
        self.transaction_code = line.transaction_code
        self.remittance = line.remittance_info
