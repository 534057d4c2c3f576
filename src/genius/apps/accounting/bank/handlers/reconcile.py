"""Reconcile a bank line with open items (the matcher's pick or a person's), propose, post fees.

``apply`` runs in the caller's unit of work: it checks the line is still waiting and every item
still open for at least its allocation (a stale candidate is a Conflict), records the
reconciliations, lowers what is open, remembers the payer's IBAN as the partner's, posts the
receipt or payment (a currency line at the BNR rate of its date, with its exchange difference;
a lei line paying currency invoices converted at that rate, ``_cleared``),
and publishes ``accounting.bank_line.reconciled`` - all in one transaction, so a failure (a
missing BNR rate, a closed month) leaves nothing half done.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.domain.model import Allocation, Candidate, ItemKind
from genius.apps.accounting.bank.events import BankLineReconciled
from genius.apps.accounting.bank.handlers.ledger import Posting, Settled, post_fee, post_line
from genius.apps.accounting.domain.fx import RON, lei
from genius.apps.accounting.handlers.fx_rates import rate_on
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.kernel.ids import new_id
from genius.kernel.money import round_money
from genius.platform.db.uow import UnitOfWork

# A lei payment of a currency invoice converted at the day's rate may miss what is open by a cent.
CROSS_TOLERANCE: Final = Decimal("0.01")


class LineNotFound(NotFound):
    code = "bank_line_not_found"


class StaleMatch(Conflict):
    """The line or an invoice changed since the candidate was computed."""

    code = "bank_match_stale"


@dataclass(frozen=True)
class Applied:
    line_id: str
    item_ids: tuple[str, ...]
    amount: Decimal
    posting: Posting


def waiting_line(uow: UnitOfWork, line_id: str):  # type: ignore[no-untyped-def]
    line = repo.line_row(uow.connection, line_id, for_update=True)
    if line is None:
        raise LineNotFound(f"no bank line {line_id!r}", details={"line_id": line_id})
    if line.status not in repo.MATCHABLE:
        raise StaleMatch(
            f"bank line {line_id} is already {line.status}",
            details={"line_id": line_id, "status": line.status},
        )
    return line


def apply(
    uow: UnitOfWork,
    line_id: str,
    allocations: Sequence[Allocation],
    *,
    method: str,
    confidence: float | None = None,
    by: str | None = None,
    job_id: str | None = None,
) -> Applied:
    conn = uow.connection
    line = waiting_line(uow, line_id)
    if not allocations:
        raise ValidationError.for_field("items", "name at least one open invoice")
    amount = Decimal(line.amount)
    kind = ItemKind.RECEIVABLE if amount > 0 else ItemKind.PAYABLE
    rows = {r.id: r for r in repo.open_item_rows(conn, [a.item_id for a in allocations], for_update=True)}
    partners = set()
    for index, allocation in enumerate(allocations):
        row = rows.get(allocation.item_id)
        where = f"items[{index}]"
        if row is None:
            raise ValidationError.for_field(where, f"{allocation.item_id!r} is not a known invoice")
        if row.kind != kind.value:
            side = (
                "a receipt settles customer invoices"
                if kind is ItemKind.RECEIVABLE
                else "a payment settles supplier invoices"
            )
            raise ValidationError.for_field(where, f"invoice {row.number} is a {row.kind}; {side}")
        if row.currency != line.currency and line.currency != RON:
            raise ValidationError.for_field(
                where, f"invoice {row.number} is in {row.currency}, the line in {line.currency}"
            )
        if allocation.amount <= 0:
            raise ValidationError.for_field(f"{where}.amount", "must be positive")
        partners.add(row.partner_id or row.partner_name)
    if len(partners) > 1:
        raise ValidationError.for_field("items", "one line settles invoices of one partner only")
    currencies = {rows[a.item_id].currency for a in allocations}
    if len(currencies) > 1:
        raise ValidationError.for_field(
            "items", f"one line settles invoices of one currency: {sorted(currencies)}"
        )
    cleared = _cleared(uow, line, allocations, rows)
    for index, allocation in enumerate(allocations):
        row = rows[allocation.item_id]
        if row.status != repo.OPEN or cleared[row.id] > repo.dec(row.open_amount):
            raise StaleMatch(
                f"invoice {row.number} has {row.open_amount} {row.currency} open ({row.status}); "
                f"{cleared[row.id]} cannot be applied",
                details={"item_id": row.id, "field": f"items[{index}]"},
            )
    total = sum((a.amount for a in allocations), Decimal(0))
    if total > abs(amount):
        raise ValidationError.for_field("items", f"the invoices take {total}, the line brings {abs(amount)}")
    now = utcnow()
    first = rows[allocations[0].item_id]
    numbers = [rows[a.item_id].number for a in allocations]
    settled = [Settled(rows[a.item_id], cleared[a.item_id]) for a in allocations]
    posting = post_line(uow, line, total, first.partner_id, first.partner_name, numbers, settled)
    repo.insert_reconciliations(
        conn,
        [
            {
                "id": new_id(),
                "line_id": line.id,
                "item_id": a.item_id,
                "amount": str(cleared[a.item_id]),
                "method": method,
                "confidence": confidence,
                "entry_id": posting.entry_id,
                "posting": "posted" if posting.posted else "not_posted",
                "posting_note": posting.note,
                "booked_amount": str(posting.booked[a.item_id]) if a.item_id in posting.booked else None,
                "created_at": now,
                "created_by": by,
            }
            for a in allocations
        ],
    )
    for a in allocations:
        left = repo.dec(rows[a.item_id].open_amount) - cleared[a.item_id]
        repo.update_open_item(
            conn,
            a.item_id,
            open_amount=str(left),
            status=repo.OPEN if left > 0 else repo.SETTLED,
            updated_at=now,
        )
    if line.counterparty_iban and first.partner_id:
        repo.learn_iban(conn, line.counterparty_iban, first.partner_id, "reconciliation", now)
    repo.clear_candidates(conn, line.id)
    repo.set_line_status(
        conn,
        line.id,
        repo.RECONCILED,
        applied_amount=str(total),
        matched_at=now,
        match_job_id=job_id,
        note=posting.note,
    )
    uow.publish(
        BankLineReconciled(
            line_id=line.id,
            statement_id=line.statement_id,
            booking_date=line.booking_date,
            amount=amount,
            currency=line.currency,
            method=method,
            partner_id=first.partner_id,
            items=[
                {
                    "item_id": a.item_id,
                    "number": rows[a.item_id].number,
                    "kind": kind.value,
                    "amount": str(cleared[a.item_id]),
                }
                for a in allocations
            ],
            entry_id=posting.entry_id,
        ),
        subject=line.id,
    )
    return Applied(line.id, tuple(a.item_id for a in allocations), total, posting)


def _cleared(
    uow: UnitOfWork, line: Any, allocations: Sequence[Allocation], rows: dict[str, Any]
) -> dict[str, Decimal]:
    """What each allocation clears of its invoice, in the invoice's currency.

    The same currency: the allocation itself. A lei line paying currency invoices: the lei
    allocated at the BNR rate of the booking date (OMFP 1802 pct. 322: the rate of the transaction
    date), rounded to the cent; what the rounding leaves open (at most a cent) is cleared with it,
    more lei than the open part is worth is refused naming the invoice.
    """
    out: dict[str, Decimal] = {}
    for index, a in enumerate(allocations):
        row = rows[a.item_id]
        if row.currency == line.currency:
            out[row.id] = a.amount
            continue
        rate = rate_on(uow.connection, row.currency, line.booking_date, "booking_date").per_unit
        worth = round_money(a.amount / rate)
        left = repo.dec(row.open_amount)
        if worth > left + CROSS_TOLERANCE:
            raise ValidationError.for_field(
                f"items[{index}].amount",
                f"{a.amount} lei is {worth} {row.currency} at the BNR rate of "
                f"{line.booking_date.isoformat()} ({rate}); invoice {row.number} has {left} "
                f"{row.currency} open ({lei(left, rate)} lei)",
            )
        out[row.id] = left if left - worth <= CROSS_TOLERANCE else worth
    return out


def propose(
    uow: UnitOfWork, line_id: str, found: Sequence[Candidate], *, job_id: str | None, note: str | None = None
) -> str:
    """Store the candidates of a line a person has to decide; the line's new status."""
    conn = uow.connection
    line = waiting_line(uow, line_id)
    now = utcnow()
    repo.replace_candidates(conn, line.id, found, now, (new_id() for _ in found))
    status = repo.PROPOSED if found else repo.UNMATCHED
    repo.set_line_status(conn, line.id, status, matched_at=now, match_job_id=job_id, note=note)
    return status


