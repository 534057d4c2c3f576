"""Post a bank line straight to a counter-account (no invoice): salaries, taxes, VAT, interest, transfers.

A line that pays no invoice (421 salaries, 431x/444 payroll taxes, 4423 VAT, 766 interest, 627
fees the matcher did not see, 581 transfers between the tenant's own accounts or cash withdrawals)
is posted by a person to the account they name:

* a credit line (money in): 512x = <account>; a debit line (money out): <account> = 512x;
* the treasury side is the statement's bank account's (``handlers.treasury``); a currency line is
  valued at the BNR rate of its booking date, both lines carrying the currency amount (the rule
  of bank fees, ``ledger.post_fee``); no rate: ``NoFxRate`` naming ``booking_date``;
* refused, naming the field: an unknown, inactive or grade I account with analytics (``account``),
  the line's own treasury account (``account``), an unknown partner (``partner_id``), a month that
  is closed or locked (``booking_date``), a line already reconciled, a fee or posted (409);
* one entry per line, sourced ``bank_line``/<line id>/role ``post`` (``post#n`` after the line's n-th
  cancellation, ``handlers.cancel``; the ledger refuses a second),
  the line marked ``posted`` with the entry in its note, an audit record
  ``accounting.bank_line.post`` - in the caller's unit of work: a refusal leaves nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank import tables as t
from genius.apps.accounting.bank.handlers.ledger import line_source
from genius.apps.accounting.bank.handlers.reconcile import waiting_line
from genius.apps.accounting.domain.entries import EntryDraft, Line
from genius.apps.accounting.domain.errors import PeriodClosed
from genius.apps.accounting.domain.fx import RON, lei
from genius.apps.accounting.domain.periods import Period, check_open
from genius.apps.accounting.domain.postings import BANK_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.apps.accounting.handlers.fx_rates import rate_on
from genius.apps.accounting.handlers.treasury import treasury_account
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

ROLE: Final = "post"
MAX_DESCRIPTION: Final = 500


@dataclass(frozen=True)
class DirectPosting:
    line_id: str
    entry_id: str
    account: str
    treasury: str
    amount: Decimal  # in the line's currency (positive)
    amount_lei: Decimal
    exchange_rate: Decimal | None


def _partner_known(uow: UnitOfWork, partner_id: str) -> bool:
    """A partner of the ledger, or one the bank part's read model knows (sales/procurement events)."""
    if acc_repo.partner_row(uow.connection, partner_id) is not None:
        return True
    query = sa.select(t.partners.c.partner_id).where(t.partners.c.partner_id == partner_id)
    return uow.connection.execute(query).first() is not None


def _description(line: Any, given: str | None) -> str:
    if given and given.strip():
        return given.strip()[:MAX_DESCRIPTION]
    parts = (f"Extras {line.booking_date.isoformat()}:", line.counterparty_name, line.remittance)
    return " ".join(p for p in parts if p)[:MAX_DESCRIPTION]


def post_to_account(
    uow: UnitOfWork,
    line_id: str,
    *,
    account: str,
    partner_id: str | None = None,
    description: str | None = None,
    by: str | None = None,
    trail: AuditTrail | None = None,
) -> DirectPosting:
    """Post what is left of a waiting line to ``account`` (see the module docstring)."""
    conn = uow.connection
    code = (account or "").strip()
    if not code:
        raise ValidationError.for_field("account", "required: the counter-account of the line (e.g. 421)")
    if description is not None and len(description.strip()) > MAX_DESCRIPTION:
        raise ValidationError.for_field("description", f"at most {MAX_DESCRIPTION} characters")
    line = waiting_line(uow, line_id)  # unknown: 404; reconciled, fee or posted: 409
    problem = acc_repo.account_checker(conn, [code])(code)
    if problem is not None:
        raise ValidationError.for_field("account", problem, code="unknown_account")
    treasury = treasury_account(uow, line.account_iban, line.currency)
    if code == treasury:
        raise ValidationError.for_field(
            "account", f"{code} is the treasury account of the line's bank account ({line.account_iban})"
        )
    partner = (partner_id or "").strip() or None
    if partner is not None and not _partner_known(uow, partner):
        raise ValidationError.for_field("partner_id", f"{partner!r} is not a known partner")
    period = Period.of(line.booking_date)
    try:
        check_open(period, acc_repo.period_status(conn, period), f"bank line {line.id}")
    except PeriodClosed as error:
        raise PeriodClosed(
            f"booking_date {line.booking_date.isoformat()}: {error.message}",
            details={**(error.details or {}), "field": "booking_date"},
        ) from None
    signed = Decimal(line.amount)
    amount = abs(signed) - repo.dec(line.applied_amount)
    if amount <= 0:
        raise ValidationError.for_field("line_id", f"nothing of bank line {line.id} is left to post")
    rate: Decimal | None = None
    if line.currency == RON:
        value = amount
        extra: dict[str, Any] = {}
    else:
        rate = rate_on(conn, line.currency, line.booking_date, "booking_date").per_unit
        value = lei(amount, rate)
        extra = {"currency": line.currency, "currency_amount": amount, "exchange_rate": rate}
    text = _description(line, description)
    bank_side = Line(treasury, **extra)
    other_side = Line(code, partner_id=partner, **extra)
    if signed > 0:
        lines = (_with(bank_side, debit=value), _with(other_side, credit=value))
    else:
        lines = (_with(other_side, debit=value), _with(bank_side, credit=value))
    draft = EntryDraft(
        BANK_JOURNAL,
        line.booking_date,
        text,
        lines,
        source=line_source(line, ROLE),
    )
    entry = entry_handlers.post(uow, draft, created_by=by)
    now = utcnow()
    repo.clear_candidates(conn, line.id)
    repo.set_line_status(
        conn,
        line.id,
        repo.POSTED,
        applied_amount=str(abs(signed)),
        matched_at=now,
        note=f"posted to {code} (entry {entry.id})",
    )
    audit(
        uow,
        trail,
        "accounting.bank_line.post",
        line.id,
        before={"status": line.status},
        after={
            "status": repo.POSTED,
            "account": code,
            "partner_id": partner,
            "entry_id": entry.id,
            "amount": str(amount),
            "currency": line.currency,
            "amount_lei": str(value),
        },
        resource_type="accounting.bank_line",
    )
    return DirectPosting(line.id, entry.id, code, treasury, amount, value, rate)


def _with(line: Line, *, debit: Decimal = Decimal(0), credit: Decimal = Decimal(0)) -> Line:
    return replace(line, debit=debit, credit=credit)
