"""Rows of a period streamed from the database into the D406 writer's records, with the totals up front.

Every stream is one query read through a server-side cursor (``yield_per``: a PostgreSQL named
cursor, SQLite's lazy cursor), grouped in Python as it goes, so memory does not grow with the
period. Each has an aggregate twin over the same WHERE (``*_totals``); the caller runs both in one
transaction, so the totals the XSD puts before the rows are those of the rows (docs/saft-d406.md).

* GeneralLedgerEntries: posted entries of the period by journal, date and number, with their
  lines; the tax code of a VAT line comes from its treatment and rate (``domain.tax_code_for``),
  the VAT closing note is 380200, lines without tax relevance 000/000000 (rule S.TI.1).
* SalesInvoices / PurchaseInvoices: issued and received documents of the read model (cancelled
  ones left out), their lines, and the accounts their ledger entry used (411x/401x, 70x/6xx per
  VAT treatment).
* Payments: posted bank and cash entries that touch a customer or supplier account.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import NO_TAX_CODE, RATES_2025_08, VAT_CLOSING_CODE, tax_code_for
from genius.fiscal.ro.saft.model import (
    NO_TAX,
    ZERO_RON,
    Address,
    Amount,
    Analysis,
    Invoice,
    InvoiceLine,
    Journal,
    Payment,
    PaymentLine,
    SectionTotals,
    Settlement,
    Side,
    TaxInformation,
    Transaction,
    TransactionLine,
)
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


def _stream(conn: Connection, query: sa.Select[Any], batch: int) -> Iterator[Any]:
    """The rows of ``query`` through a server-side cursor, ``batch`` rows per round trip.

    A reader thread fetching ahead was tried and dropped: with the writer and the pre-validation
    already sharing the GIL it added CPU (+18 % on SQLite) and gained no wall time on PostgreSQL.
    """
    with conn.execution_options(yield_per=batch).execute(query) as result:
        yield from result


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


def _window(first: date, last: date) -> Any:
    e = t.entries.c
    return (e.status == "posted") & (e.entry_date >= first) & (e.entry_date <= last)


def _amount(value: Decimal, currency: str, currency_amount: int | None, rate_text: str | None) -> Amount:
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


# -- GeneralLedgerEntries ---------------------------------------------------------------------------
def ledger_totals(conn: Connection, first: date, last: date) -> SectionTotals:
    e, line = t.entries.c, t.lines.c
    row = conn.execute(
        sa.select(
            sa.func.count(sa.distinct(e.id)),
            sa.func.coalesce(sa.func.sum(line.debit), 0),
            sa.func.coalesce(sa.func.sum(line.credit), 0),
        )
        .select_from(t.lines.join(t.entries, e.id == line.entry_id))
        .where(_window(first, last))
    ).one()
    return SectionTotals(int(row[0]), bani(row[1]), bani(row[2]))


def _ledger_query(first: date, last: date) -> sa.Select[Any]:
    """One row per line, in the order the file lists them; the columns are unpacked by position."""
    e, line, a = t.entries.c, t.lines.c, t.accounts.c
    p, d = st.partners.c, st.documents.c
    return (
        sa.select(
            e.id,
            e.journal,
            e.number,
            e.entry_date,
            e.description,
            e.source_type,
            e.source_number,
            sa.func.coalesce(e.approved_by, e.created_by, "genius"),
            e.posted_at,
            line.id,
            a.saft_account_id,
            a.synthetic,
            line.partner_id,
            line.debit,
            line.credit,
            line.currency,
            line.currency_amount,
            line.exchange_rate,
            line.description,
            line.vat_treatment,
            line.vat_rate,
            line.vat_role,
            line.cost_centre,
            line.project,
            p.saft_id,
            d.buyer_saft_id,
        )
        .select_from(
            t.lines.join(t.entries, e.id == line.entry_id)
            .join(t.accounts, a.code == line.account)
            .outerjoin(st.partners, p.partner_id == line.partner_id)
            # Only a one-off buyer's receivable line (no partner) needs its document's buyer ID.
            .outerjoin(st.documents, (d.id == e.source_id) & line.partner_id.is_(None))
        )
        .where(_window(first, last))
        .order_by(e.journal, e.entry_date, e.number, line.line_no)
    )


class _TaxCodes:
    """Tax codes by (treatment, rate, after 1 Aug 2025), computed once each."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str | None, bool], str] = {}

    def code(self, treatment: str, rate: str | None, on: date) -> str:
        key = (treatment, rate, on >= RATES_2025_08)
        found = self._codes.get(key)
        if found is None:
            found = self._codes[key] = tax_code_for(treatment, Decimal(rate) if rate else None, on)
        return found


class _Roles(dict[str, str | None]):
    """``partner_role`` by synthetic account, computed once each."""

    def __missing__(self, synthetic: str) -> str | None:
        role = self[synthetic] = partner_role(synthetic)
        return role


