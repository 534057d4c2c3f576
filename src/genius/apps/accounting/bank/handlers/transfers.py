"""Transfers between the tenant's own treasury accounts, posted through 581 Viramente interne (both legs).

RO-ACCOUNTING §2: "cash to bank 581 = 5311, then 5121 = 581". Recognized in the match run, before
invoices are looked at:

* **bank to bank** (5121 <-> 5124, 5121 <-> 5121.02, ...): a line whose counterparty IBAN is one of
  the tenant's configured bank accounts (``acc_bank_accounts``, ``handlers.treasury``) and not the
  line's own. Money out: 581 = 512x; money in: 512x = 581, each leg when its own statement line
  arrives. A currency leg is valued at the BNR rate of its booking date (the treasury line carries
  the currency amount, 581 stays in lei). When the other leg is posted already and the two are in
  different currencies (a currency purchase or sale), this leg takes 581 for exactly the other
  leg's lei, so 581 is cleared, and the difference between the bank's rate and BNR's goes to
  7651 / 6651 (OMFP 1802 pct. 322: the settlement of a currency operation).
* **bank and cash** (5121 <-> 5311): a cash withdrawal or deposit (ISO 20022 codes CWDL / CDPT, or
  "retragere / depunere numerar" in the details, no counterparty account): the bank's leg here,
  581 = 5121 (a deposit 5121 = 581); the cash leg is the cash register's own numbered operation
  (``apps/accounting/cash``: ``POST /cash/operations`` in, counter account 581: 5311 = 581), so it
  is not posted twice.

One entry per line, sourced ``bank_line``/<line id>/role ``transfer`` (``transfer#n`` after its n-th
cancellation, ``handlers.cancel``), so a retried run posts
nothing twice; the line's status becomes ``transfer`` and its note names the entry (and, for cash,
the cash register's leg still to record).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank import tables as t
from genius.apps.accounting.bank.handlers.ledger import SOURCE_TYPE, is_fee, line_source, source_role
from genius.apps.accounting.bank.handlers.reconcile import waiting_line
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.fx import RON, lei
from genius.apps.accounting.domain.postings import BANK_JOURNAL
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.fx_rates import rate_on
from genius.apps.accounting.handlers.treasury import find_bank_account, treasury_account
from genius.kernel.clock import utcnow
from genius.platform.db.uow import UnitOfWork

TRANSFER_ACCOUNT: Final = "581"  # Viramente interne
ROLE: Final = "transfer"
TWIN_DAYS: Final = 3  # the other leg of a transfer is booked within a few banking days
CASH_CODES: Final = frozenset({"CWDL", "CDPT"})
_CASH_TEXT: Final = re.compile(
    r"retragere\s+(de\s+)?numerar|ridicare\s+numerar|depunere\s+(de\s+)?numerar|cash\s+(withdrawal|deposit)",
    re.I,
)


@dataclass(frozen=True)
class TransferLeg:
    line_id: str
    entry_id: str
    kind: str  # "bank" or "cash"


def transfer_kind(uow: UnitOfWork, line: Any) -> str | None:
    """``bank`` (the counterparty is one of the tenant's bank accounts), ``cash`` or None."""
    other = (line.counterparty_iban or "").replace(" ", "").upper()
    if other and other != line.account_iban and find_bank_account(uow.connection, other) is not None:
        return "bank"
    if is_fee(line):  # "comision retragere numerar" is the bank's fee, not the cash
        return None
    code = (line.transaction_code or "").upper()
    text = f"{line.remittance or ''} {line.details or ''}"
    if not other and (any(c in code for c in CASH_CODES) or _CASH_TEXT.search(text)):
        return "cash"
    return None


def _value(uow: UnitOfWork, line: Any, amount: Decimal) -> tuple[Decimal, dict[str, Any]]:
    """The lei value of ``amount`` of the line, and the currency fields of its treasury line."""
    if line.currency == RON:
        return amount, {}
    rate = rate_on(uow.connection, line.currency, line.booking_date, "booking_date").per_unit
    return lei(amount, rate), {"currency": line.currency, "currency_amount": amount, "exchange_rate": rate}


def _twin_581(uow: UnitOfWork, line: Any) -> Decimal | None:
    """The lei the other leg (already posted) put on 581, when it is in another currency."""
    ln = t.lines.c
    incoming = Decimal(line.amount) > 0
    rows = uow.connection.execute(
        sa.select(ln.id, ln.amount, ln.currency, ln.reopened).where(
            ln.account_iban == (line.counterparty_iban or "").replace(" ", "").upper(),
            ln.counterparty_iban == line.account_iban,
            ln.status == repo.TRANSFER,
            ln.booking_date.between(
                line.booking_date - timedelta(days=TWIN_DAYS), line.booking_date + timedelta(days=TWIN_DAYS)
            ),
        )
    ).all()
    for row in rows:
        if (Decimal(row.amount) > 0) == incoming or row.currency == line.currency:
            continue
        twin = SourceDocument(SOURCE_TYPE, row.id, "", source_role(row, ROLE))
        entry_id = acc_repo.find_by_source(uow.connection, twin)
        if entry_id is None:
            continue
        entry = acc_repo.get_entry(uow.connection, entry_id)
        return sum((x.debit + x.credit for x in entry.lines if x.account == TRANSFER_ACCOUNT), Decimal(0))
    return None


def post_transfer(uow: UnitOfWork, line_id: str, kind: str, *, job_id: str | None = None) -> TransferLeg:
    """Post the line's leg(s) through 581 (see the module docstring) and mark it ``transfer``."""
    line = waiting_line(uow, line_id)
    signed = Decimal(line.amount)
    incoming = signed > 0
    amount = abs(signed)
    treasury = treasury_account(uow, line.account_iban, line.currency)
    value, currency = _value(uow, line, amount)
    zero = Decimal(0)
    in_, out = (value, zero) if incoming else (zero, value)
    bank_side = Line(treasury, debit=in_, credit=out, **currency)
    clearing = _twin_581(uow, line) if kind == "bank" else None
    transfer = clearing if clearing is not None else value
    lines = [
        bank_side,
        Line(TRANSFER_ACCOUNT, debit=zero if incoming else transfer, credit=transfer if incoming else zero),
    ]
    settings = acc_repo.load_settings(uow.connection)
    difference = (value - transfer) if incoming else (transfer - value)  # > 0: a gain
    if difference > 0:
        lines.append(Line(settings.fx_gain_account, credit=difference))
    elif difference < 0:
        lines.append(Line(settings.fx_loss_account, debit=-difference))
    what = "Virament intern" if kind == "bank" else ("Depunere numerar" if incoming else "Retragere numerar")
    text = f"{what}: {line.remittance or line.counterparty_name or ''}".strip()[:500]
    entry_id = entry_handlers.post(
        uow,
        EntryDraft(BANK_JOURNAL, line.booking_date, text, tuple(lines),
                   source=line_source(line, ROLE)),
    ).id  # fmt: skip
    repo.clear_candidates(uow.connection, line.id)
    repo.set_line_status(
        uow.connection,
        line.id,
        repo.TRANSFER,
        applied_amount=str(amount),
        matched_at=utcnow(),
        match_job_id=job_id,
        note=f"internal transfer through {TRANSFER_ACCOUNT} (entry {entry_id})"
        + (f"; the cash register records its leg (5311 = {TRANSFER_ACCOUNT})" if kind == "cash" else ""),
    )
    return TransferLeg(line.id, entry_id, kind)