def record_fee(uow: UnitOfWork, line_id: str, *, job_id: str | None) -> Posting:
    line = waiting_line(uow, line_id)
    posting = post_fee(uow, line)
    repo.clear_candidates(uow.connection, line.id)
    repo.set_line_status(
        uow.connection,
        line.id,
        repo.FEE,
        applied_amount=str(-Decimal(line.amount)),
        matched_at=utcnow(),
        match_job_id=job_id,
        note=posting.note or (f"posted as a bank fee (entry {posting.entry_id})" if posting.posted else None),
    )
    return posting


def candidate_allocations(uow: UnitOfWork, line_id: str, candidate_id: str) -> tuple[list[Allocation], float]:
    for row in repo.candidates_of(uow.connection, line_id):
        if row.id == candidate_id:
            allocations = [
                Allocation(a["item_id"], Decimal(a["amount"])) for a in json.loads(row.allocations)
            ]
            return allocations, float(row.confidence)
    raise ValidationError.for_field(
        "candidate_id", f"{candidate_id!r} is not a candidate of bank line {line_id}"
    )


def confirm(
    uow: UnitOfWork,
    line_id: str,
    *,
    candidate_id: str | None = None,
    items: Sequence[tuple[str, Decimal | None]] = (),
    by: str | None = None,
) -> Applied:
    """A person confirms one of the line's candidates, or names the invoices (and amounts) it settles.

    Without amounts, invoices take what is open of them in the order given, up to the line's amount
    (amounts are in the line's currency; a lei line paying a currency invoice gives it the lei left).
    """
    if (candidate_id is None) == (not items):
        raise ValidationError.for_field(
            "candidate_id", "give either candidate_id or items, not both or neither"
        )
    confidence = None
    line = waiting_line(uow, line_id)  # a settled line is a Conflict, whatever was asked
    if candidate_id is not None:
        allocations, confidence = candidate_allocations(uow, line_id, candidate_id)
    else:
        left = abs(Decimal(line.amount))
        rows = {r.id: r for r in repo.open_item_rows(uow.connection, [i for i, _ in items])}
        allocations = []
        for index, (item_id, wanted) in enumerate(items):
            row = rows.get(item_id)
            if row is None:
                raise ValidationError.for_field(f"items[{index}]", f"{item_id!r} is not a known invoice")
            if wanted is not None:
                take = wanted
            elif row.currency != line.currency:  # a lei line paying a currency invoice: the lei left
                take = left
            else:
                take = min(left, repo.dec(row.open_amount))
            if take <= 0:
                raise ValidationError.for_field(
                    f"items[{index}].amount", "nothing of the line is left for this invoice"
                )
            allocations.append(Allocation(item_id, take))
            left -= take
    return apply(uow, line_id, allocations, method="manual", confidence=confidence, by=by)
