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


def issued_facts(
    invoice_id: str,
    series_id: str,
    partner_id: str | None,
    prepared: PreparedDocument,
    context: ExpansionContext,
    ctx: TenantContext,
) -> dict[str, Any]:
    """The event's fields that do not depend on the number: worked out before the series lock."""
    model, totals = prepared.invoice, prepared.totals
    facts: dict[str, Any] = {
        "invoice_id": invoice_id,
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
        "issued_by": ctx.user_id,
    }
    if context.corrected is not None:
        facts["corrected_invoice_id"] = context.corrected.id
        facts["corrected_invoice_number"] = context.corrected.number
    else:
        facts["type_code"] = model.type_code
        facts["due_date"] = model.due_date
    return facts


def issued_event(facts: dict[str, Any], number: str, digest: str) -> InvoiceIssuedV2 | CreditNoteIssuedV2:
    """The event of an issue: ``facts`` (``issued_facts``) with its number and the XML's hash."""
    if "corrected_invoice_id" in facts:
        return CreditNoteIssuedV2(number=number, xml_sha256=digest, **facts)
    return InvoiceIssuedV2(number=number, xml_sha256=digest, **facts)
