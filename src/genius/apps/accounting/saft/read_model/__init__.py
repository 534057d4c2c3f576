"""Writes of the D406 read model, in the consumer's unit of work (see ``tables``).

``record_document`` takes the issued document as the e-Factura model read from its UBL (the legal
document whose SHA-256 the sales event carries) and keeps what a D406 needs of it: the buyer's
ID and billing address, the lines with products, units and prices, and each line's amounts in lei
and tax code. The VAT in lei is spread so that it adds up exactly to what the ledger booked: per
VAT group round(VAT x rate), the difference to the document's VAT in lei (BT-111) on the largest
group (as the postings do), then per line in proportion to its net amount, rest on the largest.
Credit notes are kept with negative quantities and amounts (D406 InvoiceType 381, storno).

Parts: ``parties`` (partners from sales events, addresses from documents, the company as seller),
``lines`` (a document's item lines and allowances/charges, amounts in bani).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting.domain.vat import sale_treatment
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import partner_saft_id, tax_code_for
from genius.apps.accounting.saft.read_model.lines import NO_COMMODITY, bani, item_lines, spread, to_lei
from genius.apps.accounting.saft.read_model.parties import (
    address_values,
    buyer_id,
    record_partner,
    record_seller,
    upsert,
)
from genius.fiscal.ro.efactura.model import Invoice

CREDIT_NOTE = "381"


@dataclass(frozen=True)
class Purchase:
    """How to read a received supplier document (``procurement.supplier_invoice.received``)."""

    supplier_cui: str | None
    # (VAT category, rate) -> the ledger's purchase treatment short name (taxable, import, ...)
    treatments: Mapping[tuple[str, Decimal | None], str]
    credit_note: bool


def rate_key(category: str, rate: Decimal | None) -> tuple[str, Decimal | None]:
    return category, rate.normalize() if rate is not None else None


def record_document(
    conn: Connection,
    invoice: Invoice,
    *,
    document_id: str,
    source_type: str,
    partner_id: str | None,
    buyer_kind: str,
    exchange_rate: Decimal | None,
    vat_total_ron: Decimal | None,
    xml_sha256: str | None,
    event_id: str | None,
    now: datetime,
    purchase: Purchase | None = None,
) -> None:
    """Keep an issued invoice or credit note, or (``purchase``) a received supplier document.

    Idempotent: a second call replaces the copy. The counterparty is the buyer of an issued
    document and the seller of a received one; ``vat_total_ron`` (BT-111) adjusts the VAT in lei
    of an issued document as its posting did (None: per group only, as purchases are posted).
    """
    rate = exchange_rate if invoice.currency != "RON" else None
    credit = invoice.type_code == CREDIT_NOTE or (purchase is not None and purchase.credit_note)
    sign = -1 if credit else 1
    foreign = buyer_kind == "foreign"
    tax_point = invoice.tax_point_date or invoice.issue_date
    party = invoice.seller if purchase is not None else invoice.buyer
    lines = item_lines(invoice)
    # VAT in lei per group (category, rate), adjusted to BT-111 on the largest group.
    groups: dict[tuple[str, Decimal | None], int] = {}
    for group in invoice.vat_breakdown:
        key = rate_key(group.category, group.rate)
        groups[key] = groups.get(key, 0) + to_lei(group.tax_amount or Decimal(0), rate)
    if groups and vat_total_ron is not None:
        delta = bani(vat_total_ron) - sum(groups.values())
        if delta:
            biggest = max(groups, key=lambda k: abs(groups[k]))
            groups[biggest] += delta
    net_lei = [to_lei(line.net, rate) for line in lines]
    vat_lei = [0] * len(lines)
    for key, total in groups.items():
        members = [i for i, line in enumerate(lines) if rate_key(line.category, line.rate) == key]
        for i, share in zip(members, spread(total, [net_lei[i] for i in members]), strict=True):
            vat_lei[i] = share
    conn.execute(st.document_lines.delete().where(st.document_lines.c.document_id == document_id))
    rows = []
    for no, (line, lei, vat) in enumerate(zip(lines, net_lei, vat_lei, strict=True), 1):
        if purchase is None:
            treatment = sale_treatment(line.category, foreign).value
        else:
            treatment = "purchase_" + purchase.treatments.get(rate_key(line.category, line.rate), "taxable")
        code = tax_code_for(treatment, line.rate, tax_point)
        # The supplier's item codes are not our products: kept out of Products and ProductCode.
        product_code = line.product_code if purchase is None else ""
        rows.append(
            {
                "document_id": document_id,
                "line_no": no,
                "line_ref": line.ref[:70] if line.ref else None,
                "description": line.description or "-",
                "product_code": product_code,
                "quantity": str(sign * line.quantity),
                "unit_code": line.unit_code[:9],
                "unit_price": str(line.unit_price),
                "net_amount": str(sign * line.net),
                "net_bani": sign * lei,
                "vat_category": line.category,
                "vat_rate": str(line.rate) if line.rate is not None else None,
                "vat_bani": sign * vat,
                "vat_treatment": treatment,
                "tax_code": code,
                "goods_services": "01" if line.commodity else None,
            }
        )
        if product_code:
            upsert(
                conn,
                st.products,
                {"code": product_code},
                {
                    "description": line.description or product_code,
                    "unit_code": line.unit_code[:9],
                    "commodity_code": line.commodity or NO_COMMODITY,
                    "goods_services": "01" if line.commodity else None,
                    "updated_at": now,
                },
            )
    if rows:
        conn.execute(st.document_lines.insert(), rows)
    address = address_values(party)
    if purchase is not None:
        partner_code = partner_saft_id(
            partner_id=partner_id or document_id,
            kind="company",
            cui=purchase.supplier_cui,
            vat_id=party.vat_id,
            country_code=party.address.country_code,
        )
    else:
        partner_code = buyer_id(conn, partner_id, party, buyer_kind, document_id)
    if partner_id is not None:
        # The address on the latest document is the partner's address for D406.
        found = conn.execute(
            sa.select(st.partners.c.partner_id).where(st.partners.c.partner_id == partner_id)
        ).first()
        if found is None:
            kind = "company" if purchase is not None else buyer_kind
            legal = party.legal_registration_id.value if party.legal_registration_id else None
            record_partner(
                conn,
                partner_id,
                kind=kind if kind in ("company", "individual", "foreign") else "company",
                name=party.name,
                cui=(purchase.supplier_cui if purchase is not None else legal) if kind == "company" else None,
                vat_id=party.vat_id,
                country_code=party.address.country_code,
                now=now,
            )
        conn.execute(
            st.partners.update()
            .where(st.partners.c.partner_id == partner_id)
            .values(**address, address_country=party.address.country_code, updated_at=now)
        )
    corrected = invoice.preceding_invoices[0].number if invoice.preceding_invoices else None
    type_code = invoice.type_code if invoice.type_code in ("380", "381", "384", "389", "751") else "380"
    upsert(
        conn,
        st.documents,
        {"id": document_id},
        {
            "source_type": source_type,
            "number": invoice.number[:70],
            "type_code": CREDIT_NOTE if credit else type_code,
            "issue_date": invoice.issue_date,
            "tax_point_date": tax_point,
            "currency": invoice.currency,
            "exchange_rate": str(rate) if rate is not None else None,
            "partner_id": partner_id,
            "buyer_saft_id": partner_code,
            "buyer_name": party.name[:300],
            **address,
            "country_code": party.address.country_code,
            "corrected_number": corrected[:70] if corrected else None,
            "status": "issued",
            "net_bani": sum(r["net_bani"] for r in rows),
            "vat_bani": sum(r["vat_bani"] for r in rows),
            "line_count": len(rows),
            "xml_sha256": xml_sha256,
            "event_id": event_id,
            "recorded_at": now,
        },
    )
    if purchase is None:
        record_seller(conn, invoice, document_id, now)


def record_cancellation(conn: Connection, document_id: str) -> bool:
    """Mark a document cancelled (its number stays used; its entry is reversed in the ledger)."""
    result = conn.execute(
        st.documents.update().where(st.documents.c.id == document_id).values(status="cancelled")
    )
    return bool(result.rowcount)


def known_document(conn: Connection, document_id: str) -> bool:
    return (
        conn.execute(sa.select(st.documents.c.id).where(st.documents.c.id == document_id)).first() is not None
    )


__all__ = [
    "CREDIT_NOTE",
    "Purchase",
    "known_document",
    "rate_key",
    "record_cancellation",
    "record_document",
    "record_partner",
]
