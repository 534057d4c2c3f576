"""GeneralLedgerEntries: posted entries of the period by journal, date and number, with their lines.

The tax code of a VAT line comes from its treatment and rate (``domain.tax_code_for``), the VAT
closing note is 380200, lines without tax relevance 000/000000 (rule S.TI.1).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import RATES_2025_08, VAT_CLOSING_CODE, tax_code_for
from genius.apps.accounting.saft.streams.rows import (
    DOCUMENT_SOURCES,
    STREAM_BATCH,
    VAT_CLOSING_SOURCE,
    ZERO,
    PartnerRoles,
    Tick,
    bani,
    day,
    entry_groups,
    entry_totals,
    foreign_amount,
    posted_in,
    raw,
    stream_rows,
    tax_type,
)
from genius.fiscal.ro.saft.model import (
    NO_TAX,
    ZERO_RON,
    Amount,
    Analysis,
    Journal,
    SectionTotals,
    Side,
    TaxInformation,
    Transaction,
    TransactionLine,
)


def ledger_totals(conn: Connection, first: date, last: date) -> SectionTotals:
    return entry_totals(conn, posted_in(first, last))


def _ledger_query(first: date, last: date) -> sa.Select[Any]:
    """One row per line, in the order the file lists them; the columns are unpacked by position."""
    e, line, a = t.entries.c, t.lines.c, t.accounts.c
    p, d = st.partners.c, st.documents.c
    return (
        sa.select(
            e.id,
            e.journal,
            e.number,
            raw(e.entry_date),
            e.description,
            e.source_type,
            e.source_number,
            sa.func.coalesce(e.approved_by, e.created_by, "genius"),
            raw(e.posted_at),
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
        .where(posted_in(first, last))
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


def _transaction(rows: list[Any], own_id: str, codes: _TaxCodes, roles: PartnerRoles) -> Transaction:
    """One entry's rows (``_ledger_query`` columns) as a D406 Transaction with its lines."""
    (_, _, number, entry_date, text, source_type, source_number, user, posted_at) = rows[0][:9]
    on = day(entry_date)
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
            code = codes.code(treatment, vat_rate, on)
            percent = Decimal(vat_rate) if vat_rate else None
            if vat_role == "tax":
                tax = TaxInformation(
                    tax_type(code), code, Amount(value), percentage=percent, base=bases.get(key)
                )
            elif vat_role == "base" and key not in taxed:
                # A supply without VAT (intra-EU, export, exempt): the code and base on the base line.
                tax = TaxInformation(tax_type(code), code, ZERO_RON, percentage=percent, base=value)
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
                Amount(value) if currency == "RON" else foreign_amount(value, currency, foreign, rate_text),
                (tax,),
                analysis,
                None,
                document,
            )
        )
    return Transaction(
        transaction_id=number[:70],
        period=on.month,
        period_year=on.year,
        transaction_date=on,
        description=(text or "-")[:256],
        system_entry_date=day(posted_at) if posted_at is not None else on,
        gl_posting_date=on,
        customer_id=customer,
        supplier_id=supplier,
        lines=tuple(lines),
        source_id=user[:35],
    )


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
    codes, roles = _TaxCodes(), PartnerRoles()
    rows = stream_rows(conn, _ledger_query(first, last), batch)

    def transactions(group: Iterator[list[Any]]) -> Iterator[Transaction]:
        for entry_rows in group:
            if tick is not None:
                tick(1)
            yield _transaction(entry_rows, own_id, codes, roles)

    for code, group in itertools.groupby(entry_groups(rows), key=lambda entry: entry[0][1]):
        name, kind = names.get(code, (code, "general"))
        yield Journal(code, name[:256], kind[:9], transactions(group))
