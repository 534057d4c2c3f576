"""SalesInvoices / PurchaseInvoices: issued and received documents of the read model.

Cancelled documents are left out; each carries its lines and the accounts its ledger entry used
(411x/401x, 70x/6xx per VAT treatment).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.streams.rows import (
    STREAM_BATCH,
    Tick,
    bani,
    day,
    entry_groups,
    raw,
    stream_rows,
    tax_type,
)
from genius.fiscal.ro.saft.model import (
    Address,
    Amount,
    Invoice,
    InvoiceLine,
    SectionTotals,
    Side,
    TaxInformation,
)
from genius.kernel.money import round_money

SALES_SOURCES = ("sales_invoice", "sales_credit_note")
PURCHASE_SOURCES = ("supplier_invoice",)


def _issued(first: date, last: date, sources: tuple[str, ...]) -> Any:
    d = st.documents.c
    return (
        (d.status == "issued") & (d.issue_date >= first) & (d.issue_date <= last) & d.source_type.in_(sources)
    )


def invoice_totals(conn: Connection, first: date, last: date, *, purchases: bool = False) -> SectionTotals:
    """SalesInvoices (credit side) or PurchaseInvoices (debit side): documents and their net in lei."""
    d, dl = st.documents.c, st.document_lines.c
    row = conn.execute(
        sa.select(sa.func.count(sa.distinct(d.id)), sa.func.coalesce(sa.func.sum(dl.net_bani), 0))
        .select_from(st.document_lines.join(st.documents, d.id == dl.document_id))
        .where(_issued(first, last, PURCHASE_SOURCES if purchases else SALES_SOURCES))
    ).one()
    if purchases:
        return SectionTotals(int(row[0]), bani(row[1]), Decimal("0.00"))
    return SectionTotals(int(row[0]), Decimal("0.00"), bani(row[1]))


def _invoice_query(first: date, last: date, sources: tuple[str, ...]) -> sa.Select[Any]:
    d, dl = st.documents.c, st.document_lines.c
    line, a = t.lines.c, t.accounts.c
    entry = t.entries.alias("entry")
    entry_account = (
        sa.select(a.saft_account_id)
        .select_from(t.lines.join(t.accounts, a.code == line.account))
        .where(line.entry_id == entry.c.id)
    )
    receivable = (
        entry_account.where(line.vat_role.is_(None)).order_by(line.line_no).limit(1).scalar_subquery()
    )
    revenue = (
        entry_account.where(line.vat_role == "base", line.vat_treatment == dl.vat_treatment)
        .order_by(line.line_no)
        .limit(1)
        .scalar_subquery()
    )
    return (
        sa.select(
            d.id,
            d.number,
            d.type_code,
            raw(d.issue_date),
            raw(d.tax_point_date),
            d.currency,
            d.exchange_rate,
            d.buyer_saft_id,
            d.street,
            d.city,
            d.postal_code,
            d.region,
            d.country_code,
            d.corrected_number,
            entry.c.number.label("entry_number"),
            receivable.label("receivable_account"),
            dl.line_no,
            dl.line_ref,
            dl.description,
            dl.product_code,
            dl.quantity,
            dl.unit_code,
            dl.unit_price,
            dl.net_amount,
            dl.net_bani,
            dl.vat_rate,
            dl.vat_bani,
            dl.tax_code,
            dl.goods_services,
            revenue.label("revenue_account"),
        )
        .select_from(
            st.document_lines.join(st.documents, d.id == dl.document_id).outerjoin(
                entry,
                (entry.c.source_type == d.source_type)
                & (entry.c.source_id == d.id)
                & (entry.c.status == "posted")
                & entry.c.reverses.is_(None),
            )
        )
        .where(_issued(first, last, sources))
        .order_by(d.issue_date, d.number, dl.line_no)
    )


def _invoice(rows: list[Any], side: Side) -> Invoice:
    head = rows[0]
    rate = Decimal(head.exchange_rate) if head.exchange_rate else None
    currency, tax_point = head.currency, day(head.tax_point_date)
    issued = day(head.issue_date)
    reference = head.corrected_number if head.type_code == "381" else None
    lines = []
    for r in rows:
        (line_no, line_ref, text, product, quantity, unit, price, net, net_bani, vat_rate, vat_bani, code,
         goods, revenue) = r[16:]  # fmt: skip
        value = bani(net_bani)
        amount = (
            Amount(value, currency, Decimal(net), rate)
            if rate is not None and round_money(Decimal(net) * rate) == value
            else Amount(value)
        )
        percent = Decimal(vat_rate) if vat_rate else None
        lines.append(
            InvoiceLine(
                revenue or "",
                Decimal(quantity),
                Decimal(price),
                tax_point,
                text[:256],
                amount,
                side,
                (
                    TaxInformation(
                        tax_type(code), code, Amount(bani(vat_bani)), percentage=percent, base=value
                    ),
                ),
                line_number=(line_ref or str(line_no))[:35],
                product_code=product or None,
                uom=unit,
                goods_services_id=goods,
                credit_note_reference=reference,
            )
        )
    return Invoice(
        invoice_no=head.number,
        partner_id=head.buyer_saft_id,
        billing_address=Address(
            head.city or "-",
            head.country_code,
            street_name=head.street,
            postal_code=head.postal_code,
            region=head.region,
        ),
        account_id=head.receivable_account or "",
        invoice_date=issued,
        lines=tuple(lines),
        invoice_type=head.type_code,
        period=issued.month,
        period_year=issued.year,
        gl_posting_date=issued,
        transaction_id=head.entry_number,
    )


def _documents(
    conn: Connection,
    first: date,
    last: date,
    sources: tuple[str, ...],
    side: Side,
    tick: Tick | None,
    batch: int,
) -> Iterator[Invoice]:
    rows = stream_rows(conn, _invoice_query(first, last, sources), batch)
    for group in entry_groups(rows):
        if tick is not None:
            tick(1)
        yield _invoice(group, side)


def sales_invoices(
    conn: Connection, first: date, last: date, tick: Tick | None = None, batch: int = STREAM_BATCH
) -> Iterator[Invoice]:
    """Issued invoices and credit notes of the period (lines on the credit side)."""
    return _documents(conn, first, last, SALES_SOURCES, Side.CREDIT, tick, batch)


def purchase_invoices(
    conn: Connection, first: date, last: date, tick: Tick | None = None, batch: int = STREAM_BATCH
) -> Iterator[Invoice]:
    """Received supplier invoices and credit notes of the period (lines on the debit side)."""
    return _documents(conn, first, last, PURCHASE_SOURCES, Side.DEBIT, tick, batch)
