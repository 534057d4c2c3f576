"""The event an issue publishes: ``sales.invoice.issued`` or ``sales.credit_note.issued``."""

from __future__ import annotations

from typing import Any

from genius.apps.sales.domain.drafts import ExpansionContext, PreparedDocument
from genius.apps.sales.events import CreditNoteIssuedV2, InvoiceIssuedV2
from genius.fiscal.ro.efactura.classes import LineClass, amounts_by_class, classification_class
from genius.fiscal.ro.efactura.model import InvoiceLine
from genius.platform.tenancy import TenantContext


def _breakdown(prepared: PreparedDocument) -> list[dict[str, str]]:
    out = []
    for entry in prepared.invoice.vat_breakdown:
        item = {
            "category": entry.category,
            "taxable_amount": f"{entry.taxable_amount:f}",
            "tax_amount": f"{entry.tax_amount:f}",
        }
        if entry.rate is not None:
            item["rate"] = f"{entry.rate:f}"
        out.append(item)
    return out


def _revenue(prepared: PreparedDocument, context: ExpansionContext) -> list[dict[str, str]]:
    """Amounts per revenue class: the product's kind (goods/service) wins over what the
    classification implies; a typed-in line without a product has only its classification."""
    kinds = {p.code: p.kind.value for p in context.products.values()}

    def classify(line: InvoiceLine) -> LineClass:
        found = classification_class(line)
        kind = kinds.get(line.item.seller_id or "")
        return LineClass(kind or found.item_kind, found.product_category)

    return [part.as_strings() for part in amounts_by_class(prepared.invoice, classify)]


def issued_event(
    invoice_id: str,
    number: str,
    series_id: str,
    partner_id: str | None,
    prepared: PreparedDocument,
    context: ExpansionContext,
    digest: str,
    ctx: TenantContext,
) -> InvoiceIssuedV2 | CreditNoteIssuedV2:
    model, totals = prepared.invoice, prepared.totals
    common: dict[str, Any] = {
        "invoice_id": invoice_id,
        "number": number,
        "series_id": series_id,
        "issue_date": model.issue_date,
        "tax_point_date": prepared.rate_date,
        "currency": model.currency,
        "exchange_rate": prepared.exchange_rate,
        "partner_id": partner_id,
        "buyer_name": model.buyer.name,
        "buyer_kind": context.buyer.kind.value if context.buyer else "other",
        "buyer_vat_id": model.buyer.vat_id,
        "tax_exclusive_amount": totals.tax_exclusive_amount,
        "vat_total": totals.vat_total,
        "vat_total_ron": totals.vat_total_ron,
        "payable_amount": totals.payable_amount,
        "vat_breakdown": _breakdown(prepared),
        "revenue": _revenue(prepared, context),
        "xml_sha256": digest,
        "issued_by": ctx.user_id,
    }
    if context.corrected is not None:
        return CreditNoteIssuedV2(
            corrected_invoice_id=context.corrected.id,
            corrected_invoice_number=context.corrected.number,
            **common,
        )
    return InvoiceIssuedV2(type_code=model.type_code, due_date=model.due_date, **common)
