"""Cancel what a bank line was (reconciled, fee, posted, transfer), in the caller's unit of work.

A wrong automatic match, an invoice confirmed by mistake, a line posted to the wrong account: the
accountant cancels the line's decision and decides it again. A posted entry never changes, so the
correction is the ledger's red storno (``entries.reverse_owned``: ``bank_line`` is an owned source,
the generic ``/entries/{id}/reverse`` refuses its entries and names this route), dated on the
cancellation day; the period check of the posting refuses a closed or locked month, naming it.
In the same transaction:

* the invoices the line settled get back what it cleared of each (at most their total; a cancelled
  invoice stays cancelled) and its reconciliations go (the audit record and the event keep them);
  the payer's IBAN they taught the matcher is forgotten unless another reconciliation confirms it;
* the line becomes ``reopened``: a person confirms invoices, posts it to an account or lets it be
  proposed again; the match run leaves it alone, so a wrong automatic match does not come back;
  ``reopened`` counts the cancellations and its next posting is sourced ``<role>#<n>``;
* an entry someone reversed through ``/entries/{id}/reverse`` before that route refused it is not
  reversed twice: its existing storno is named;
* ``accounting.bank_line.cancelled`` goes out through the outbox, and an audit record
  ``accounting.bank_line.cancel`` keeps what the line was.

Refused, naming the field or the rule: an unknown line (404), a line that is still waiting (409,
nothing to cancel), no reason or one over 500 characters, a storno day before the booking date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.events import BankLineCancelled
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.bank.handlers.ledger import line_source
from genius.apps.accounting.bank.handlers.reconcile import LineNotFound, StaleMatch
from genius.apps.accounting.commands import ReverseEntry
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

MAX_REASON: Final = 500
# The ledger role of each status's posting (ledger.post_line / post_fee, direct, transfers).
ROLES: Final = {repo.RECONCILED: "settle", repo.FEE: "fee", repo.POSTED: "post", repo.TRANSFER: "transfer"}
LABELS: Final = {
    repo.RECONCILED: "încasarea/plata",
    repo.FEE: "comisionul bancar",
    repo.POSTED: "înregistrarea",
    repo.TRANSFER: "viramentul intern",
}


@dataclass(frozen=True)
class CancelledLine:
    line_id: str
    was: str
    on: date
    reason: str
    entry_id: str | None
    reversal_entry_id: str | None
    items: tuple[dict[str, str], ...]  # item_id, number, amount given back, open_amount afterwards

    def as_dict(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "was": self.was,
            "on": self.on.isoformat(),
            "reason": self.reason,
            "entry_id": self.entry_id,
            "reversal_entry_id": self.reversal_entry_id,
            "items": list(self.items),
        }


def _check(line: Any, on: date, reason: str) -> str:
    if line.status not in repo.CANCELLABLE:
        raise StaleMatch(
            f"bank line {line.id} is {line.status}: only a reconciled, fee, posted or transfer line "
            "can be cancelled",
            details={"line_id": line.id, "status": line.status},
        )
    text = (reason or "").strip()
    if not text:
        raise ValidationError.for_field("reason", "required: why the line's posting is cancelled")
    if len(text) > MAX_REASON:
        raise ValidationError.for_field("reason", f"at most {MAX_REASON} characters")
    if on < line.booking_date:
        raise ValidationError.for_field(
            "on",
            f"{on.isoformat()} is before the line's booking date {line.booking_date.isoformat()}:"
            " a storno is dated on or after it",
        )
    return text


def _reverse(
    uow: UnitOfWork, line: Any, on: date, reason: str, trail: AuditTrail | None
) -> tuple[str | None, str | None]:
    """(entry, its storno) of the line's current posting; (None, None) when it has none."""
    entry_id = acc_repo.find_by_source(uow.connection, line_source(line, ROLES[line.status]))
    if entry_id is None:
        return None, None
    entry = acc_repo.get_entry(uow.connection, entry_id)
    if entry.reversed_by is not None:  # reversed through /entries/{id}/reverse before it was refused
        return entry_id, entry.reversed_by
    text = f"Stornare {LABELS[line.status]} din extrasul {line.booking_date.isoformat()}: {reason}"
    reversal = entry_handlers.reverse_owned(uow, ReverseEntry(entry_id, on, text[:500]), trail)
    return entry_id, reversal.id


def _give_back(conn: Any, line: Any, now: Any) -> tuple[dict[str, str], ...]:
    """What the line's reconciliations cleared, back to their invoices; the reconciliations go, and
    the payer's IBAN they taught is forgotten when no other reconciliation confirms it."""
    line_id = line.id
    settled = repo.reconciliations_of(conn, line_id)
    rows = {r.id: r for r in repo.open_item_rows(conn, [s.item_id for s in settled], for_update=True)}
    given = []
    for s in settled:
        amount = repo.dec(s.amount)
        item = rows.get(s.item_id)
        if item is None:  # not a receivable or payable any more: nothing to give back to
            continue
        back = read_model.give_back(conn, item, amount, now)
        given.append(
            {"item_id": item.id, "number": item.number, "amount": str(amount), "open_amount": str(back)}
        )
    repo.delete_reconciliations(conn, line_id)
    if line.counterparty_iban:
        for partner_id in {r.partner_id for r in rows.values() if r.partner_id}:
            repo.forget_iban(conn, line.counterparty_iban, partner_id)
    return tuple(given)


def cancel_line(
    uow: UnitOfWork,
    line_id: str,
    *,
    on: date,
    reason: str,
    by: str | None = None,
    trail: AuditTrail | None = None,
) -> CancelledLine:
    """Reverse the line's entry in red storno on ``on`` and reopen the line (see the module docstring)."""
    conn = uow.connection
    line = repo.line_row(conn, line_id, for_update=True)
    if line is None:
        raise LineNotFound(f"no bank line {line_id!r}", details={"line_id": line_id})
    text = _check(line, on, reason)
    was = line.status
    entry_id, reversal_id = _reverse(uow, line, on, text, trail)
    now = utcnow()
    items = _give_back(conn, line, now)
    repo.clear_candidates(conn, line.id)
    storno = f" (storno entry {reversal_id})" if reversal_id else ""
    repo.set_line_status(
        conn,
        line.id,
        repo.REOPENED,
        applied_amount="0",
        matched_at=None,
        match_job_id=None,
        note=f"{was} cancelled on {on.isoformat()}{storno}: {text}",
        reopened=(line.reopened or 0) + 1,
    )
    done = CancelledLine(line.id, was, on, text, entry_id, reversal_id, items)
    uow.publish(
        BankLineCancelled(
            line_id=line.id,
            statement_id=line.statement_id,
            booking_date=line.booking_date,
            amount=Decimal(line.amount),
            currency=line.currency,
            was=was,
            on=on,
            reason=text,
            items=list(items),
            entry_id=entry_id,
            reversal_entry_id=reversal_id,
            cancelled_by=by,
        ),
        subject=line.id,
    )
    audit(
        uow,
        trail,
        "accounting.bank_line.cancel",
        line.id,
        before={
            "status": was,
            "applied_amount": line.applied_amount,
            "note": line.note,
            "entry_id": entry_id,
        },
        after={**done.as_dict(), "status": repo.REOPENED},
        resource_type="accounting.bank_line",
    )
    return done
