"""GeneralLedgerAccounts, Customers and Suppliers of a period, with their balances.

* GeneralLedgerAccounts: every account of the summary table (``acc_balances``) up to the period's
  end, with its opening (before the first month) and closing balance.
* Customers / Suppliers: one per partner analytic account (4111.xxxxx, 401.xxxxx) with its
  balances; one-off buyers of the period's invoices (no partner) on the receivable account.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.queries.saft import account_balances
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import (
    ReportPeriod,
)
from genius.apps.accounting.saft.streams import (
    PURCHASE_SOURCES,
    SALES_SOURCES,
    bani,
    partner_role,
)
from genius.fiscal.ro.chart import AccountType
from genius.fiscal.ro.saft.model import (
    Address,
    CompanyStructure,
    Customer,
    GeneralLedgerAccount,
    Supplier,
)

ZERO = Decimal("0.00")


def _split(value: Decimal) -> tuple[Decimal, Decimal]:
    """A net balance as (debit, credit), the way the trial balance shows it."""
    return (value, ZERO) if value >= 0 else (ZERO, -value)


def accounts(conn: Connection, period: ReportPeriod) -> list[GeneralLedgerAccount]:
    first, last = Period(period.first.year, period.first.month), Period(period.last.year, period.last.month)
    out = []
    for balance in account_balances(conn, first, last):
        opening_debit, opening_credit = _split(balance.opening)
        closing_debit, closing_credit = _split(balance.closing)
        kind = AccountType(balance.type) if balance.type in ("A", "P", "B") else None
        out.append(
            GeneralLedgerAccount(
                account_id=balance.saft_account_id,
                description=(balance.name or balance.account)[:256],
                opening_debit=opening_debit,
                opening_credit=opening_credit,
                closing_debit=closing_debit,
                closing_credit=closing_credit,
                account_type=kind,
            )
        )
    return out


def _partner_address(row: Any) -> tuple[Address, ...]:
    if not row.city:
        return ()
    country = row.address_country or row.country_code or "RO"
    return (
        Address(
            row.city,
            country,
            street_name=row.street,
            postal_code=row.postal_code,
            region=row.region if country == "RO" else None,
        ),
    )


def partners(conn: Connection, period: ReportPeriod) -> tuple[list[Customer], list[Supplier]]:
    """Customers and suppliers per partner analytic account, with balances up to the period's end."""
    b, a, p = t.balances.c, t.accounts.c, st.partners.c
    start = (period.first.year, period.first.month)
    end = (period.last.year, period.last.month)
    before = (b.year < start[0]) | ((b.year == start[0]) & (b.month < start[1]))
    until = (b.year < end[0]) | ((b.year == end[0]) & (b.month <= end[1]))
    zero = sa.literal(0)
    # One row per partner analytic account, with the partner's address (selected and grouped by).
    keys = (
        a.saft_account_id,
        a.synthetic,
        a.partner_id,
        p.saft_id,
        p.name,
        p.street,
        p.city,
        p.postal_code,
        p.region,
        p.address_country,
        p.country_code,
    )
    query = (
        sa.select(
            *keys,
            sa.func.sum(sa.case((before, b.debit - b.credit), else_=zero)).label("opening"),
            sa.func.sum(b.debit - b.credit).label("closing"),
        )
        .select_from(
            t.balances.join(t.accounts, a.code == b.account).outerjoin(
                st.partners, p.partner_id == a.partner_id
            )
        )
        .where(until, a.partner_id.is_not(None))
        .group_by(*keys)
        .order_by(a.saft_account_id)
    )
    customers: list[Customer] = []
    suppliers: list[Supplier] = []
    for row in conn.execute(query):
        role = partner_role(row.synthetic)
        if role is None:
            continue
        pid = row.saft_id or ""
        structure = CompanyStructure(pid, row.name[:256], _partner_address(row)) if row.saft_id else None
        od, oc = _split(bani(row.opening))
        cd, cc = _split(bani(row.closing))
        if role == "customer":
            customers.append(Customer(pid, row.saft_account_id, structure, od, oc, cd, cc))
        else:
            suppliers.append(Supplier(pid, row.saft_account_id, structure, od, oc, cd, cc))
    known_customers = {c.customer_id for c in customers}
    for pid, account, structure in _one_off_partners(conn, period, known_customers, SALES_SOURCES):
        customers.append(Customer(pid, account, structure))
    known_suppliers = {s.supplier_id for s in suppliers}
    for pid, account, structure in _one_off_partners(conn, period, known_suppliers, PURCHASE_SOURCES):
        suppliers.append(Supplier(pid, account, structure))
    return customers, suppliers


def _one_off_partners(
    conn: Connection, period: ReportPeriod, known: set[str], sources: tuple[str, ...]
) -> list[tuple[str, str, CompanyStructure]]:
    """Counterparties of the period's documents without a partner (a buyer typed into an invoice, a
    supplier the register knows by CUI only): (ID, the receivable/payable account their entry used,
    structure), each once."""
    d, e, line, a = st.documents.c, t.entries.c, t.lines.c, t.accounts.c
    account = (
        sa.select(a.saft_account_id)
        .select_from(t.lines.join(t.accounts, a.code == line.account).join(t.entries, e.id == line.entry_id))
        .where(
            e.source_type == d.source_type, e.source_id == d.id, e.reverses.is_(None), line.vat_role.is_(None)
        )
        .order_by(line.line_no)
        .limit(1)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            d.buyer_saft_id,
            d.buyer_name,
            d.street,
            d.city,
            d.postal_code,
            d.region,
            d.country_code,
            account.label("account"),
        )
        .where(
            d.partner_id.is_(None),
            d.status == "issued",
            d.issue_date >= period.first,
            d.issue_date <= period.last,
            d.source_type.in_(sources),
        )
        .order_by(d.buyer_saft_id)
    )
    out, seen = [], set(known)
    for row in rows:
        if row.buyer_saft_id in seen or row.account is None:
            continue
        seen.add(row.buyer_saft_id)
        address = (
            (Address(row.city, row.country_code, street_name=row.street, postal_code=row.postal_code,
                     region=row.region),)
            if row.city
            else ()
        )  # fmt: skip
        structure = CompanyStructure(row.buyer_saft_id, row.buyer_name[:256], address)
        out.append((row.buyer_saft_id, row.account, structure))
    return out
