"""MT940 as BCR, BRD, Banca Transilvania, ING and Raiffeisen write it: balances, lines, :86: details."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from genius.fiscal.ro.bankstatements import (
    BankStatement,
    StatementFormat,
    detect_format,
    parse_statement_file,
)
from tests.fiscal.ro.bankstatements.conftest import sample


def only(name: str) -> BankStatement:
    parsed = parse_statement_file(sample(name))
    assert parsed.format is StatementFormat.MT940
    assert len(parsed.statements) == 1
    return parsed.statements[0]


def test_bcr_keyword_text_cut_mid_word_at_65_characters() -> None:
    st = only("bcr.sta")
    assert (st.bank, st.account_iban, st.currency) == ("bcr", "RO74RNCB0082000123450001", "RON")
    assert (st.statement_id, st.sequence) == ("2601150001", "00015/1")
    assert st.opening.amount == Decimal("12500.00") and st.opening.date == date(2026, 1, 14)
    assert st.closing.amount == Decimal("13686.00") and st.date == date(2026, 1, 15)
    receipt, fee, payment = st.lines
    # A credit: the payer (Platitor) is the counterparty; IBAN and CODFISC joined across line cuts.
    assert receipt.amount == Decimal("2380.00") and receipt.is_credit
    assert receipt.counterparty_name == "ALFA CONSTRUCT SRL"
    assert receipt.counterparty_iban == "RO19BTRLRONCRT0999888701"
    assert receipt.counterparty_cui == "14399840"
    assert receipt.remittance_info == "/ROC/c/v fact GEN-0042 din 05.01.2026"
    assert receipt.bank_reference == "2026011500000101" and receipt.customer_reference is None
    assert receipt.transaction_code == "NTRF" and receipt.source_line == 5
    # BCR repeats the transaction's reference on its fee line.
    assert fee.amount == Decimal("-4.00") and fee.bank_reference == receipt.bank_reference
    assert "Incasari persoane juridice" in fee.remittance_info  # free text: full-width lines join directly
    # A debit: the beneficiary is the counterparty.
    assert payment.amount == Decimal("-1190.00")
    assert (payment.counterparty_name, payment.counterparty_iban, payment.counterparty_cui) == (
        "BETA LOGISTIC SA",
        "RO02RNCB0300000777660001",
        "1590082",
    )
    assert payment.remittance_info == "plata factura BL 7781"
    assert "garantare" in st.information


def test_brd_plus_subfields_and_crlf() -> None:
    st = only("brd.txt")
    assert st.bank == "brd" and st.sequence == "00021/1"
    receipt, fee = st.lines
    assert receipt.amount == Decimal("1500.00")
    assert (receipt.counterparty_name, receipt.counterparty_iban, receipt.counterparty_cui) == (
        "GAMA FOODS SRL",
        "RO66BACX0000001234567890",
        "6859662",
    )
    assert receipt.remittance_info == "PLATA FCT 123"  # +23, not the booking text +20 "Plata"
    assert receipt.customer_reference == "OPH1201" and receipt.bank_reference is None
    assert fee.amount == Decimal("-2.50") and fee.transaction_code == "NCOM"
    assert fee.remittance_info == "25-Comision MULTIX"


def test_banca_transilvania_free_text_in_a_swift_envelope() -> None:
    st = only("bt.txt")
    assert st.bank == "bt" and st.statement_id == "029RONCRT001234"
    receipt, payment, fee = st.lines
    assert receipt.counterparty_name == "DELTA SERVICII SRL"
    assert receipt.counterparty_iban == "RO88INGB0001000055554444"
    assert receipt.counterparty_cui == "16341004"
    assert receipt.remittance_info == "contravaloare factura DSV 0099 si DSV 0100"
    assert receipt.bank_reference == "139ZEXA2600001AB"
    assert payment.amount == Decimal("-820.00") and payment.counterparty_name == "EPSILON TRADE SRL"
    assert payment.remittance_info == "/ROC/Cvf 5512 din 01.03.2026."
    assert fee.amount == Decimal("-0.51") and fee.remittance_info == "Comision plata OP"
    assert fee.bank_reference == payment.bank_reference  # BT repeats it on the fee too


def test_ing_tilde_subfields_with_funds_code_and_cut_iban() -> None:
    st = only("ing.txt")
    assert st.bank == "ing" and st.account_iban == "RO21INGB0000999901234567"
    receipt, payment = st.lines
    assert receipt.amount == Decimal("4760.00") and receipt.booking_date == date(2026, 4, 10)
    assert receipt.counterparty_name == "ALFA CONSTRUCT SRL"
    assert receipt.counterparty_iban == "RO19BTRLRONCRT0999888701"  # "~33RO19" + "BTRL..." on the next line
    assert "FACTURA NR. GEN-0051" in receipt.remittance_info
    assert receipt.bank_reference == "RE20260410-0001"
    assert payment.amount == Decimal("-300.00") and payment.counterparty_name == "GAMA FOODS SRL"
    assert payment.transaction_code == "NMSC"
    assert "IBAN NO" in st.information


def test_raiffeisen_question_mark_subfields_sepa_keywords_and_reversal() -> None:
    st = only("raiffeisen.sta")
    assert st.bank == "raiffeisen" and st.account_iban == "RO54RZBR0000060012345678"
    receipt, reversal, fee = st.lines
    assert receipt.end_to_end_id == "E2E-2026-0001"
    assert receipt.remittance_info == "Factura EPS 2026/118 si EPS 2026/119"
    assert receipt.counterparty_name == "EPSILON TRADE SRL"
    assert receipt.counterparty_iban == "RO47RZBR0000060098765432"
    # RC = reversal of a credit: the money goes back out.
    assert reversal.reversal and reversal.amount == Decimal("-150.00")
    assert reversal.counterparty_name == "BETA LOGISTIC SA"
    assert fee.amount == Decimal("-12.00") and fee.remittance_info == "Comision administrare cont"
    assert st.opening.amount + sum(line.amount for line in st.lines) == st.closing.amount


def test_reversal_of_a_debit_brings_money_in_and_entry_date_crosses_the_year() -> None:
    text = (
        ":20:X1\n:25:RO54RZBR0000060012345678\n:60F:C251231RON100,00\n"
        ":61:2512310102RD25,00NTRFNONREF//R1\n:86:Storno plata\n"
        ":61:2601021231D5,00NCHGNONREF//R2\n"
        ":62F:C260102RON120,00\n"
    )
    first, second = parse_statement_file(text.encode()).statements[0].lines
    assert first.amount == Decimal("25.00") and first.reversal
    assert (first.value_date, first.booking_date) == (date(2025, 12, 31), date(2026, 1, 2))
    assert (second.value_date, second.booking_date) == (date(2026, 1, 2), date(2025, 12, 31))
    assert second.remittance_info == ""


def test_several_statements_in_one_file_and_windows_1250_cedillas_made_commas() -> None:
    one = ":20:A\n:25:RO54RZBR0000060012345678\n:60F:C260101RON0,00\n:62F:C260101RON0,00\n"
    two = (
        ":20:B\n:25:RO54RZBR0000060012345678\n:60F:C260102RON0,00\n"
        ":61:260102C10,00NTRFNONREF//Z1\n:86:Încasare factură Ţară şi\n:62F:C260102RON10,00\n"
    )
    parsed = parse_statement_file((one + two).encode("cp1250"))
    assert [s.statement_id for s in parsed.statements] == ["A", "B"]
    assert parsed.statements[0].lines == ()
    assert parsed.statements[1].lines[0].remittance_info == "Încasare factură Țară și"


def test_format_is_detected() -> None:
    assert detect_format(sample("bcr.sta")) is StatementFormat.MT940
    assert detect_format(sample("camt053_v02.xml")) is StatementFormat.CAMT053


@pytest.mark.parametrize("name", ["bcr.sta", "brd.txt", "bt.txt", "ing.txt", "raiffeisen.sta"])
def test_every_sample_adds_up(name: str) -> None:
    st = only(name)
    assert st.opening.amount + st.movements == st.closing.amount
    assert all(line.currency == "RON" for line in st.lines)
