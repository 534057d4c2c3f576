"""Record one cash operation in the caller's unit of work: checks, the document number, the entry.

Order of the checks, each refusal naming what to fix: the register account (5311 or an analytic),
the amount, the document (an issued, not cancelled, lei invoice with enough left to settle), the
legal limits of Law 70/2015 (domain.check_limits), then the balance: money out must not take the
register below zero on its day or any later day (domain.check_balance). The register's row is
locked first, so two operations of one register are checked one after the other.

What is left to settle of an invoice is one figure for bank and cash alike: the open amount of the
invoice in the bank part's open-items read model (``bank.handlers.read_model``), which counts credit
notes, bank reconciliations and cash settlements. The invoice's row there is locked, the receipt or
payment lowers it in the same transaction as its posting (so the ``match`` worker never proposes a
bank line for what cash already settled), and ``accounting.cash_settlement.recorded`` goes out
through the outbox with them. While the invoice is not in the read model yet (its event not
consumed), the ledger's total less this register's earlier settlements is the limit, and the
settlement waits there to be applied when the invoice arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.accounting import repository as acc_repo
from genius.apps.accounting.bank import repository as bank_repo
from genius.apps.accounting.bank.handlers import read_model
from genius.apps.accounting.cash import repository as repo
from genius.apps.accounting.cash.domain import (
    Kind,
    PartnerCash,
    check_amount,
    check_balance,
    check_counter_account,
    check_limits,
    check_register_account,
    parse_kind,
)
from genius.apps.accounting.cash.events import CashSettlementRecorded
from genius.apps.accounting.domain.entries import Entry, EntryDraft, Line, SourceDocument
from genius.apps.accounting.domain.errors import EntryNotFound
from genius.apps.accounting.domain.postings import CASH_JOURNAL, Settlement
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.audit import audit
from genius.apps.accounting.handlers.postings import post_settlement
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

SALES_INVOICE = "sales_invoice"
SUPPLIER_INVOICE = "supplier_invoice"
SOURCE_TYPES = {Kind.RECEIPT: "cash_receipt", Kind.PAYMENT: "cash_payment"}
PLAIN_SOURCE = "cash_operation"


@dataclass(frozen=True)
class CashInput:
    kind: str
    on: date
    amount: Decimal
    register: str = "5311"
    invoice_id: str | None = None  # receipt: the sales invoice; payment: the supplier invoice
    counter_account: str | None = None  # cash_in / cash_out
    description: str = ""


@dataclass(frozen=True)
class Recorded:
    id: str
    number: str
    kind: str
    register: str
    on: date
    amount: Decimal
    entry_id: str
    entry_number: str | None
    partner_id: str | None
    document_number: str | None
    counter_account: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "register": self.register,
            "on": self.on.isoformat(),
            "amount": str(self.amount),
            "entry_id": self.entry_id,
            "entry_number": self.entry_number,
            "partner_id": self.partner_id,
            "document_number": self.document_number,
            "counter_account": self.counter_account,
        }


@dataclass(frozen=True)
class _Invoice:
    source: SourceDocument
    partner_id: str | None
    partner_account: str
    total: Decimal


def _invoice(uow: UnitOfWork, kind: Kind, invoice_id: str | None) -> _Invoice:
    if not invoice_id:
        what = "sales invoice" if kind is Kind.RECEIPT else "supplier invoice"
        raise ValidationError.for_field("invoice_id", f"required: the id of the {what} this settles")
    conn = uow.connection
    source_type = SALES_INVOICE if kind is Kind.RECEIPT else SUPPLIER_INVOICE
    entry_id = acc_repo.find_by_source(conn, SourceDocument(source_type, invoice_id, ""))
    if entry_id is None:
        raise EntryNotFound(
            f"invoice_id: no posted {source_type.replace('_', ' ')} {invoice_id!r} in the ledger"
        )
    entry: Entry = acc_repo.get_entry(conn, entry_id)
    assert entry.source is not None
    if entry.reversed_by is not None:
        raise Conflict(
            f"invoice {entry.source.number} was cancelled (its entry is reversed)", code="cancelled"
        )
    settings = acc_repo.load_settings(conn)
    synthetic = settings.receivable_account if kind is Kind.RECEIPT else settings.payable_account
    side = [
        line
        for line in entry.lines
        if line.account.split(".")[0] == synthetic
        and (line.debit if kind is Kind.RECEIPT else line.credit) > 0
    ]
    if not side:
        raise ValidationError.for_field(
            "invoice_id", f"invoice {entry.source.number} has no {synthetic} line to settle"
        )
    if any(line.currency != "RON" for line in side):
        raise ValidationError.for_field(
            "invoice_id",
            f"invoice {entry.source.number} is in {side[0].currency}: the lei cash register settles lei"
            " invoices (a currency invoice is settled through the bank, at the BNR rate)",
        )
    total = sum((line.amount for line in side), Decimal(0))
    return _Invoice(entry.source, side[0].partner_id, side[0].account, total)


def _check_open(uow: UnitOfWork, document: _Invoice, cash_before: Decimal, amount: Decimal) -> None:
    """Refuse more than is open of the invoice, whatever settled it before (bank, cash, credit notes)."""
    left = document.total - cash_before
    other = Decimal("0.00")
    item = read_model.settling_item(uow.connection, document.source.id)
    if item is not None:
        still = bank_repo.dec(item.open_amount) if item.status == bank_repo.OPEN else Decimal("0.00")
        other = max(Decimal("0.00"), left - still)
        left = min(left, still)
    if amount > left:
        elsewhere = f", {other} through the bank or credit notes" if other else ""
        raise Conflict(
            f"invoice {document.source.number}: {left} lei left to settle (total {document.total},"
            f" {cash_before} already through the cash register{elsewhere}), not {amount}",
            code="overpaid",
            details={"invoice": document.source.number, "open": str(left)},
        )


def _settle(
    uow: UnitOfWork,
    kind: Kind,
    operation_id: str,
    number: str,
    register: str,
    on: date,
    amount: Decimal,
    document: _Invoice,
    partner_id: str | None,
    entry: Entry,
) -> None:
    """Lower the invoice's open amount and publish the settlement, in the operation's transaction."""
    name, _ = _partner(uow, partner_id, document.source.number)
    still_open = read_model.record_cash_settlement(
        uow.connection,
        operation_id=operation_id,
        number=number,
        invoice_id=document.source.id,
        partner_id=partner_id,
        partner_name=name,
        amount=amount,
        on=on,
    )
    uow.publish(
        CashSettlementRecorded(
            operation_id=operation_id,
            register=register,
            number=number,
            kind=kind.value,
            on=on,
            amount=amount,
            currency="RON",
            document_type=document.source.type,
            document_id=document.source.id,
            document_number=document.source.number,
            partner_id=partner_id,
            entry_id=entry.id,
            open_amount=still_open,
        ),
        subject=document.source.id,
    )


def _partner(uow: UnitOfWork, partner_id: str | None, fallback: str) -> tuple[str, bool]:
    if partner_id is None:
        return fallback, False
    row = acc_repo.partner_row(uow.connection, partner_id)
    if row is None:
        return fallback, False
    return str(row.name or fallback), row.kind == "individual"


def record(
    uow: UnitOfWork, given: CashInput, *, by: str | None = None, trail: AuditTrail | None = None
) -> Recorded:
    """Check and post one cash operation; returns it with its number and entry."""
    kind = parse_kind(given.kind)
    register = check_register_account(given.register)
    amount = check_amount(given.amount)
    conn = uow.connection
    known = acc_repo.accounts_by_code(conn, [register])
    if register not in known:
        raise ValidationError.for_field(
            "account", f"account {register} is not in the ledger: create it first"
        )
    now = utcnow()
    repo.lock_register(conn, register, now)
    operation_id = new_id()
    partner_id: str | None = None
    partner_kind: str | None = None
    document: _Invoice | None = None
    counter: str
    if kind in (Kind.RECEIPT, Kind.PAYMENT):
        if given.counter_account:
            raise ValidationError.for_field(
                "counter_account", "a receipt or payment settles its invoice's partner account; leave it out"
            )
        document = _invoice(uow, kind, given.invoice_id)
        settled = repo.document_cash_total(conn, document.source.type, document.source.id)
        _check_open(uow, document, settled, amount)
        partner_id, counter = document.partner_id, document.partner_account
        name, individual = _partner(uow, partner_id, document.source.number)
        partner_kind = "individual" if individual else "company"
        same_day = (
            repo.partner_day_total(conn, partner_id, kind, given.on)
            if partner_id is not None
            else repo.document_cash_total(conn, document.source.type, document.source.id, given.on)
        )  # a one-off buyer (no partner): what this invoice already took that day
        check_limits(
            PartnerCash(
                kind=kind,
                partner_name=name,
                individual=individual,
                amount=amount,
                same_day_with_partner=same_day,
                same_day_payments=repo.business_payments_of_day(conn, given.on),
                invoice_total=document.total,
                invoice_cash_so_far=settled,
                on=given.on,
            )
        )
    else:
        if given.invoice_id:
            raise ValidationError.for_field(
                "invoice_id", f"a {kind} names no invoice; use receipt or payment"
            )
        counter = check_counter_account(given.counter_account or "", register)
        if counter not in acc_repo.accounts_by_code(conn, [counter]):
            raise ValidationError.for_field("counter_account", f"account {counter} is not in the ledger")
    if not kind.inflow:
        check_balance(
            register,
            repo.balance_before(conn, register, given.on),
            repo.movements_from(conn, register, given.on),
            given.on,
            amount,
        )
    number = repo.next_number(conn, register, given.on.year)
    entry = _post(uow, kind, operation_id, number, register, counter, amount, given, document, partner_id)
    repo.insert_operation(
        conn,
        id=operation_id,
        register=register,
        number=number,
        kind=kind.value,
        op_date=given.on,
        amount=f"{amount:f}",
        partner_id=partner_id,
        partner_kind=partner_kind,
        document_type=document.source.type if document else None,
        document_id=document.source.id if document else None,
        document_number=document.source.number if document else None,
        counter_account=counter,
        description=entry.description[:300],
        entry_id=entry.id,
        created_by=by,
        created_at=now,
    )
    if document is not None:
        _settle(uow, kind, operation_id, number, register, given.on, amount, document, partner_id, entry)
    recorded = Recorded(
        operation_id,
        number,
        kind.value,
        register,
        given.on,
        amount,
        entry.id,
        entry.number,
        partner_id,
        document.source.number if document else None,
        counter,
    )
    audit(
        uow,
        trail,
        "accounting.cash_operation.record",
        operation_id,
        after=recorded.as_dict(),
        resource_type="accounting.cash_operation",
    )
    return recorded


def _post(
    uow: UnitOfWork,
    kind: Kind,
    operation_id: str,
    number: str,
    register: str,
    counter: str,
    amount: Decimal,
    given: CashInput,
    document: _Invoice | None,
    partner_id: str | None,
) -> Entry:
    if document is not None:
        label = "Chitanță" if kind is Kind.RECEIPT else "Plată numerar"
        description = (given.description or f"{label} {number} pentru factura {document.source.number}")[:500]
        source = SourceDocument(SOURCE_TYPES[kind], operation_id, number)
        return post_settlement(
            uow,
            Settlement(
                kind=kind.value,
                source=source,
                on=given.on,
                partner_id=partner_id,
                partner_account=document.partner_account,
                treasury_account=register,
                amount=amount,
                description=description,
            ),
        )
    label = "Încasare numerar" if kind is Kind.CASH_IN else "Plată numerar"
    description = (given.description or f"{label} {number}")[:500]
    lines = (
        (Line(register, debit=amount), Line(counter, credit=amount))
        if kind.inflow
        else (Line(counter, debit=amount), Line(register, credit=amount))
    )
    draft = EntryDraft(
        CASH_JOURNAL, given.on, description, lines, source=SourceDocument(PLAIN_SOURCE, operation_id, number)
    )
    return entry_handlers.post(uow, draft)