def _transaction(rows: list[Any], own_id: str, codes: _TaxCodes, roles: _Roles) -> Transaction:
    """One entry's rows (``_ledger_query`` columns) as a D406 Transaction with its lines."""
    (_, _, number, day, text, source_type, source_number, user, posted_at) = rows[0][:9]
    closing = source_type == VAT_CLOSING_SOURCE
    document = source_number[:35] if source_number and source_type in DOCUMENT_SOURCES else None
    # Base of each VAT group (treatment, rate) for its tax lines' TaxBase, and the groups taxed.
    bases: dict[tuple[str, str | None], Decimal] = {}
    taxed: set[tuple[str, str | None]] = set()
    for r in rows:
        if r[19]:
            key = (r[19], r[20])
            if r[21] == "base":
                bases[key] = bases.get(key, ZERO) + bani(r[13] or r[14])
            elif r[21] == "tax":
                taxed.add(key)
    customer = supplier = own_id
    lines = []
    for r in rows:
        (line_id, account, synthetic, partner, debit, credit, currency, foreign, rate_text, line_text,
         treatment, vat_rate, vat_role, cost_centre, project, partner_saft, buyer) = r[9:]  # fmt: skip
        if debit:
            side, value = Side.DEBIT, bani(debit)
        else:
            side, value = Side.CREDIT, bani(credit)
        line_customer = line_supplier = own_id
        role = roles[synthetic]
        if role is not None:
            pid = partner_saft or (buyer if partner is None else None)
            if pid:
                if role == "customer":
                    line_customer = customer = pid
                else:
                    line_supplier = supplier = pid
        tax = NO_TAX
        if closing and synthetic.startswith("442"):
            tax = TaxInformation("300", VAT_CLOSING_CODE, Amount(value))
        elif treatment:
            key = (treatment, vat_rate)
            code = codes.code(treatment, vat_rate, day)
            percent = Decimal(vat_rate) if vat_rate else None
            if vat_role == "tax":
                tax = TaxInformation(
                    _type(code), code, Amount(value), percentage=percent, base=bases.get(key)
                )
            elif vat_role == "base" and key not in taxed:
                # A supply without VAT (intra-EU, export, exempt): the code and base on the base line.
                tax = TaxInformation(_type(code), code, ZERO_RON, percentage=percent, base=value)
        analysis: tuple[Analysis, ...] = ()
        if cost_centre or project:
            analysis = tuple(
                Analysis(kind, str(v)[:35]) for kind, v in (("CC", cost_centre), ("PR", project)) if v
            )
        lines.append(
            TransactionLine(
                str(line_id),
                account,
                line_customer,
                line_supplier,
                (line_text or text or "-")[:256],
                side,
                Amount(value) if currency == "RON" else _amount(value, currency, foreign, rate_text),
                (tax,),
                analysis,
                None,
                document,
            )
        )
    return Transaction(
        transaction_id=number[:70],
        period=day.month,
        period_year=day.year,
        transaction_date=day,
        description=(text or "-")[:256],
        system_entry_date=posted_at.date() if posted_at is not None else day,
        gl_posting_date=day,
        customer_id=customer,
        supplier_id=supplier,
        lines=tuple(lines),
        source_id=user[:35],
    )


def _entries(rows: Iterable[Any]) -> Iterator[list[Any]]:
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


def journals(
    conn: Connection,
    first: date,
    last: date,
    own_id: str,
    tick: Tick | None = None,
    batch: int = STREAM_BATCH,
) -> Iterator[Journal]:
    """The period's journals, each with its transactions streamed (read each before the next)."""
    names = {r.code: (r.name, r.kind) for r in conn.execute(sa.select(t.journals))}
    codes, roles = _TaxCodes(), _Roles()
    rows = _stream(conn, _ledger_query(first, last), batch)

    def transactions(group: Iterator[list[Any]]) -> Iterator[Transaction]:
        for entry_rows in group:
            if tick is not None:
                tick(1)
            yield _transaction(entry_rows, own_id, codes, roles)

    for code, group in itertools.groupby(_entries(rows), key=lambda entry: entry[0][1]):
        name, kind = names.get(code, (code, "general"))
        yield Journal(code, name[:256], kind[:9], transactions(group))


# -- SalesInvoices ----------------------------------------------------------------------------------
SALES_SOURCES = ("sales_invoice", "sales_credit_note")
PURCHASE_SOURCES = ("supplier_invoice",)


def _type(code: str) -> str:
    """TaxType of a tax code: 000 for 000000 (no tax), 300 (VAT) for every other code used here."""
    return "000" if code == NO_TAX_CODE else "300"


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
            d.issue_date,
            d.tax_point_date,
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
    currency, tax_point = head.currency, head.tax_point_date
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
                (TaxInformation(_type(code), code, Amount(bani(vat_bani)), percentage=percent, base=value),),
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
        invoice_date=head.issue_date,
        lines=tuple(lines),
        invoice_type=head.type_code,
        period=head.issue_date.month,
        period_year=head.issue_date.year,
        gl_posting_date=head.issue_date,
        transaction_id=head.entry_number,
    )


