"""A received supplier document (UBL read by the e-Factura engine) as an entry of the register.

Pure: the parsed EN 16931 model in, a ``SupplierInvoice`` out. The supplier is identified by its
CUI: BT-31 without ``RO`` for a VAT payer, else BT-32 or BT-30 when numeric (ANAF files the
invoice under it). The register is keyed by supplier CUI + number (BT-1) + issue date (BT-2).
Credit notes (381 / CreditNote) keep positive amounts in the register (as the document states
them) and are told apart by ``document_kind``; the event gives the ledger signed parts.

Parts are per class of line inside each VAT group (``genius.fiscal.ro.efactura.classes``): a line
whose item carries a classification (BT-158) gives its product category (``HS:<NC code>``,
``STI:<CPV code>``) and the kind it implies (NC: goods; CPV by division: goods or service), so the
ledger posts it by the tenant's rules (371 goods, 628 services, or a category rule). A line
without one has neither, and posts by the VAT category or the tenant's default purchase rule.
The sales product register is another app's and is not read here (DESIGN.md rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.fiscal.ro.efactura.classes import amounts_by_class, classification_class
from genius.fiscal.ro.efactura.model import Invoice
from genius.kernel.errors import ValidationError

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
CREDIT_TYPE_CODES = frozenset({"381", "396", "532"})
ZERO = Decimal("0.00")
# VAT category (BT-151/BT-118) -> the ledger's purchase treatment (accounting.domain.vat).
TREATMENTS = {"S": "taxable", "AE": "domestic_reverse", "K": "intra_eu_goods", "G": "import"}


def _digits(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().upper().removeprefix("RO").strip()
    return text if text.isdigit() and 2 <= len(text) <= 10 else None


def supplier_cui(invoice: Invoice) -> str:
    seller = invoice.seller
    legal = seller.legal_registration_id.value if seller.legal_registration_id else None
    cui = _digits(seller.vat_id) or _digits(seller.tax_registration_id) or _digits(legal)
    if cui is None:
        raise ValidationError.for_field(
            "seller", "the supplier has no Romanian CUI (BT-31, BT-32 or BT-30)", "no_supplier_cui"
        )
    return cui


def buyer_cui(invoice: Invoice) -> str | None:
    buyer = invoice.buyer
    legal = buyer.legal_registration_id.value if buyer.legal_registration_id else None
    return _digits(buyer.vat_id) or _digits(legal)


@dataclass(frozen=True)
class SupplierInvoice:
    supplier_cui: str
    supplier_name: str
    supplier_vat_id: str | None
    buyer_cui: str | None
    number: str
    issue_date: date
    due_date: date | None
    document_kind: str
    type_code: str
    currency: str
    tax_exclusive_amount: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    payable_amount: Decimal
    vat_breakdown: tuple[dict[str, str], ...]
    # Per (item kind, product category, VAT group): string keys of the event's parts, unsigned.
    classes: tuple[dict[str, str], ...] = ()

    @property
    def is_credit_note(self) -> bool:
        return self.document_kind == CREDIT_NOTE

    def parts(self) -> list[dict[str, Any]]:
        """The ledger's view (``procurement.supplier_invoice.received``): signed, per class and VAT group.

        Without classes (an entry rebuilt from the register's breakdown) one part per VAT group.
        """
        sign = Decimal(-1) if self.is_credit_note else Decimal(1)
        groups = self.classes or tuple(
            {
                "vat_category": g["category"],
                "vat_rate": g.get("rate"),
                "net": g["taxable_amount"],
                "vat": g["tax_amount"],
            }
            for g in self.vat_breakdown
        )
        out = []
        for group in groups:
            category = str(group["vat_category"])
            part = {
                "net": f"{sign * Decimal(group['net']):f}",
                "vat": f"{sign * Decimal(group['vat']):f}",
                "vat_category": category,
                "vat_rate": group.get("vat_rate"),
                "treatment": TREATMENTS.get(category, "exempt"),
                "item_kind": group.get("item_kind"),
                "product_category": group.get("product_category"),
            }
            # Unknown values are left out, not sent as null: the bus schema refuses nulls in
            # these maps, which dead-lettered every received supplier invoice.
            out.append({key: value for key, value in part.items() if value is not None})
        return out


def from_invoice(invoice: Invoice) -> SupplierInvoice:
    totals = invoice.totals
    credit = invoice.is_credit_note or invoice.type_code in CREDIT_TYPE_CODES
    vat_total = totals.vat_total if totals.vat_total is not None else ZERO
    breakdown = tuple(
        {
            "category": b.category,
            "taxable_amount": f"{b.taxable_amount or ZERO:f}",
            "tax_amount": f"{b.tax_amount or ZERO:f}",
            **({"rate": f"{b.rate:f}"} if b.rate is not None else {}),
        }
        for b in invoice.vat_breakdown
    )
    return SupplierInvoice(
        supplier_cui=supplier_cui(invoice),
        supplier_name=invoice.seller.name[:300],
        supplier_vat_id=invoice.seller.vat_id,
        buyer_cui=buyer_cui(invoice),
        number=invoice.number[:100],
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        document_kind=CREDIT_NOTE if credit else INVOICE,
        type_code=invoice.type_code,
        currency=invoice.currency,
        tax_exclusive_amount=totals.tax_exclusive_amount if totals.tax_exclusive_amount is not None else ZERO,
        vat_total=vat_total,
        vat_total_ron=totals.vat_total_accounting if totals.vat_total_accounting is not None else vat_total,
        payable_amount=totals.payable_amount if totals.payable_amount is not None else ZERO,
        vat_breakdown=breakdown,
        classes=tuple(p.as_strings() for p in amounts_by_class(invoice, classification_class)),
    )


__all__ = ["CREDIT_NOTE", "INVOICE", "SupplierInvoice", "buyer_cui", "from_invoice", "supplier_cui"]
