"""Automatic postings in the caller's unit of work: documents, settlements, FX differences, VAT closing.

These are the functions other parts call: the subscriptions (sales events), the bank part
(``post_settlement`` after a statement line is matched), month-end jobs (``post_fx_revaluation``,
``close_vat``). Each posts through ``entries.post`` (validation, period, one entry per source).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.accounts import analytic_account, partner_account_code
from genius.apps.accounting.domain.entries import Entry, SourceDocument, in_black
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.postings import (
    PurchaseDocument,
    SalesDocument,
    Settlement,
    fx_revaluation_entry,
    purchase_entry,
    sale_entry,
    settlement_entry,
    vat_closing_entry,
)
from genius.apps.accounting.domain.rules import CreditNoteMode
from genius.kernel.errors import ValidationError
from genius.platform.db.uow import UnitOfWork

from .entries import post

CUSTOMER = "customer"
SUPPLIER = "supplier"


def partner_account(uow: UnitOfWork, partner_id: str | None, role: str, name: str | None = None) -> str:
    """The receivable (customer) or payable (supplier) account of a partner.

    With ``partner_analytics`` on (default) each partner gets its own analytic on first use,
    ``4111.00023`` / ``401.00007``; a one-off buyer (no partner id) books on the synthetic account.
    """
    if role not in (CUSTOMER, SUPPLIER):
        raise ValidationError.for_field("role", f"{role!r}: use customer or supplier")
    conn = uow.connection
    settings = repo.load_settings(conn)
    synthetic = settings.receivable_account if role == CUSTOMER else settings.payable_account
    if partner_id is None or not settings.partner_analytics:
        return synthetic
    column = t.partners.c.customer_account if role == CUSTOMER else t.partners.c.supplier_account
    row = repo.partner_row(conn, partner_id)
    if row is not None and getattr(row, column.name):
        return str(getattr(row, column.name))
    display = (name or (row.name if row is not None else None) or partner_id)[:150]
    code = partner_account_code(synthetic, repo.next_analytic_number(conn, synthetic))
    repo.insert_account(conn, analytic_account(code, display, partner_id=partner_id))
    repo.upsert_partner(conn, partner_id, name=display if row is None else None, **{column.name: code})
    return code


def post_sales_document(uow: UnitOfWork, doc: SalesDocument, *, source_event_id: str | None = None) -> Entry:
    """4111 = 70x + 4427 for an issued invoice; a credit note in red (default) or black."""
    rules = repo.load_rules(uow.connection)
    return post(uow, sale_entry(doc, rules), source_event_id=source_event_id)


def post_purchase_document(
    uow: UnitOfWork, doc: PurchaseDocument, *, storno: bool = False, source_event_id: str | None = None
) -> Entry:
    """6xx/3xx + 4426 = 401 for a received supplier invoice (reverse charge: 4426 = 4427).

    ``storno``: a supplier credit note whose parts are signed (negative): in red, or in black when
    the tenant posts credit notes in black (sides swapped, positive amounts).
    """
    rules = repo.load_rules(uow.connection)
    draft = purchase_entry(doc, rules)
    if storno:
        description = f"Factură storno furnizor {doc.source.number}"
        if rules.settings.credit_note_mode is CreditNoteMode.BLACK:
            draft = replace(draft, lines=in_black(draft.lines), description=description)
        else:
            draft = replace(draft, storno=True, description=description)
    return post(uow, draft, source_event_id=source_event_id)


def post_settlement(uow: UnitOfWork, settlement: Settlement, *, source_event_id: str | None = None) -> Entry:
    """A receipt (5121/5311 = 4111) or payment (401 = 5121/5311), with 665/765 for FX differences.

    The bank part calls this when a statement line is matched; a second call for the same
    ``settlement.source`` raises ``AlreadyPosted``.
    """
    rules = repo.load_rules(uow.connection)
    return post(uow, settlement_entry(settlement, rules), source_event_id=source_event_id)


def post_fx_revaluation(
    uow: UnitOfWork,
    *,
    account: str,
    partner_id: str | None,
    booked_value: Decimal,
    revalued_value: Decimal,
    on: date,
    source: SourceDocument,
) -> Entry | None:
    """Revalue a currency item at the BNR rate: item = 7651 (gain) or 6651 = item (loss)."""
    conn = uow.connection
    known = repo.accounts_by_code(conn, [account])
    if account not in known:
        raise ValidationError.for_field("account", f"account {account!r} is not in the ledger")
    liability = known[account].type == "P" or known[account].synthetic.startswith("40")
    draft = fx_revaluation_entry(
        account=account,
        partner_id=partner_id,
        liability=liability,
        booked_value=booked_value,
        revalued_value=revalued_value,
        on=on,
        source=source,
        rules=repo.load_rules(conn),
    )
    return post(uow, draft) if draft is not None else None


def account_balance(uow: UnitOfWork, account: str, until: Period) -> Decimal:
    """Debit minus credit of ``account`` over every posted month up to ``until`` (from the summary)."""
    row = uow.connection.execute(
        sa.select(sa.func.coalesce(sa.func.sum(t.balances.c.debit - t.balances.c.credit), 0)).where(
            t.balances.c.account == account,
            (t.balances.c.year < until.year)
            | ((t.balances.c.year == until.year) & (t.balances.c.month <= until.month)),
        )
    ).scalar_one()
    return repo.from_bani(int(row))


def close_vat(uow: UnitOfWork, period: Period) -> Entry | None:
    """Month-end VAT closing of ``period``: 4427 = 4426, then 4427 = 4423 or 4424 = 4426.

    Dated the month's last day; one per month (source ``vat_closing`` / ``YYYY-MM``). Returns
    None when 4426 and 4427 are both zero.
    """
    rules = repo.load_rules(uow.connection)
    s = rules.settings
    deductible = account_balance(uow, s.vat_deductible_account, period)
    collected = -account_balance(uow, s.vat_collected_account, period)
    source = SourceDocument("vat_closing", str(period), str(period))
    draft = vat_closing_entry(deductible, collected, period.last_day, source, rules)
    return post(uow, draft) if draft is not None else None
