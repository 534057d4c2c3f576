"""Sales events the D406 read model reacts to: consumer ``accounting.saft`` (queue of the same name).

=============================  ===================================================================
sales.partner.created/updated  the partner's identity and its D406 ID (00+CUI, 01+VAT ID, ...)
sales.invoice.issued           the issued invoice: buyer ID and billing address, lines, products,
                               amounts in lei and tax codes, the company's seller data
sales.credit_note.issued       the same, kept in red (negative amounts, InvoiceType 381)
sales.invoice.cancelled        the document is marked cancelled (left out of SalesInvoices)
procurement.supplier_invoice.  a received supplier invoice or credit note (PurchaseInvoices): the
received                       supplier's ID and address, lines, tax codes of the ledger's treatment
=============================  ===================================================================

Sales events carry totals, not lines or addresses (on purpose: they stay small and free of
personal data). The lines and addresses are in the issued UBL, the legal document whose SHA-256
the event carries; the consumer reads it through ``IssuedXml``, a port the entry point wires to
the sales app's read side (``genius.workers.anaf_saft.sales_issued_xml``): accounting never
imports sales (DESIGN.md rule 5), and the copy is checked against the event's digest. Received
supplier documents come the same way from the procurement register (``received_xml``; the event
carries no digest, so the number is compared); the event class is not imported, only its fields
read, as the catalogue decodes it.

Each effect runs through ``genius.platform.bus.transactional``: inbox row and copy commit together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from genius.apps.accounting.saft import read_model
from genius.apps.sales.events import (
    CreditNoteIssued,
    InvoiceCancelled,
    InvoiceIssued,
    PartnerCreated,
    PartnerUpdated,
)
from genius.fiscal.ro.efactura.parse import ParseError, parse_xml
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.bus.consumer import Consumer, Unprocessable
from genius.platform.bus.handlers import TenantResolver, transactional
from genius.platform.bus.transport import Delivery, Transport
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, TenantDatabases

CONSUMER = "accounting.saft"
SALES_INVOICE = "sales_invoice"  # the ledger's source types (accounting.subscriptions)
SALES_CREDIT_NOTE = "sales_credit_note"

# (tenant, issued document id) -> the UBL bytes of the issued document.
IssuedXml = Callable[[TenantContext, str], bytes]


def _event_id(delivery: Delivery) -> str | None:
    return delivery.envelope.id if delivery.envelope is not None else None


def on_partner_changed(uow: UnitOfWork, event: PartnerCreated | PartnerUpdated, delivery: Delivery) -> None:
    read_model.record_partner(
        uow.connection,
        event.partner_id,
        kind=event.kind,
        name=event.name,
        cui=event.cui,
        vat_id=event.vat_id,
        country_code=event.country_code,
        now=utcnow(),
    )


@dataclass(frozen=True)
class IssuedFacts:
    """What the D406 copy needs besides the UBL: what a sales event (or the sales read side) says."""

    document_id: str
    number: str
    credit_note: bool
    partner_id: str | None
    buyer_kind: str
    exchange_rate: Decimal | None
    vat_total_ron: Decimal
    xml_sha256: str

    @classmethod
    def of(cls, event: InvoiceIssued | CreditNoteIssued) -> IssuedFacts:
        return cls(
            document_id=event.invoice_id,
            number=event.number,
            credit_note=isinstance(event, CreditNoteIssued),
            partner_id=event.partner_id,
            buyer_kind=event.buyer_kind,
            exchange_rate=event.exchange_rate,
            vat_total_ron=event.vat_total_ron,
            xml_sha256=event.xml_sha256,
        )


def capture_document(
    conn: Connection,
    tenant: TenantContext,
    issued_xml: IssuedXml,
    facts: IssuedFacts,
    *,
    event_id: str | None,
) -> None:
    """Read the issued UBL, check it is the one announced (sha256), keep the D406 copy."""
    xml = issued_xml(tenant, facts.document_id)
    digest = hashlib.sha256(xml).hexdigest()
    if digest != facts.xml_sha256:
        raise Unprocessable(
            f"the UBL of {facts.number} has sha256 {digest}, the event announced {facts.xml_sha256}"
        )
    try:
        invoice = parse_xml(xml)
        read_model.record_document(
            conn,
            invoice,
            document_id=facts.document_id,
            source_type=SALES_CREDIT_NOTE if facts.credit_note else SALES_INVOICE,
            partner_id=facts.partner_id,
            buyer_kind=facts.buyer_kind,
            exchange_rate=facts.exchange_rate,
            vat_total_ron=facts.vat_total_ron,
            xml_sha256=digest,
            event_id=event_id,
            now=utcnow(),
        )
    except (ParseError, ValidationError) as exc:
        raise Unprocessable(f"cannot keep {facts.number} for D406: {exc}") from exc


SUPPLIER_INVOICE = "supplier_invoice"
RECEIVED = "procurement.supplier_invoice.received"


def capture_received(
    conn: Connection, tenant: TenantContext, received_xml: IssuedXml, event: Any, *, event_id: str | None
) -> None:
    """Keep a received supplier document (fields of ``procurement.supplier_invoice.received`` v1)."""
    xml = received_xml(tenant, event.supplier_invoice_id)
    try:
        invoice = parse_xml(xml)
        if invoice.number[:100] != event.number:
            raise Unprocessable(f"the register's UBL is {invoice.number}, the event announced {event.number}")
        treatments = {
            read_model.rate_key(
                str(p["vat_category"]), Decimal(str(p["vat_rate"])) if p.get("vat_rate") else None
            ): str(p.get("treatment") or "taxable")
            for p in event.parts
        }
        read_model.record_document(
            conn,
            invoice,
            document_id=event.supplier_invoice_id,
            source_type=SUPPLIER_INVOICE,
            partner_id=event.supplier_id,
            buyer_kind="company",
            exchange_rate=event.exchange_rate,
            vat_total_ron=None,
            xml_sha256=hashlib.sha256(xml).hexdigest(),
            event_id=event_id,
            now=utcnow(),
            purchase=read_model.Purchase(
                supplier_cui=event.supplier_cui,
                treatments=treatments,
                credit_note=event.document_kind == "credit_note",
            ),
        )
    except (ParseError, ValidationError) as exc:
        raise Unprocessable(f"cannot keep supplier document {event.number} for D406: {exc}") from exc


def on_invoice_cancelled(uow: UnitOfWork, event: InvoiceCancelled, delivery: Delivery) -> None:
    if not read_model.record_cancellation(uow.connection, event.invoice_id):
        # Delivery order is kept per tenant, so the issue came first; retry if it is not there yet.
        raise LookupError(f"no D406 copy of {event.number} yet; retrying")


Effect = Callable[[UnitOfWork, Any, Delivery], None]


def effects(issued_xml: IssuedXml, received_xml: IssuedXml | None = None) -> dict[str, Effect]:
    def on_document(uow: UnitOfWork, event: InvoiceIssued | CreditNoteIssued, delivery: Delivery) -> None:
        assert uow.tenant is not None  # transactional() runs on the message's tenant
        capture_document(
            uow.connection, uow.tenant, issued_xml, IssuedFacts.of(event), event_id=_event_id(delivery)
        )

    found: dict[str, Effect] = {
        PartnerCreated.event_type: on_partner_changed,
        PartnerUpdated.event_type: on_partner_changed,
        InvoiceIssued.event_type: on_document,
        CreditNoteIssued.event_type: on_document,
        InvoiceCancelled.event_type: on_invoice_cancelled,
    }
    if received_xml is not None:

        def on_received(uow: UnitOfWork, event: Any, delivery: Delivery) -> None:
            assert uow.tenant is not None
            capture_received(uow.connection, uow.tenant, received_xml, event, event_id=_event_id(delivery))

        found[RECEIVED] = on_received
    return found


def handlers(
    databases: TenantDatabases,
    tenants: TenantResolver,
    issued_xml: IssuedXml,
    received_xml: IssuedXml | None = None,
) -> Mapping[str, Any]:
    return {
        event_type: transactional(databases, CONSUMER, effect, tenants=tenants)
        for event_type, effect in effects(issued_xml, received_xml).items()
    }


def consumer(
    transport: Transport,
    databases: TenantDatabases,
    tenants: TenantResolver,
    issued_xml: IssuedXml,
    received_xml: IssuedXml | None = None,
    **options: Any,
) -> Consumer:
    """The ``accounting.saft`` consumer; entry points start it beside ``accounting.postings``."""
    return Consumer(transport, CONSUMER, handlers(databases, tenants, issued_xml, received_xml), **options)


__all__ = [
    "CONSUMER",
    "IssuedFacts",
    "IssuedXml",
    "capture_document",
    "capture_received",
    "consumer",
    "effects",
    "handlers",
]
