"""Posting reconciled bank lines to the ledger through accounting's own posting functions.

* A receipt: 5121 = 4111.<partner> (``post_settlement``, kind receipt); a payment: 401.<partner>
  = 5121 (kind payment). One entry per line, whatever the number of invoices it settles (they
  are one partner's), sourced ``bank_line``/<line id>/role ``settle``: the ledger refuses a second
  posting of the same source, so a retried job never posts twice.
* A bank fee: 627 = 5121 (RO-ACCOUNTING: "bank fees 627 = 5121"), role ``fee``.

Lines in another currency are reconciled but not posted: the lei value needs the BNR rate of the
day and the 5124 account, which the ledger posts from its FX flow; the reconciliation says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.errors import AlreadyPosted
from genius.apps.accounting.domain.postings import BANK_JOURNAL, Settlement
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.postings import CUSTOMER, SUPPLIER, partner_account, post_settlement
from genius.platform.db.uow import UnitOfWork

TREASURY_ACCOUNT: Final = "5121"  # Conturi la bănci în lei
FEE_ACCOUNT: Final = "627"  # Cheltuieli cu serviciile bancare și asimilate
SOURCE_TYPE: Final = "bank_line"
POSTED_CURRENCY: Final = "RON"
# MT940 transaction types and CAMT bank transaction codes of bank charges.
FEE_CODES: Final = frozenset({"NCHG", "NCOM", "FCHG", "FCOM", "SCHG", "SCOM", "NFEE"})
_FEE_CODE_RE: Final = re.compile(r"CHRG|FEES|COMM|COMI", re.I)
_FEE_TEXT_RE: Final = re.compile(
    r"^\s*(?:\d+\s*-\s*)?(comision|comisioane|taxa (?:de )?administrare|abonament)", re.I
)


@dataclass(frozen=True)
class Posting:
    entry_id: str | None
    note: str | None = None

    @property
    def posted(self) -> bool:
        return self.entry_id is not None


def is_fee(line: Any) -> bool:
    """A debit the bank took for itself: charge codes, or "Comision ..." with no counterparty account."""
    if _signed(line) >= 0 or line.counterparty_iban:
        return False
    code = (line.transaction_code or "").upper()
    return (
        code in FEE_CODES
        or bool(_FEE_CODE_RE.search(code))
        or bool(_FEE_TEXT_RE.match(line.remittance or ""))
    )


def _signed(line: Any) -> Decimal:
    return Decimal(line.amount)


def _reference(line: Any) -> str:
    return (line.bank_reference or line.end_to_end_id or line.id)[:64]


def post_line(
    uow: UnitOfWork, line: Any, amount: Decimal, partner_id: str | None, partner_name: str, numbers: list[str]
) -> Posting:
    """5121 = 4111 (a credit line) or 401 = 5121 (a debit line) for ``amount`` of the line."""
    if line.currency != POSTED_CURRENCY:
        return Posting(
            None, f"not posted: a {line.currency} line needs the BNR rate and 5124; post it in the ledger"
        )
    receipt = Decimal(line.amount) > 0
    source = SourceDocument(SOURCE_TYPE, line.id, _reference(line), role="settle")
    label = "Încasare" if receipt else "Plată"
    settlement = Settlement(
        kind="receipt" if receipt else "payment",
        source=source,
        on=line.booking_date,
        partner_id=partner_id,
        partner_account=partner_account(
            uow, partner_id, CUSTOMER if receipt else SUPPLIER, partner_name or None
        ),
        treasury_account=TREASURY_ACCOUNT,
        amount=amount,
        description=f"{label} {', '.join(numbers)} ({partner_name})"[:500],
    )
    try:
        return Posting(post_settlement(uow, settlement).id)
    except AlreadyPosted:
        return Posting(acc_repo.find_by_source(uow.connection, source), "already posted")


def post_fee(uow: UnitOfWork, line: Any) -> Posting:
    """627 = 5121 for a bank charge."""
    if line.currency != POSTED_CURRENCY:
        return Posting(None, f"not posted: a {line.currency} fee needs the BNR rate; post it in the ledger")
    amount = -Decimal(line.amount)
    source = SourceDocument(SOURCE_TYPE, line.id, _reference(line), role="fee")
    draft = EntryDraft(
        BANK_JOURNAL,
        line.booking_date,
        f"Comision bancar: {line.remittance or line.transaction_code or ''}"[:500],
        (Line(FEE_ACCOUNT, debit=amount), Line(TREASURY_ACCOUNT, credit=amount)),
        source=source,
    )
    try:
        return Posting(entry_handlers.post(uow, draft).id)
    except AlreadyPosted:
        return Posting(acc_repo.find_by_source(uow.connection, source), "already posted")
