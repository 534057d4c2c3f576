"""The event an issue publishes: ``sales.invoice.issued`` or ``sales.credit_note.issued``."""

from __future__ import annotations

from typing import Any

from genius.apps.sales.domain.drafts import ExpansionContext, PreparedDocument
from genius.apps.sales.events import CreditNoteIssued, InvoiceIssued
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


def issued_event(
    invoice_id: str,
    number: str,
    series_id: str,
    partner_id: str | None,
    prepared: PreparedDocument,
    context: ExpansionContext,
    digest: str,
    ctx: TenantContext,
) -> InvoiceIssued | CreditNoteIssued:
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
        "xml_sha256": digest,
        "issued_by": ctx.user_id,
    }
    if context.corrected is not None:
        return CreditNoteIssued(
            corrected_invoice_id=context.corrected.id,
            corrected_invoice_number=context.corrected.number,
            **common,
        )
    return InvoiceIssued(type_code=model.type_code, due_date=model.due_date, **common)
