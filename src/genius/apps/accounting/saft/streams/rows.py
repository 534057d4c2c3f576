"""What the D406 streams share: the cursor, amounts in bani, partner roles, grouping by entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft.domain import NO_TAX_CODE
from genius.fiscal.ro.saft.model import Amount, SectionTotals
from genius.kernel.money import round_money

# Rows per round trip of the server-side cursor: 500, 2,000 and 10,000 cost about the same time
# (200k lines on SQLite: 9.8, 9.1, 8.8 s CPU) and 99, 102, 115 MB peak; see docs/benchmarks.md.
STREAM_BATCH = 2_000
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
VAT_CLOSING_SOURCE = "vat_closing"
DOCUMENT_SOURCES = ("sales_invoice", "sales_credit_note", "supplier_invoice")
TREASURY_KINDS = ("bank", "cash")
# PaymentMethod / PaymentMechanism by journal kind (pairs of DUK's list: 42 -> 03, 10 -> 01).
PAYMENT_MEANS = {"bank": ("03", "42"), "cash": ("01", "10")}
Tick = Callable[[int], None]


def stream_rows(conn: Connection, query: sa.Select[Any], batch: int) -> Iterator[Any]:
    """The rows of ``query`` through a server-side cursor, ``batch`` rows per round trip.

    A reader thread fetching ahead was tried and dropped: with the writer and the pre-validation
    already sharing the GIL it added CPU (+18 % on SQLite) and gained no wall time on PostgreSQL.
    Rows are taken a batch at a time (``partitions``): iterating the result row by row runs
    SQLAlchemy's buffered ``fetchone`` in Python for every row.
    """
    # On the statement, not the connection: Connection.execution_options changes the connection
    # in place, and every later query on it would run through a server-side cursor.
    with conn.execute(query.execution_options(yield_per=batch)) as result:
        for rows in result.partitions():
            yield from rows


def raw(column: Any) -> Any:
    """``column`` as the driver returns it (SQLite: ISO text; PostgreSQL: a date or datetime), same SQL.

    SQLAlchemy converts SQLite's date texts on every row, that is on every journal line; the
    streams convert a document's date once with ``day`` (200k lines on SQLite: about a quarter
    less CPU fetching the ledger, see docs/benchmarks.md).
    """
    return sa.type_coerce(column, sa.String).label(column.name)


def day(value: date | datetime | str) -> date:
    """The date of a ``raw`` Date or DateTime column's value (a DateTime's date part as stored)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    return value


def bani(value: int | None) -> Decimal:
    """Integer bani as lei with exactly two decimals (what the writer's fast path expects)."""
    return Decimal(int(value or 0)).scaleb(-2)


def partner_role(synthetic: str) -> str | None:
    """``customer`` on receivable accounts (41x, 461), ``supplier`` on payables (40x, 462)."""
    if synthetic.startswith("41") or synthetic.startswith("461"):
        return "customer"
    if synthetic.startswith("40") or synthetic.startswith("462"):
        return "supplier"
    return None


def posted_in(first: date, last: date) -> Any:
    e = t.entries.c
    return (e.status == "posted") & (e.entry_date >= first) & (e.entry_date <= last)


def entry_totals(conn: Connection, where: Any) -> SectionTotals:
    """Entries matching ``where`` counted, with the debits and credits of their lines in lei."""
    e, line = t.entries.c, t.lines.c
    row = conn.execute(
        sa.select(
            sa.func.count(sa.distinct(e.id)),
            sa.func.coalesce(sa.func.sum(line.debit), 0),
            sa.func.coalesce(sa.func.sum(line.credit), 0),
        )
        .select_from(t.lines.join(t.entries, e.id == line.entry_id))
        .where(where)
    ).one()
    return SectionTotals(int(row[0]), bani(row[1]), bani(row[2]))


def foreign_amount(
    value: Decimal, currency: str, currency_amount: int | None, rate_text: str | None
) -> Amount:
    """Amount in lei, with the currency only when DUK's Amount = round(CurrencyAmount x rate) holds.

    Postings put BT-111 rounding on the largest VAT line and make the receivable the sum of the
    others, so a few foreign-currency lines are not the product of their currency amount and rate;
    those are written in lei alone rather than with a pair DUK would reject.
    """
    if currency == "RON" or currency_amount is None or not rate_text:
        return Amount(value)
    rate = Decimal(rate_text)
    foreign = bani(currency_amount)
    if rate.quantize(RATE_PLACES) != rate or round_money(foreign * rate) != value:
        return Amount(value)
    return Amount(value, currency, foreign, rate)


def tax_type(code: str) -> str:
    """TaxType of a tax code: 000 for 000000 (no tax), 300 (VAT) for every other code used here."""
    return "000" if code == NO_TAX_CODE else "300"


class PartnerRoles(dict[str, str | None]):
    """``partner_role`` by synthetic account, computed once each."""

    def __missing__(self, synthetic: str) -> str | None:
        role = self[synthetic] = partner_role(synthetic)
        return role


def entry_groups(rows: Iterable[Any]) -> Iterator[list[Any]]:
    """Consecutive rows of one entry (the query orders by entry) as one list."""
    batch: list[Any] = []
    current = None
    for row in rows:
        if row[0] != current:
            if batch:
                yield batch
            batch = []
            current = row[0]
        batch.append(row)
    if batch:
        yield batch
