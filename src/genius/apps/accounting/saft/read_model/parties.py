"""The D406 read model's partners and company: identity from sales events, addresses from documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import internal_code, partner_saft_id
from genius.fiscal.ro.efactura.model import Invoice, Party


def upsert(conn: Connection, table: sa.Table, key: dict[str, Any], values: dict[str, Any]) -> None:
    where = sa.and_(*(table.c[name] == value for name, value in key.items()))
    if conn.execute(sa.select(sa.literal(1)).select_from(table).where(where)).first() is None:
        conn.execute(table.insert().values(**key, **values))
    else:
        conn.execute(table.update().where(where).values(**values))


# -- partners ---------------------------------------------------------------------------------------
def record_partner(
    conn: Connection,
    partner_id: str,
    *,
    kind: str,
    name: str,
    cui: str | None,
    vat_id: str | None,
    country_code: str,
    now: datetime,
) -> None:
    """Identity from ``sales.partner.created/updated``; the address comes with documents."""
    saft_id = partner_saft_id(
        partner_id=partner_id, kind=kind, cui=cui, vat_id=vat_id, country_code=country_code
    )
    upsert(
        conn,
        st.partners,
        {"partner_id": partner_id},
        {
            "kind": kind,
            "name": name[:300],
            "cui": cui,
            "vat_id": vat_id,
            "country_code": country_code,
            "saft_id": saft_id,
            "updated_at": now,
        },
    )


def address_values(party: Party) -> dict[str, Any]:
    address = party.address
    street = " ".join(part for part in (address.street, address.additional_street) if part) or None
    return {
        "street": street[:300] if street else None,
        "city": (address.city or "")[:100] or None,
        "postal_code": address.postal_code,
        "region": address.country_subdivision if address.country_code == "RO" else None,
    }


def buyer_id(conn: Connection, partner_id: str | None, buyer: Party, buyer_kind: str, doc_id: str) -> str:
    if partner_id is not None:
        row = conn.execute(
            sa.select(st.partners.c.saft_id).where(st.partners.c.partner_id == partner_id)
        ).first()
        if row is not None and row.saft_id:
            return str(row.saft_id)
    legal = buyer.legal_registration_id.value if buyer.legal_registration_id else None
    kind = "individual" if buyer_kind == "individual" else "company"
    cui = legal if legal and legal.isdigit() and len(legal) <= 10 else None
    return (
        partner_saft_id(
            partner_id=partner_id or doc_id,
            kind=kind,
            cui=cui,
            vat_id=buyer.vat_id,
            country_code=buyer.address.country_code,
        )
        if (cui or buyer.vat_id)
        else internal_code(partner_id or doc_id)
    )


# -- company ----------------------------------------------------------------------------------------
def record_seller(conn: Connection, invoice: Invoice, doc_id: str, now: datetime) -> None:
    seller = invoice.seller
    iban = next(
        (t.account_id for p in invoice.payment_instructions for t in p.credit_transfers if t.account_id),
        None,
    )
    contact = seller.contact
    values = {
        "name": seller.name[:300],
        "vat_id": seller.vat_id,
        **address_values(seller),
        "country_code": seller.address.country_code,
        "iban": iban,
        "telephone": contact.telephone if contact else None,
        "email": contact.email if contact else None,
        "document_id": doc_id,
        "updated_at": now,
    }
    upsert(conn, st.company, {"id": st.COMPANY_ROW}, values)
