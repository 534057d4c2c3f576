"""The directly formatted hot records equal the fragment path's markup, and fall back where they must."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from genius.fiscal.ro.saft.model import (
    NO_TAX,
    Amount,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentLine,
    Settlement,
    Side,
    TaxInformation,
    Transaction,
    TransactionLine,
)
from genius.fiscal.ro.saft.writer import direct, documents, entries
from genius.fiscal.ro.saft.writer.fragment import Emitter, Fragment
from genius.fiscal.ro.saft.writer.markup import Markup
from genius.fiscal.ro.saft.writer.tally import Tally
from tests.fiscal.ro.saft import sample

D = Decimal
EMITTER = Emitter(Markup(io.BytesIO()))
EUR = Amount(D("497.50"), "EUR", D("100.00"), D("4.9750"))


def _transactions() -> list[Transaction]:
    return [item for journal in sample.monthly()[2].journals for item in journal.transactions] + [
        item for journal in sample.quarterly()[2].journals for item in journal.transactions
    ]


def _line_variants(line: TransactionLine) -> list[TransactionLine]:
    vat = TaxInformation("300", "310344", Amount(D("21.00")), percentage=D("21"), base=D("100.00"))
    return [
        line,
        replace(line, source_document_id="FV-0001"),
        replace(line, amount=EUR),
        replace(line, amount=Amount(D("-12.30"))),
        replace(line, amount=Amount(D("-0.00"))),
        replace(line, tax=(vat, NO_TAX)),
        replace(line, tax=(replace(vat, base_description="baza"),)),
        replace(line, description="Brașov ș ț ă î â €"),
        replace(line, description="A & B"),
        replace(line, value_date=date(2025, 9, 1)),
        replace(line, amount=Amount(D("1.005"))),
        replace(line, description="x" * 257),
    ]


def _compare_line(line: TransactionLine) -> str | None:
    fast_tally, slow_tally = Tally("fast"), Tally("slow")
    fast = entries._line_markup(line, "<TransactionLine>", "</TransactionLine>", fast_tally)
    try:
        slow = entries._line(EMITTER, "W", "TransactionLine", line, slow_tally)
    except Exception:
        assert fast is None  # the fast path never writes what the fragment path refuses
        return None
    if fast is not None:
        assert fast == slow
        assert (fast_tally.debit, fast_tally.credit, fast_tally.lines) == (
            slow_tally.debit,
            slow_tally.credit,
            slow_tally.lines,
        )
    return fast


def test_journal_lines_equal_the_fragment_path() -> None:
    taken = 0
    for item in _transactions():
        for line in item.lines:
            for variant in _line_variants(line):
                taken += _compare_line(variant) is not None
    assert taken > 100  # the common forms do take the fast path


def test_lines_the_fast_path_leaves_to_the_fragment_path() -> None:
    line = next(iter(_transactions()[0].lines))
    for variant in (
        replace(line, description="A & B"),
        replace(line, value_date=date(2025, 9, 1)),
        replace(line, tax=(replace(NO_TAX, exemption_reason="art. 292"),)),
        replace(line, amount=Amount(D("1.005"))),
        replace(line, side="X"),  # type: ignore[arg-type]
    ):
        assert entries._line_markup(variant, "<L>", "</L>", Tally("x")) is None


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"source_id": "genius"},
        {"transaction_type": "N", "batch_id": "B1", "system_id": "S1"},
        {"description": "Încasare <factură>"},
        {"period": 13},
        {"source_id": "x" * 36},
    ],
)
def test_transaction_heads_equal_the_fragment_path(change: dict[str, Any]) -> None:
    for item in _transactions():
        item = replace(item, **change)
        fast = entries._head_markup(item)
        try:
            slow = entries._transaction_head(EMITTER, "W", item)
        except Exception:
            assert fast is None
            continue
        assert fast is None or fast == slow
        assert fast is not None or not change or "description" in change


def _invoices() -> list[Invoice]:
    sales, purchases = sample.invoices(2025, 9)
    return list(sales.invoices) + list(purchases.invoices)


def _invoice_line_variants(line: InvoiceLine) -> list[InvoiceLine]:
    return [
        line,
        replace(line, amount=EUR),
        replace(line, credit_note_reference="FV-1", credit_note_reason="retur"),
        replace(line, uom_conversion_factor=D("1.5"), product_description="Marfă", goods_services_id="01"),
        replace(line, unit_price=D("10.125")),
        replace(line, quantity=D("1.1234567")),
        replace(line, description="a > b"),
        replace(line, line_number=None),
    ]


def test_invoices_equal_the_fragment_path() -> None:
    taken = 0
    for invoice in _invoices():
        for head_variant in (invoice, replace(invoice, payment_terms="30 zile", source_id="genius")):
            fast = direct.invoice_head_markup(head_variant, "Customer")
            slow = "<Invoice>" + documents._invoice_head(EMITTER, "W", head_variant, "Customer")
            assert fast is None or fast == slow
            taken += fast is not None
        for line in invoice.lines:
            for variant in _invoice_line_variants(line):
                fast = direct.invoice_line_markup(variant)
                try:
                    slow = documents._invoice_line(EMITTER, "W", variant, 1, Tally("x"))
                except Exception:
                    assert fast is None
                    continue
                assert fast is None or fast == slow
                taken += fast is not None
    assert taken > 20


def test_payments_equal_the_fragment_path() -> None:
    taken = 0
    for payment in sample.payments(2025, 9).payments:
        for head_variant in (payment, replace(payment, batch_id="B", system_id="S", source_id="u")):
            fast = direct.payment_head_markup(head_variant)
            assert fast is None or fast == "<Payment>" + documents._payment_head(EMITTER, "W", head_variant)
            taken += fast is not None
        for line in payment.lines:
            for variant in (
                line,
                replace(line, amount=EUR, source_document_id="FV-1", tax_point_date=date(2025, 9, 2)),
                replace(line, description=None),
            ):
                fast = direct.payment_line_markup(variant)
                assert fast is None or fast == documents._payment_line(EMITTER, "W", variant, 1, Tally("x"))
                taken += fast is not None
    assert taken > 5


def test_a_payment_settlement_with_only_a_mechanism_is_written_as_the_fragment_path_writes_it() -> None:
    payment = Payment(
        "BA-1",
        date(2025, 9, 3),
        "03",
        "Încasare",
        (PaymentLine("5121", sample.OWN, sample.OWN, Side.DEBIT, Amount(D("1.00")), (NO_TAX,)),),
        settlement=Settlement(payment_mechanism="42"),
    )
    assert documents._mechanism_only(payment.settlement) == "42"
    tail = Fragment("W")
    documents._settlement(tail, "PaymentSettlement", payment.settlement, amount_required=False)
    expected = "<PaymentSettlement><PaymentMechanism>42</PaymentMechanism></PaymentSettlement>"
    assert EMITTER.markup(tail) == expected
    assert documents._mechanism_only(Settlement(payment_mechanism="4&2")) is None
    assert documents._mechanism_only(Settlement(amount=Amount(D("1.00")), payment_mechanism="42")) is None
