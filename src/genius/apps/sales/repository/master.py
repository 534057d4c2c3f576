"""Company profile, partners and products: rows <-> domain values, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import tables as t
from genius.apps.sales.domain.company import CompanyProfile
from genius.apps.sales.domain.partners import Partner, PartnerKind
from genius.apps.sales.domain.products import Product, ProductKind
from genius.apps.sales.repository.rows import address_of, address_values, dec, one, text
from genius.fiscal.ro.vat import RateKind

_COMPANY = sa.select(t.company).where(t.company.c.id == t.COMPANY_ROW_ID)
_PRODUCTS_BY_IDS = sa.select(t.products).where(t.products.c.id.in_(sa.bindparam("ids", expanding=True)))


# -- company ---------------------------------------------------------------------------------------
def get_company(conn: Connection) -> tuple[CompanyProfile, int] | None:
    row = conn.execute(_COMPANY).first()
    if row is None:
        return None
    profile = CompanyProfile(
        name=row.name,
        cui=row.cui,
        vat_payer=row.vat_payer,
        address=address_of(row),
        trade_register=row.trade_register,
        iban=row.iban,
        bank_name=row.bank_name,
        bic=row.bic,
        email=row.email,
        phone=row.phone,
        share_capital=dec(row.share_capital),
        vat_on_collection=row.vat_on_collection,
        payment_term_days=row.payment_term_days,
    )
    return profile, row.version


def save_company(conn: Connection, profile: CompanyProfile, at: datetime, by: str | None) -> int:
    """Insert or replace the profile; returns its new version."""
    current = conn.execute(
        sa.select(t.company.c.version).where(t.company.c.id == t.COMPANY_ROW_ID).with_for_update()
    ).scalar()
    values = {
        "name": profile.name,
        "cui": profile.cui,
        "vat_payer": profile.vat_payer,
        "trade_register": profile.trade_register,
        **address_values(profile.address),
        "iban": profile.iban,
        "bank_name": profile.bank_name,
        "bic": profile.bic,
        "email": profile.email,
        "phone": profile.phone,
        "share_capital": text(profile.share_capital),
        "vat_on_collection": profile.vat_on_collection,
        "payment_term_days": profile.payment_term_days,
        "updated_at": at,
        "updated_by": by,
    }
    if current is None:
        conn.execute(t.company.insert().values(id=t.COMPANY_ROW_ID, version=1, **values))
        return 1
    conn.execute(
        t.company.update().where(t.company.c.id == t.COMPANY_ROW_ID).values(version=current + 1, **values)
    )
    return int(current) + 1


# -- partners --------------------------------------------------------------------------------------
def partner_values(partner: Partner) -> dict[str, Any]:
    """Columns of a partner except the CNP ones (the handler seals the CNP)."""
    return {
        "kind": partner.kind.value,
        "name": partner.name,
        "cui": partner.cui,
        "vat_payer": partner.vat_payer,
        "vat_id": partner.vat_id,
        "trade_register": partner.trade_register,
        "tax_id": partner.tax_id,
        **address_values(partner.address),
        "iban": partner.iban,
        "bank_name": partner.bank_name,
        "bic": partner.bic,
        "email": partner.email,
        "phone": partner.phone,
        "payment_term_days": partner.payment_term_days,
    }


def get_partner_row(conn: Connection, partner_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return one(conn, t.partners, partner_id, for_update)


def partner_from_row(row: Row[Any], cnp: str | None) -> Partner:
    return Partner(
        kind=PartnerKind(row.kind),
        name=row.name,
        address=address_of(row),
        cui=row.cui,
        vat_payer=row.vat_payer,
        vat_id=row.vat_id,
        trade_register=row.trade_register,
        cnp=cnp,
        tax_id=row.tax_id,
        iban=row.iban,
        bank_name=row.bank_name,
        bic=row.bic,
        email=row.email,
        phone=row.phone,
        payment_term_days=row.payment_term_days,
    )


def duplicate_partner(
    conn: Connection, partner: Partner, cnp_digest: str | None, *, except_id: str | None = None
) -> tuple[str, str] | None:
    """(field, id of the other partner) when another partner has this CUI, VAT id or CNP."""
    checks = (("cui", t.partners.c.cui, partner.cui), ("vat_id", t.partners.c.vat_id, partner.vat_id))
    for field_name, column, value in (*checks, ("cnp", t.partners.c.cnp_digest, cnp_digest)):
        if value is None:
            continue
        query = sa.select(t.partners.c.id).where(column == value)
        if except_id is not None:
            query = query.where(t.partners.c.id != except_id)
        other = conn.execute(query).scalar()
        if other is not None:
            return field_name, str(other)
    return None


# -- products --------------------------------------------------------------------------------------
def product_values(product: Product) -> dict[str, Any]:
    return {
        "code": product.code,
        "name": product.name,
        "kind": product.kind.value,
        "description": product.description,
        "unit_code": product.unit_code,
        "vat_category": product.vat_category,
        "vat_rate_kind": product.vat_rate_kind.value if product.vat_rate_kind else None,
        "vatex_code": product.vatex_code,
        "exemption_reason": product.exemption_reason,
        "cpv_code": product.cpv_code,
        "nc_code": product.nc_code,
        "price": text(product.price),
        "currency": product.currency,
    }


def product_from_row(row: Row[Any]) -> Product:
    return Product(
        code=row.code,
        name=row.name,
        kind=ProductKind(row.kind),
        unit_code=row.unit_code,
        vat_category=row.vat_category,
        vat_rate_kind=RateKind(row.vat_rate_kind) if row.vat_rate_kind else None,
        vatex_code=row.vatex_code,
        exemption_reason=row.exemption_reason,
        description=row.description,
        cpv_code=row.cpv_code,
        nc_code=row.nc_code,
        price=dec(row.price),
        currency=row.currency,
    )


def get_product_row(conn: Connection, product_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return one(conn, t.products, product_id, for_update)


def products_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Product]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = conn.execute(_PRODUCTS_BY_IDS, {"ids": wanted}).all()
    return {row.id: product_from_row(row) for row in rows}


def product_code_taken(conn: Connection, code: str, except_id: str | None = None) -> bool:
    query = sa.select(t.products.c.id).where(t.products.c.code == code)
    if except_id is not None:
        query = query.where(t.products.c.id != except_id)
    return conn.execute(query).first() is not None
