"""The open-items read model: what sales and procurement events say is owed, and to whom.

Receivables come from ``sales.invoice.issued`` (open = the amount due, BT-115); a credit note
(``sales.credit_note.issued``) lowers what is open of the invoice it corrects, or waits for that
invoice when it arrives first; ``sales.invoice.cancelled`` closes a document (a cancelled credit
note gives its amount back). Payables come from ``procurement.supplier_invoice.received``. The
partner's CUI comes from ``sales.partner.*`` events (or the buyer's VAT id); a supplier invoice's
IBAN is remembered as the supplier's account.

Settlements lower what is open: a bank reconciliation (``handlers.reconcile``) and a cash receipt
or payment (``record_cash_settlement``, called by the cash register in the same transaction as its
posting; ``record_cash_cancellation`` gives it back), so ``open_amount`` is the one figure both the
matcher and the cash register check against. A cash settlement recorded before the invoice's own
event arrived waits as a pending row (like a credit note) and is applied when the invoice is recorded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from genius.apps.accounting.bank import repository as repo
from genius.apps.accounting.bank.domain.model import ItemKind
from genius.fiscal.ro.bankstatements.identifiers import valid_cui, valid_iban
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError

CREDIT_NOTE = "credit_note"
CASH = "cash"  # a cash receipt or payment (cash register) lowering the invoice it settles


def _cui_of(vat_id: str | None) -> str | None:
    """The CUI in a Romanian VAT id (RO + CUI); None for a foreign one."""
    return valid_cui(vat_id) if vat_id else None


def record_receivable(
    conn: Connection,
    *,
    invoice_id: str,
    number: str,
    partner_id: str | None,
    partner_name: str,
    buyer_vat_id: str | None,
    currency: str,
    total: Decimal,
    issue_date: Any,
    due_date: Any,
    event_id: str | None,
    exchange_rate: Decimal | None = None,
) -> None:
    """``exchange_rate``: lei per unit of a foreign currency (the invoice's rate; None for RON)."""
    cui = repo.partner_cui(conn, partner_id) or _cui_of(buyer_vat_id)
    _record(conn, invoice_id, ItemKind.RECEIVABLE.value, number, partner_id, partner_name, cui, None,
            currency, total, issue_date, due_date, event_id, exchange_rate)  # fmt: skip


def record_payable(conn: Connection, event: Any, event_id: str | None) -> None:
    """``procurement.supplier_invoice.received``: the fields the ledger reads (accounting's
    ``PURCHASE_SCHEMA``) plus, when present, ``payable_amount``, ``supplier_cui``, ``supplier_iban``."""
    try:
        total = getattr(event, "payable_amount", None)
        if total is None:
            total = sum(
                (Decimal(str(p["net"])) + Decimal(str(p.get("vat") or "0")) for p in event.parts), Decimal(0)
            )
        cui = valid_cui(getattr(event, "supplier_cui", None)) or repo.partner_cui(conn, event.supplier_id)
        iban = valid_iban(getattr(event, "supplier_iban", None))
        rate = getattr(event, "exchange_rate", None)
        _record(conn, event.supplier_invoice_id, ItemKind.PAYABLE.value, event.number, event.supplier_id,
                event.supplier_name, cui, iban, event.currency, Decimal(str(total)), event.invoice_date,
                event.due_date, event_id, Decimal(str(rate)) if rate not in (None, "") else None)  # fmt: skip
    except (AttributeError, KeyError, ArithmeticError) as exc:
        raise ValidationError.for_field("data", f"a supplier invoice event without {exc}") from exc
    if iban and event.supplier_id:
        repo.learn_iban(conn, iban, event.supplier_id, "supplier_invoice", utcnow())


def _record(conn, item_id, kind, number, partner_id, name, cui, iban, currency, total, issued, due, event_id,  # type: ignore[no-untyped-def]
            rate=None):  # fmt: skip
    now = utcnow()
    existing = repo.open_item_row(conn, item_id)
    repo.upsert_open_item(
        conn,
        {
            "id": item_id,
            "kind": kind,
            "number": number[:64],
            "partner_id": partner_id,
            "partner_name": (name or "")[:200],
            "partner_cui": cui,
            "partner_iban": iban,
            "currency": currency,
            "exchange_rate": f"{rate:f}" if rate is not None and currency != "RON" else None,
            "total": str(total),
            "open_amount": str(total),
            "issue_date": issued,
            "due_date": due,
            "status": repo.OPEN if total > 0 else repo.SETTLED,
            "corrects_id": None,
            "source_event_id": event_id,
            "updated_at": now,
        },
    )
    if existing is None:
        for note in repo.pending_reductions(conn, item_id):
            _apply_credit(conn, note.id, item_id, repo.dec(note.total))


def record_credit_note(
    conn: Connection,
    *,
    credit_note_id: str,
    number: str,
    corrects_id: str,
    partner_id: str | None,
    partner_name: str,
    currency: str,
    total: Decimal,
    issue_date: Any,
    event_id: str | None,
) -> None:
    if repo.open_item_row(conn, credit_note_id) is not None:
        return
    repo.upsert_open_item(
        conn,
        {
            "id": credit_note_id,
            "kind": CREDIT_NOTE,
            "number": number[:64],
            "partner_id": partner_id,
            "partner_name": (partner_name or "")[:200],
            "partner_cui": None,
            "partner_iban": None,
            "currency": currency,
            "total": str(total),
            "open_amount": "0",
            "issue_date": issue_date,
            "due_date": None,
            "status": repo.PENDING,
            "corrects_id": corrects_id,
            "source_event_id": event_id,
            "updated_at": utcnow(),
        },
    )
    if repo.open_item_row(conn, corrects_id) is not None:
        _apply_credit(conn, credit_note_id, corrects_id, total)


def _apply_credit(conn: Connection, note_id: str, invoice_id: str, credit: Decimal) -> None:
    invoice = repo.open_item_row(conn, invoice_id)
    left = max(Decimal("0.00"), repo.dec(invoice.open_amount) - credit)
    status = invoice.status if invoice.status == repo.CANCELLED else (repo.OPEN if left > 0 else repo.SETTLED)
    repo.update_open_item(conn, invoice_id, open_amount=str(left), status=status, updated_at=utcnow())
    repo.update_open_item(conn, note_id, status=repo.APPLIED, updated_at=utcnow())


def settling_item(conn: Connection, item_id: str) -> Any:
    """The receivable or payable ``item_id`` locked for a settlement (None when not known yet)."""
    rows = repo.open_item_rows(conn, [item_id], for_update=True)
    return rows[0] if rows else None


def record_cash_settlement(
    conn: Connection,
    *,
    operation_id: str,
    number: str,
    invoice_id: str,
    partner_id: str | None,
    partner_name: str,
    amount: Decimal,
    on: Any,
) -> Decimal | None:
    """A cash receipt or payment of ``amount`` lei against ``invoice_id``; what is open afterwards.

    The caller checked ``amount`` against what is open (``settling_item``). Recorded once per
    operation; when the invoice is not known yet, the settlement waits (pending) and is applied
    when the invoice arrives, so the open amount counts it either way. None: the invoice is not known.
    """
    if repo.open_item_row(conn, operation_id) is not None:
        invoice = repo.open_item_row(conn, invoice_id)
        return repo.dec(invoice.open_amount) if invoice is not None else None
    repo.upsert_open_item(
        conn,
        {
            "id": operation_id,
            "kind": CASH,
            "number": number[:64],
            "partner_id": partner_id,
            "partner_name": (partner_name or "")[:200],
            "partner_cui": None,
            "partner_iban": None,
            "currency": "RON",
            "total": str(amount),
            "open_amount": "0",
            "issue_date": on,
            "due_date": None,
            "status": repo.PENDING,
            "corrects_id": invoice_id,
            "source_event_id": None,
            "updated_at": utcnow(),
        },
    )
    if repo.open_item_row(conn, invoice_id) is None:
        return None
    _apply_credit(conn, operation_id, invoice_id, amount)
    return repo.dec(repo.open_item_row(conn, invoice_id).open_amount)


def give_back(conn: Connection, invoice: Any, amount: Decimal, now: Any) -> Decimal:
    """``amount`` back to an invoice's open item (at most its total) and the item open again; a
    cancelled invoice stays as it is. What is open of it afterwards."""
    if invoice.status == repo.CANCELLED:
        return repo.dec(invoice.open_amount)
    back = min(repo.dec(invoice.total), repo.dec(invoice.open_amount) + amount)
    repo.update_open_item(conn, invoice.id, open_amount=str(back), status=repo.OPEN, updated_at=now)
    return back


def record_cash_cancellation(
    conn: Connection, *, operation_id: str, invoice_id: str, amount: Decimal
) -> Decimal | None:
    """A cash settlement cancelled: ``amount`` back to the invoice's open item (at most its total; a
    cancelled invoice stays cancelled), a pending one dropped (it will not be applied later); what
    is open of the invoice afterwards (None: the invoice is not known)."""
    settlement = repo.open_item_row(conn, operation_id)
    invoice = settling_item(conn, invoice_id)  # locked until the transaction ends
    now = utcnow()
    if settlement is not None and settlement.status != repo.CANCELLED:
        if settlement.status == repo.APPLIED and invoice is not None:
            give_back(conn, invoice, amount, now)
        repo.update_open_item(conn, operation_id, status=repo.CANCELLED, updated_at=now)
    row = repo.open_item_row(conn, invoice_id)
    return repo.dec(row.open_amount) if row is not None else None


def record_cancellation(conn: Connection, document_id: str) -> None:
    row = repo.open_item_row(conn, document_id)
    if row is None or row.status == repo.CANCELLED:
        return
    now = utcnow()
    if row.kind == CREDIT_NOTE and row.status == repo.APPLIED and row.corrects_id:
        invoice = repo.open_item_row(conn, row.corrects_id)
        if invoice is not None:
            give_back(conn, invoice, repo.dec(row.total), now)
    repo.update_open_item(conn, document_id, status=repo.CANCELLED, updated_at=now)


def record_partner(conn: Connection, partner_id: str, name: str, cui: str | None) -> None:
    repo.upsert_partner(conn, partner_id, name[:200], valid_cui(cui) if cui else None, utcnow())
