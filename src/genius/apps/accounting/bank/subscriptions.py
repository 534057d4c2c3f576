"""Other apps' events the bank part reacts to: its read model of open receivables and payables.

Consumer ``accounting.bank-open-items`` (queue of the same name):

=====================================  ==========================================================
sales.invoice.issued                   a receivable: open = the amount due (BT-115)
sales.credit_note.issued               lowers what is open of the invoice it corrects
sales.invoice.cancelled                closes the document (a cancelled credit note gives back)
sales.partner.created/updated          the partner's name and CUI (matched against payers)
procurement.supplier_invoice.received  a payable, with the supplier's IBAN when given;
                                       subscribed when the procurement app declares the event
                                       (fields: accounting's ``PURCHASE_SCHEMA`` and
                                       ``read_model.record_payable``)
=====================================  ==========================================================

Each effect runs through ``genius.platform.bus.transactional``: the inbox row and the read-model
change commit together, so a redelivered event changes nothing twice. Entry points start the
consumer (``consumer(...).start()``) beside accounting's ``accounting.postings``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from genius.apps.accounting.bank.handlers import read_model
from genius.apps.sales.events import (
    CreditNoteIssued,
    InvoiceCancelled,
    InvoiceIssued,
    PartnerCreated,
    PartnerUpdated,
)
from genius.kernel.errors import ValidationError
from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.handlers import TenantResolver, transactional
from genius.platform.bus.transport import Delivery, Transport
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantDatabases

CONSUMER = "accounting.bank-open-items"
SUPPLIER_INVOICE_RECEIVED = "procurement.supplier_invoice.received"


def _event_id(delivery: Delivery) -> str | None:
    return delivery.envelope.id if delivery.envelope is not None else None


def on_invoice_issued(uow: UnitOfWork, event: InvoiceIssued, delivery: Delivery) -> None:
    read_model.record_receivable(
        uow.connection,
        invoice_id=event.invoice_id,
        number=event.number,
        partner_id=event.partner_id,
        partner_name=event.buyer_name,
        buyer_vat_id=event.buyer_vat_id,
        currency=event.currency,
        total=event.payable_amount,
        issue_date=event.issue_date,
        due_date=event.due_date,
        event_id=_event_id(delivery),
        exchange_rate=event.exchange_rate,
    )


def on_credit_note_issued(uow: UnitOfWork, event: CreditNoteIssued, delivery: Delivery) -> None:
    read_model.record_credit_note(
        uow.connection,
        credit_note_id=event.invoice_id,
        number=event.number,
        corrects_id=event.corrected_invoice_id,
        partner_id=event.partner_id,
        partner_name=event.buyer_name,
        currency=event.currency,
        total=event.payable_amount,
        issue_date=event.issue_date,
        event_id=_event_id(delivery),
    )


def on_invoice_cancelled(uow: UnitOfWork, event: InvoiceCancelled, delivery: Delivery) -> None:
    read_model.record_cancellation(uow.connection, event.invoice_id)


def on_partner_changed(uow: UnitOfWork, event: PartnerCreated | PartnerUpdated, delivery: Delivery) -> None:
    read_model.record_partner(uow.connection, event.partner_id, event.name, event.cui)


def on_supplier_invoice_received(uow: UnitOfWork, event: Any, delivery: Delivery) -> None:
    try:
        read_model.record_payable(uow.connection, event, _event_id(delivery))
    except ValidationError as exc:
        raise Unprocessable(f"cannot record the supplier invoice: {exc.message}") from exc


Effect = Callable[[UnitOfWork, Any, Delivery], None]


def effects() -> dict[str, Effect]:
    """Event type -> effect; the supplier invoice joins when the procurement app declares its event."""
    found: dict[str, Effect] = {
        InvoiceIssued.event_type: on_invoice_issued,
        CreditNoteIssued.event_type: on_credit_note_issued,
        InvoiceCancelled.event_type: on_invoice_cancelled,
        PartnerCreated.event_type: on_partner_changed,
        PartnerUpdated.event_type: on_partner_changed,
    }
    try:  # X.subscriptions may import Y.events (DESIGN.md rule 5); procurement may not exist yet
        importlib.import_module("genius.apps.procurement.events")
        found[SUPPLIER_INVOICE_RECEIVED] = on_supplier_invoice_received
    except ImportError:
        pass
    return found


def handlers(databases: TenantDatabases, tenants: TenantResolver) -> Mapping[str, Any]:
    return {
        event_type: transactional(databases, CONSUMER, effect, tenants=tenants)
        for event_type, effect in effects().items()
    }


def consumer(
    transport: Transport, databases: TenantDatabases, tenants: TenantResolver, **options: Any
) -> Consumer:
    """The ``accounting.bank-open-items`` consumer; entry points start it."""
    return Consumer(transport, CONSUMER, handlers(databases, tenants), **options)


__all__ = ["CONSUMER", "consumer", "effects", "handlers"]
