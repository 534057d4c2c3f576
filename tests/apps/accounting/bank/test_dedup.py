"""Dedup keys: a bank reference reused for a fee, identical lines without reference, formats agreeing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from genius.apps.accounting.bank.domain.dedup import line_keys
from genius.fiscal.ro.bankstatements import StatementLine

IBAN = "RO74RNCB0082000123450001"
BASE = StatementLine(date(2026, 1, 15), date(2026, 1, 15), Decimal("2380.00"), "RON", bank_reference="R1",
                     transaction_code="NTRF")  # fmt: skip


def test_a_fee_sharing_the_transfers_reference_is_another_line() -> None:
    fee = replace(BASE, amount=Decimal("-4.00"), transaction_code="NCOM")
    first, second = line_keys(IBAN, [BASE, fee])
    assert first != second


def test_identical_lines_without_reference_are_distinct_and_stable() -> None:
    fee = StatementLine(
        date(2026, 1, 15), date(2026, 1, 15), Decimal("-4.00"), "RON", remittance_info="Comision"
    )
    keys = line_keys(IBAN, [fee, fee])
    assert len(set(keys)) == 2
    assert line_keys(IBAN, [fee, fee]) == keys  # the same statement again: the same keys
    assert line_keys(IBAN, [fee]) == keys[:1]  # an overlapping statement holding one of them


def test_keys_depend_on_the_account_and_not_on_amount_formatting() -> None:
    assert line_keys(IBAN, [BASE]) != line_keys("RO76BRDE450SV12345674500", [BASE])
    assert line_keys(IBAN, [BASE]) == line_keys(IBAN, [replace(BASE, amount=Decimal("2380.0"))])
