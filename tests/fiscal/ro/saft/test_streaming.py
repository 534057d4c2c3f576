"""The writer streams: rows flow from a generator to the output without being kept in memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from genius.fiscal.ro.saft import write_d406
from genius.fiscal.ro.saft.model import (
    NO_TAX,
    Amount,
    GeneralLedgerEntries,
    Journal,
    SectionTotals,
    Side,
    Transaction,
    TransactionLine,
)
from tests.fiscal.ro.saft import sample

LINES = 200_000
PER_TRANSACTION = 4
# Structural bound, not a timing: Python-side memory must not grow with the number of lines.
PEAK_LIMIT = 20 * 1024 * 1024


class CountingSink:
    """A binary file that keeps only how many bytes it received."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def _transactions(count: int, sink: CountingSink, progress: list[int]) -> Iterator[Transaction]:
    day = date(2025, 9, 15)
    sale, vat = Amount.ron(Decimal("100.00")), Amount.ron(Decimal("21.00"))
    for index in range(count):
        if index == count // 2:
            progress.append(sink.size)  # bytes already written when half of the rows were read
        lines = (
            TransactionLine(
                "1",
                "4111",
                sample.CUSTOMER_RO,
                sample.OWN,
                "Factura",
                Side.DEBIT,
                Amount.ron(Decimal("121.00")),
                (NO_TAX,),
            ),
            TransactionLine("2", "707", sample.OWN, sample.OWN, "Factura", Side.CREDIT, sale, (NO_TAX,)),
            TransactionLine("3", "4427", sample.OWN, sample.OWN, "Factura", Side.CREDIT, vat, (NO_TAX,)),
            TransactionLine(
                "4",
                "5121",
                sample.OWN,
                sample.OWN,
                "Factura",
                Side.DEBIT,
                Amount.ron(Decimal("0.00")),
                (NO_TAX,),
            ),
        )
        yield Transaction(
            f"T{index}", 9, 2025, day, "Factura", day, day, sample.CUSTOMER_RO, sample.OWN, lines
        )


@pytest.mark.slow
def test_two_hundred_thousand_lines_in_bounded_memory() -> None:
    header, master, _, _ = sample.monthly()
    transactions = LINES // PER_TRANSACTION
    sink = CountingSink()
    progress: list[int] = []
    totals = SectionTotals(transactions, Decimal("121.00") * transactions, Decimal("121.00") * transactions)
    entries = GeneralLedgerEntries(
        totals, [Journal("VZ", "Vânzări", "VZ", _transactions(transactions, sink, progress))]
    )
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        summary = write_d406(sink, header, master, entries)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.transaction_lines == LINES
    assert peak - before < PEAK_LIMIT, f"peak grew by {(peak - before) / 1e6:.1f} MB"
    # Streaming, not buffering: half of the output was already written at half of the rows.
    assert progress and progress[0] > sink.size * 0.4
