"""Other apps' events the ledger reacts to: sales documents become entries, exactly once.

Consumer ``accounting.postings`` (queue of the same name):

=============================  ===================================================================
sales.partner.created/updated  keep the partner's name and identifiers (partner statements, D406)
sales.invoice.issued           4111 = 70x + 4427 (per revenue class and VAT group; K/G/AE/E no VAT)
sales.credit_note.issued       the same in red storno (default) or in black (tenant setting)
sales.invoice.cancelled        red-storno reversal of the document's entry
procurement.supplier_invoice.received
                               6xx/3xx + 4426 = 401 (reverse charge 4426 = 4427); a supplier credit
                               note (signed, negative parts) in red storno
=============================  ===================================================================

Each handler runs through ``genius.platform.bus.transactional``: the inbox row (consumer, event
id) and the entry commit in one transaction, so a redelivered event finds its inbox row and
posts nothing; the ledger's unique (source type, id, role) is a second guard. A document that can
never post (unknown account in a rule, closed period) is ``Unprocessable``: it goes to the dead
letters with the reason, to be replayed after the accountant fixes the cause (reopen the month).

The sales events v2 carry ``revenue``: net and VAT per (item kind, product category, VAT
category, rate), so each class posts by the tenant's rules (rules.py: product category, then VAT
category, then kind; defaults 707 goods, 704 services, 706 for rent of own property by its CPV
class, 708 other). A v1 event (an older outbox row, a replay) carries only the VAT breakdown and
posts per VAT group by the VAT-category rule, else the sales default (707), as it always did.
The supplier event v2 carries the same keys in its signed ``parts``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from genius.apps.accounting import repository as repo
from genius.apps.accounting.commands import ReverseEntry
from genius.apps.accounting.domain.entries import SourceDocument
from genius.apps.accounting.domain.errors import AlreadyPosted, PeriodClosed
from genius.apps.accounting.domain.periods import Period, PeriodStatus
from genius.apps.accounting.domain.postings import DocumentPart, PurchaseDocument, SalesDocument
from genius.apps.accounting.domain.vat import purchase_treatment
from genius.apps.accounting.handlers import entries as entry_handlers
from genius.apps.accounting.handlers.postings import (
    CUSTOMER,
    SUPPLIER,
    partner_account,
    post_purchase_document,
    post_sales_document,
)
from genius.apps.procurement.events import SupplierInvoiceReceived
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

CONSUMER = "accounting.postings"
SALES_INVOICE = "sales_invoice"
SALES_CREDIT_NOTE = "sales_credit_note"
SUPPLIER_INVOICE = "supplier_invoice"
SUPPLIER_CREDIT_NOTE = "supplier_credit_note"


def _unprocessable(exc: Exception) -> Unprocessable:
    return Unprocessable(f"cannot post: {exc}")


def _parts(breakdown: list[dict[str, str]]) -> tuple[DocumentPart, ...]:
    parts = []
    for group in breakdown:
        rate = group.get("rate")
        parts.append(
            DocumentPart(
                net=Decimal(group["taxable_amount"]),
                vat=Decimal(group.get("tax_amount") or "0"),
                vat_category=group["category"],
                vat_rate=Decimal(rate) if rate not in (None, "") else None,
            )
        )
    return tuple(parts)


def _parts_from_lines(lines: list[dict[str, Any]]) -> tuple[DocumentPart, ...]:
    """Parts of a v2 ``revenue`` list or a supplier event's ``parts`` (one per class and VAT group)."""
    return tuple(
        DocumentPart(
            net=Decimal(str(line["net"])),
            vat=Decimal(str(line.get("vat") or "0")),
            vat_category=str(line.get("vat_category") or "S"),
            vat_rate=Decimal(str(line["vat_rate"])) if line.get("vat_rate") not in (None, "") else None,
            item_kind=line.get("item_kind"),
            product_category=line.get("product_category"),
        )
        for line in lines
    )


def _sales_document(
    uow: UnitOfWork, event: InvoiceIssued | CreditNoteIssued, credit_note: bool
) -> SalesDocument:
    if event.partner_id is not None:
        repo.upsert_partner(uow.connection, event.partner_id, name=event.buyer_name[:300])
    account = partner_account(uow, event.partner_id, CUSTOMER, event.buyer_name)
    source = SourceDocument(
        SALES_CREDIT_NOTE if credit_note else SALES_INVOICE, event.invoice_id, event.number
    )
    due = getattr(event, "due_date", None)
    return SalesDocument(
        source=source,
        issue_date=event.issue_date,
        partner_id=event.partner_id,
        receivable_account=account,
        currency=event.currency,
        exchange_rate=event.exchange_rate,
        parts=_parts_from_lines(revenue)
        if (revenue := getattr(event, "revenue", None))
        else _parts(event.vat_breakdown),
        vat_total_ron=event.vat_total_ron if event.currency != "RON" else None,
        buyer_foreign=event.buyer_kind == "foreign",
        due_date=due,
        credit_note=credit_note,
        description=(
            f"Factură storno {event.number} la {event.corrected_invoice_number}, {event.buyer_name}"
            if isinstance(event, CreditNoteIssued)
            else f"Factură {event.number}, {event.buyer_name}"
        )[:500],
    )


def on_invoice_issued(uow: UnitOfWork, event: InvoiceIssued, delivery: Delivery) -> None:
    _post_sales(uow, event, delivery, credit_note=False)