def sales_invoices(
    conn: Connection, first: date, last: date, tick: Tick | None = None, batch: int = STREAM_BATCH
) -> Iterator[Invoice]:
    """Issued invoices and credit notes of the period (lines on the credit side)."""
    rows = _stream(conn, _invoice_query(first, last, SALES_SOURCES), batch)
    for group in _entries(rows):
        if tick is not None:
            tick(1)
        yield _invoice(group, Side.CREDIT)


def purchase_invoices(
    conn: Connection, first: date, last: date, tick: Tick | None = None, batch: int = STREAM_BATCH
) -> Iterator[Invoice]:
    """Received supplier invoices and credit notes of the period (lines on the debit side)."""
    rows = _stream(conn, _invoice_query(first, last, PURCHASE_SOURCES), batch)
    for group in _entries(rows):
        if tick is not None:
            tick(1)
        yield _invoice(group, Side.DEBIT)


# -- Payments ---------------------------------------------------------------------------------------
def _payment_filter(first: date, last: date) -> Any:
    e, j = t.entries.c, t.journals.c
    inner, acc = t.lines.alias("pl"), t.accounts.alias("pa")
    touches_partner = (
        sa.select(sa.literal(1))
        .select_from(inner.join(acc, acc.c.code == inner.c.account))
        .where(
            inner.c.entry_id == e.id,
            sa.func.substr(acc.c.synthetic, 1, 2).in_(("40", "41")),
        )
        .exists()
    )
    treasury = sa.select(j.code).where(j.kind.in_(TREASURY_KINDS))
    return _window(first, last) & e.journal.in_(treasury) & touches_partner


def payment_totals(conn: Connection, first: date, last: date) -> SectionTotals:
    e, line = t.entries.c, t.lines.c
    row = conn.execute(
        sa.select(
            sa.func.count(sa.distinct(e.id)),
            sa.func.coalesce(sa.func.sum(line.debit), 0),
            sa.func.coalesce(sa.func.sum(line.credit), 0),
        )
        .select_from(t.lines.join(t.entries, e.id == line.entry_id))
        .where(_payment_filter(first, last))
    ).one()
    return SectionTotals(int(row[0]), bani(row[1]), bani(row[2]))


def payments(
    conn: Connection,
    first: date,
    last: date,
    own_id: str,
    tick: Tick | None = None,
    batch: int = STREAM_BATCH,
) -> Iterator[Payment]:
    e, line, a, j, p = t.entries.c, t.lines.c, t.accounts.c, t.journals.c, st.partners.c
    query = (
        sa.select(
            e.id,
            e.number,
            e.entry_date,
            e.description,
            j.kind,
            line.line_no,
            a.saft_account_id,
            a.synthetic,
            p.saft_id.label("partner_saft_id"),
            line.debit,
            line.credit,
            line.currency,
            line.currency_amount,
            line.exchange_rate,
            line.description.label("line_description"),
        )
        .select_from(
            t.lines.join(t.entries, e.id == line.entry_id)
            .join(t.journals, j.code == e.journal)
            .join(t.accounts, a.code == line.account)
            .outerjoin(st.partners, p.partner_id == line.partner_id)
        )
        .where(_payment_filter(first, last))
        .order_by(e.entry_date, e.number, line.line_no)
    )
    rows = _stream(conn, query, batch)
    roles = _Roles()
    for group in _entries(rows):
        if tick is not None:
            tick(1)
        head = group[0]
        method, mechanism = PAYMENT_MEANS.get(head.kind, ("99", None))
        lines = []
        for r in group:
            (line_no, account, synthetic, partner_saft, debit, credit, currency, foreign, rate_text,
             line_text) = r[5:]  # fmt: skip
            side, value = (Side.DEBIT, bani(debit)) if debit else (Side.CREDIT, bani(credit))
            customer = supplier = own_id
            role = roles[synthetic]
            if role == "customer" and partner_saft:
                customer = partner_saft
            elif role == "supplier" and partner_saft:
                supplier = partner_saft
            lines.append(
                PaymentLine(
                    account,
                    customer,
                    supplier,
                    side,
                    Amount(value) if currency == "RON" else _amount(value, currency, foreign, rate_text),
                    (NO_TAX,),
                    line_number=str(line_no),
                    description=line_text[:256] if line_text else None,
                )
            )
        yield Payment(
            payment_ref_no=head.number[:35],
            transaction_date=head.entry_date,
            payment_method=method,
            description=(head.description or "-")[:256],
            lines=tuple(lines),
            period=head.entry_date.month,
            period_year=head.entry_date.year,
            transaction_id=head.number[:70],
            settlement=Settlement(payment_mechanism=mechanism) if mechanism else None,
        )
