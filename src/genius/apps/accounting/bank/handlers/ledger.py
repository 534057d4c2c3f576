"""Posting reconciled bank lines to the ledger through accounting's own posting functions.

* A receipt: 512x = 4111.<partner> (``post_settlement``, kind receipt); a payment: 401.<partner>
  = 512x (kind payment). One entry per line, whatever the number of invoices it settles (they
  are one partner's), sourced ``bank_line``/<line id>/role ``settle``: the ledger refuses a second
  posting of the same source, so a retried job never posts twice.
* A bank fee: 627 = 512x (RO-ACCOUNTING: "bank fees 627 = 5121"), role ``fee``.
* The treasury account is the statement's bank account's (``handlers.treasury``): 5121 for lei,
  5124 for a currency, or the analytic configured for its IBAN.
* A line in a foreign currency (a EUR statement of a EUR account): the bank side at the BNR rate of
  the booking date (``handlers.fx_rates``), the receivable/payable cleared at the lei value it was
  booked at (the invoice's rate; the exact remainder of its ledger line when the line clears it),
  the difference on 7651 (gain) or 6651 (loss). No rate for the date: ``NoFxRate``, and the caller's
  unit of work rolls everything back (nothing reconciled, nothing posted).
* An invoice revalued at a month's end (``handlers.revaluation``) is cleared at its revalued
  carrying amount, so the exchange difference of the receipt counts only from the revaluation on.
* A lei line paying a currency invoice (a RON transfer for an EUR invoice): the invoice part it
  clears is the lei paid at the BNR rate of the booking date (``reconcile.apply``); 512x takes the
  lei paid, 4111/401 is cleared at the carrying amount of that part, the difference on 7651/6651.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Final

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.domain.entries import EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.errors import AlreadyPosted
from genius.apps.accounting.domain.fx import RON, BookedPart, booked_value, lei
from genius.apps.accounting.domain.postings import BANK_JOURNAL, Settlement, settlement_entry
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.fx_rates import rate_on
from genius.apps.accounting.handlers.postings import CUSTOMER, SUPPLIER, partner_account
from genius.apps.accounting.handlers.treasury import treasury_account
from genius.kernel.errors import ValidationError
from genius.platform.db.uow import UnitOfWork

TREASURY_ACCOUNT: Final = "5121"  # Conturi la bănci în lei (the default; see handlers.treasury)
FEE_ACCOUNT: Final = "627"  # Cheltuieli cu serviciile bancare și asimilate
SOURCE_TYPE: Final = "bank_line"
POSTED_CURRENCY: Final = RON
# The ledger's source types of the documents a line settles (accounting.subscriptions).
DOCUMENT_SOURCE: Final = {"receivable": "sales_invoice", "payable": "supplier_invoice"}
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
    booked: dict[str, Decimal] = field(default_factory=dict)  # item id -> lei cleared (currency lines)

    @property
    def posted(self) -> bool:
        return self.entry_id is not None


@dataclass(frozen=True)
class Settled:
    """One open item a line settles, and how much of it (in the line's currency)."""

    item: Any  # a bank_open_items row
    amount: Decimal


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


def source_role(line: Any, role: str) -> str:
    """The ledger source role of the line's posting: ``role``, then ``role#n`` after its n-th
    cancellation (``handlers.cancel``), so each posting of a line has a source of its own."""
    reopened = getattr(line, "reopened", 0) or 0
    return f"{role}#{reopened}" if reopened else role


def line_source(line: Any, role: str) -> SourceDocument:
    """The ledger source of the line's current posting in ``role`` (settle, fee, post, transfer)."""
    return SourceDocument(SOURCE_TYPE, line.id, _reference(line), role=source_role(line, role))


def _booked_line(uow: UnitOfWork, item: Any, account: str) -> Line | None:
    """The receivable (4111) or payable (401) line the item's own entry booked, when it is posted."""
    source_type = DOCUMENT_SOURCE.get(item.kind)
    if source_type is None:
        return None
    entry_id = acc_repo.find_by_source(uow.connection, SourceDocument(source_type, item.id, item.number))
    if entry_id is None:
        return None
    entry = acc_repo.get_entry(uow.connection, entry_id)
    found = [ln for ln in entry.lines if ln.account == account and ln.currency_amount is not None]
    return found[0] if len(found) == 1 else None


def _booked_parts(
    uow: UnitOfWork, settled: Sequence[Settled], account: str, partner_id: str | None, on: date
) -> tuple[dict[str, Decimal], set[Decimal]]:
    """The lei value each settled item is carried at, for the part of it settled now; their rates.

    An invoice revalued at a month's end since it was issued (``handlers.revaluation``) is carried at
    that revaluation's rate; otherwise at its own rate, the exact remainder of its booked line
    when this clears it. When the settlement clears the whole currency balance of the partner's
    item (account + partner + currency), it takes exactly the item's carrying amount in lei.
    """
    conn = uow.connection
    booked: dict[str, Decimal] = {}
    rates: set[Decimal] = set()
    for index, s in enumerate(settled):
        item = s.item
        revalued = acc_repo.last_revaluation(conn, account, partner_id, item.currency, on)
        if revalued is not None and revalued[0] >= item.issue_date:
            rates.add(revalued[1])
            booked[item.id] = lei(s.amount, revalued[1])
            continue
        line = _booked_line(uow, item, account)
        rate = Decimal(item.exchange_rate) if item.exchange_rate else (line.exchange_rate if line else None)
        if rate is None or rate <= 0:
            raise ValidationError.for_field(
                f"items[{index}]",
                f"invoice {item.number} in {item.currency} has no exchange rate: its lei value is unknown",
            )
        rates.add(rate)
        cleared, cleared_lei = repo.cleared_of(conn, item.id)
        booked[item.id] = booked_value(
            BookedPart(
                amount=s.amount,
                rate=rate,
                total=repo.dec(item.total),
                total_lei=(line.debit or line.credit) if line is not None else None,
                cleared=cleared,
                cleared_lei=cleared_lei,
            )
        )
    currency = settled[0].item.currency
    whole = acc_repo.currency_items(conn, on, (account,), only=(account, partner_id, currency))
    paid = sum((s.amount for s in settled), Decimal(0))
    if len(whole) == 1 and abs(whole[0].amount) == paid and booked:
        last = settled[-1].item.id
        booked[last] += abs(whole[0].carrying) - sum(booked.values(), Decimal(0))
    return booked, rates


def post_line(
    uow: UnitOfWork,
    line: Any,
    amount: Decimal,
    partner_id: str | None,
    partner_name: str,
    numbers: list[str],
    settled: Sequence[Settled] = (),
) -> Posting:
    """512x = 4111 (a credit line) or 401 = 512x (a debit line) for ``amount`` of the line.

    A currency line needs ``settled`` (the items and what it pays of each) to clear them at their
    carrying amount; the difference from the lei at the BNR rate of the day goes to 7651 / 6651.
    A lei line paying currency invoices (``settled`` amounts in the invoices' currency, converted
    by ``reconcile.apply``) posts the lei paid on the bank side and clears the invoices at their
    carrying amount, the difference on 7651 / 6651 too.
    """
    receipt = Decimal(line.amount) > 0
    role = CUSTOMER if receipt else SUPPLIER
    source = line_source(line, "settle")
    label = "Încasare" if receipt else "Plată"
    account = partner_account(uow, partner_id, role, partner_name or None)
    treasury = treasury_account(uow, line.account_iban, line.currency)
    description = f"{label} {', '.join(numbers)} ({partner_name})"[:500]
    item_currency = settled[0].item.currency if settled else line.currency
    kind = "receipt" if receipt else "payment"
    booked: dict[str, Decimal] = {}
    rules = acc_repo.load_rules(uow.connection)
    if line.currency == RON and item_currency == RON:
        draft = settlement_entry(
            Settlement(
                kind=kind,
                source=source,
                on=line.booking_date,
                partner_id=partner_id,
                partner_account=account,
                treasury_account=treasury,
                amount=amount,
                description=description,
            ),
            rules,
        )
    else:
        if not settled:
            raise ValidationError.for_field("items", f"a {line.currency} line needs the invoices it settles")
        rate = rate_on(uow.connection, item_currency, line.booking_date, "booking_date").per_unit
        booked, rates = _booked_parts(uow, settled, account, partner_id, line.booking_date)
        cross = line.currency != item_currency
        draft = settlement_entry(
            Settlement(
                kind=kind,
                source=source,
                on=line.booking_date,
                partner_id=partner_id,
                partner_account=account,
                treasury_account=treasury,
                amount=amount if cross else lei(amount, rate),
                currency=item_currency,
                currency_amount=sum((s.amount for s in settled), Decimal(0)),
                exchange_rate=rate,
                booked_amount=sum(booked.values(), Decimal(0)),
                booked_rate=rates.pop() if len(rates) == 1 else None,
                description=description,
            ),
            rules,
        )
        if cross:  # the bank side is the lei paid, in lei alone
            plain = {"currency": RON, "currency_amount": None, "exchange_rate": None}
            draft = replace(
                draft,
                lines=tuple(replace(x, **plain) if x.account == treasury else x for x in draft.lines),
            )
    try:
        return Posting(entry_handlers.post(uow, draft).id, booked=booked)
    except AlreadyPosted:
        return Posting(acc_repo.find_by_source(uow.connection, source), "already posted")


def post_fee(uow: UnitOfWork, line: Any) -> Posting:
    """627 = 512x for a bank charge (a currency fee at the BNR rate of its date)."""
    fee = -Decimal(line.amount)
    treasury = treasury_account(uow, line.account_iban, line.currency)
    source = line_source(line, "fee")
    if line.currency == RON:
        expense, bank = Line(FEE_ACCOUNT, debit=fee), Line(treasury, credit=fee)
    else:
        rate = rate_on(uow.connection, line.currency, line.booking_date, "booking_date").per_unit
        amount = lei(fee, rate)
        in_currency = {"currency": line.currency, "currency_amount": fee, "exchange_rate": rate}
        expense = Line(FEE_ACCOUNT, debit=amount, **in_currency)
        bank = Line(treasury, credit=amount, **in_currency)
    draft = EntryDraft(
        BANK_JOURNAL,
        line.booking_date,
        f"Comision bancar: {line.remittance or line.transaction_code or ''}"[:500],
        (expense, bank),
        source=source,
    )
    try:
        return Posting(entry_handlers.post(uow, draft).id)
    except AlreadyPosted:
        return Posting(acc_repo.find_by_source(uow.connection, source), "already posted")