def on_credit_note_issued(uow: UnitOfWork, event: CreditNoteIssued, delivery: Delivery) -> None:
    _post_sales(uow, event, delivery, credit_note=True)


def _post_sales(
    uow: UnitOfWork, event: InvoiceIssued | CreditNoteIssued, delivery: Delivery, *, credit_note: bool
) -> None:
    try:
        post_sales_document(
            uow, _sales_document(uow, event, credit_note), source_event_id=_event_id(delivery)
        )
    except AlreadyPosted:
        return  # posted by an earlier delivery under another consumer name or by hand: nothing to do
    except (ValidationError, PeriodClosed) as exc:
        raise _unprocessable(exc) from exc


def on_invoice_cancelled(uow: UnitOfWork, event: InvoiceCancelled, delivery: Delivery) -> None:
    """Reverse the cancelled document's entry in red, dated in its own month while that is open."""
    kind = SALES_CREDIT_NOTE if event.document_type == "credit_note" else SALES_INVOICE
    conn = uow.connection
    entry_id = repo.find_by_source(conn, SourceDocument(kind, event.invoice_id, event.number))
    if entry_id is None:
        # Delivery order is kept per tenant, so the issue's posting normally exists; retry later.
        raise LookupError(f"no entry yet for {kind} {event.number}; retrying")
    original = repo.get_entry(conn, entry_id)
    if original.reversed_by is not None:
        return
    own_month = Period.of(original.entry_date)
    envelope = delivery.envelope
    today = envelope.time.date() if envelope is not None else original.entry_date
    on = original.entry_date if repo.period_status(conn, own_month) is PeriodStatus.OPEN else today
    try:
        entry_handlers.reverse(
            uow, ReverseEntry(entry_id, on, f"Anulare {event.number}: {event.reason}"[:500])
        )
    except (ValidationError, PeriodClosed) as exc:
        raise _unprocessable(exc) from exc


def on_partner_changed(uow: UnitOfWork, event: PartnerCreated | PartnerUpdated, delivery: Delivery) -> None:
    repo.upsert_partner(
        uow.connection,
        event.partner_id,
        name=event.name[:300],
        kind=event.kind,
        country_code=event.country_code,
        cui=event.cui,
        vat_id=event.vat_id,
    )


def on_supplier_invoice_received(uow: UnitOfWork, event: SupplierInvoiceReceived, delivery: Delivery) -> None:
    """6xx/3xx + 4426 = 401 per VAT group; a credit note's signed (negative) parts post in red storno."""
    try:
        if event.supplier_id is not None:
            repo.upsert_partner(uow.connection, event.supplier_id, name=event.supplier_name[:300])
        parts = tuple(
            DocumentPart(
                net=Decimal(str(p["net"])),
                vat=Decimal(str(p.get("vat") or "0")),
                vat_category=str(p.get("vat_category") or "S"),
                vat_rate=Decimal(str(p["vat_rate"])) if p.get("vat_rate") not in (None, "") else None,
                item_kind=p.get("item_kind"),
                product_category=p.get("product_category"),
                treatment=purchase_treatment(str(p.get("treatment") or "taxable")),
            )
            for p in event.parts
        )
        credit_note = event.document_kind == "credit_note"
        doc = PurchaseDocument(
            source=SourceDocument(
                SUPPLIER_CREDIT_NOTE if credit_note else SUPPLIER_INVOICE,
                event.supplier_invoice_id,
                event.number,
            ),
            invoice_date=event.invoice_date,
            partner_id=event.supplier_id,
            payable_account=partner_account(uow, event.supplier_id, SUPPLIER, event.supplier_name),
            currency=event.currency,
            exchange_rate=event.exchange_rate,
            parts=parts,
            due_date=event.due_date,
            description=f"Factură furnizor {event.number}, {event.supplier_name}"[:500],
        )
        post_purchase_document(uow, doc, storno=credit_note, source_event_id=_event_id(delivery))
    except AlreadyPosted:
        return
    except (ValidationError, PeriodClosed) as exc:
        raise _unprocessable(exc) from exc


def _event_id(delivery: Delivery) -> str | None:
    return delivery.envelope.id if delivery.envelope is not None else None


Effect = Callable[[UnitOfWork, Any, Delivery], None]


def effects() -> dict[str, Effect]:
    """Event type -> effect."""
    return {
        InvoiceIssued.event_type: on_invoice_issued,
        CreditNoteIssued.event_type: on_credit_note_issued,
        InvoiceCancelled.event_type: on_invoice_cancelled,
        PartnerCreated.event_type: on_partner_changed,
        PartnerUpdated.event_type: on_partner_changed,
        SupplierInvoiceReceived.event_type: on_supplier_invoice_received,
    }


def handlers(databases: TenantDatabases, tenants: TenantResolver) -> Mapping[str, Any]:
    """The exactly-once handlers (inbox + entry in one transaction) for a ``Consumer``."""
    return {
        event_type: transactional(databases, CONSUMER, effect, tenants=tenants)
        for event_type, effect in effects().items()
    }


def consumer(
    transport: Transport, databases: TenantDatabases, tenants: TenantResolver, **options: Any
) -> Consumer:
    """The ``accounting.postings`` consumer; entry points start it (``await consumer.start()``)."""
    return Consumer(transport, CONSUMER, handlers(databases, tenants), **options)


__all__ = ["CONSUMER", "consumer", "effects", "handlers"]
