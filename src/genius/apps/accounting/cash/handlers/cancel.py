"""Cancel a cash operation recorded by mistake, in the caller's unit of work: storno, open amount, event.

A posted entry never changes (``accounting.domain.entries``), so cancelling is the ledger's one
correction: ``handlers.entries.reverse_owned`` (the owner's path of ``reverse``, which refuses
cash entries to everyone else), the red-storno reversal (same accounts and sides,
negative amounts) that accounting uses for every reversal, cancelled sales documents included,
dated on the cancellation day; the period check of the posting refuses a closed or locked month,
naming it. In the same transaction:

* the operation keeps its row, marked cancelled with the day, the user, the reason and the storno
  entry; a second cancellation is refused naming the first (``domain.check_cancellation``);
* cancelling money in (a receipt, cash_in) takes it out of the register again from the
  cancellation day, so the register must not go below zero then or later (``domain.check_balance``);
* a receipt or payment gives its amount back to the invoice's open item in the bank part's read
  model (at most the invoice's total; a cancelled invoice stays cancelled), so the bank matcher
  proposes the invoice again; a settlement still waiting for its invoice is dropped instead;
* ``accounting.cash_settlement.cancelled`` goes out through the outbox (receipts and payments).

The register's row is locked first, as for recording, so a cancellation and a payment of the
same register are checked one after the other and two cancellations cannot both pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.cash import repository as repo
from genius.apps.accounting.cash.domain import CANCELLED, Kind, check_balance, check_cancellation
from genius.apps.accounting.cash.events import CashSettlementCancelled
from genius.apps.accounting.commands import ReverseEntry
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.kernel.clock import utcnow
from genius.kernel.errors import NotFound
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

STORNO_LABELS = {
    Kind.RECEIPT: "chitanța",
    Kind.PAYMENT: "plata",
    Kind.CASH_IN: "încasarea",
    Kind.CASH_OUT: "plata",
}


@dataclass(frozen=True)
class CancelInput:
    operation_id: str
    on: date  # the cancellation day: the storno entry's date
    reason: str


@dataclass(frozen=True)
class Cancelled:
    id: str
    number: str
    kind: str
    register: str
    amount: Decimal
    on: date
    reason: str
    cancelled_by: str | None
    entry_id: str
    reversal_entry_id: str
    reversal_entry_number: str | None
    document_number: str | None
    open_amount: Decimal | None  # what is open of the invoice afterwards (receipts and payments)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "register": self.register,
            "amount": str(self.amount),
            "status": CANCELLED,
            "cancellation": {
                "on": self.on.isoformat(),
                "reason": self.reason,
                "by": self.cancelled_by,
                "entry_id": self.reversal_entry_id,
                "entry_number": self.reversal_entry_number,
            },
            "entry_id": self.entry_id,
            "document_number": self.document_number,
            "open_amount": None if self.open_amount is None else str(self.open_amount),
        }


def cancel(
    uow: UnitOfWork, given: CancelInput, *, by: str | None = None, trail: AuditTrail | None = None
) -> Cancelled:
    """Reverse the operation's entry in red storno on ``given.on`` and mark it cancelled."""
    conn = uow.connection
    found = repo.get_operation(conn, given.operation_id)
    if found is None:
        raise NotFound(f"no cash operation {given.operation_id!r}")
    now = utcnow()
    repo.lock_register(conn, found.register, now)
    row = repo.get_operation(conn, given.operation_id, for_update=True)
    kind = Kind(row.kind)
    reason = check_cancellation(row.number, row.op_date, given.on, given.reason, repo.cancelled_state(row))
    amount = Decimal(row.amount)
    if kind.inflow:
        check_balance(
            row.register,
            repo.balance_before(conn, row.register, given.on),
            repo.movements_from(conn, row.register, given.on),
            given.on,
            amount,
            action=f"cancelling {kind.value} {row.number} takes out",
        )
    description = f"Stornare {STORNO_LABELS[kind]} {row.number} din {row.op_date.isoformat()}: {reason}"
    reversal = entry_handlers.reverse_owned(
        uow, ReverseEntry(row.entry_id, given.on, description[:500]), trail
    )
    repo.mark_cancelled(conn, row.id, on=given.on, by=by, at=now, reason=reason, entry_id=reversal.id)
    open_amount: Decimal | None = None
    if row.document_id is not None:
        open_amount = read_model.record_cash_cancellation(
            conn, operation_id=row.id, invoice_id=row.document_id, amount=amount
        )
        uow.publish(
            CashSettlementCancelled(
                operation_id=row.id,
                register=row.register,
                number=row.number,
                kind=kind.value,
                operation_date=row.op_date,
                on=given.on,
                amount=amount,
                currency="RON",
                document_type=row.document_type,
                document_id=row.document_id,
                document_number=row.document_number or "",
                partner_id=row.partner_id,
                entry_id=row.entry_id,
                reversal_entry_id=reversal.id,
                reason=reason,
                cancelled_by=by,
                open_amount=open_amount,
            ),
            subject=row.document_id,
        )
    done = Cancelled(
        row.id,
        row.number,
        kind.value,
        row.register,
        amount,
        given.on,
        reason,
        by,
        row.entry_id,
        reversal.id,
        reversal.number,
        row.document_number,
        open_amount,
    )
    audit(
        uow,
        trail,
        "accounting.cash_operation.cancel",
        row.id,
        before={"status": "active"},
        after=done.as_dict(),
        resource_type="accounting.cash_operation",
    )
    return done
