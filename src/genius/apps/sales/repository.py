"""Reads and writes of the sales tables inside a caller's transaction (rows <-> domain values).

Every function takes the unit of work's connection; nothing here commits. ``for_update`` reads
lock the row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's writer already holds the
database lock from ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import tables as t
from genius.apps.sales.domain.addresses import PostalAddress
from genius.apps.sales.domain.company import CompanyProfile
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.partners import Partner, PartnerKind
from genius.apps.sales.domain.products import Product, ProductKind
from genius.apps.sales.domain.series import ResetPolicy, Series, SeriesDocumentKind
from genius.apps.sales.domain.submissions import Submission, SubmissionState
from genius.fiscal.ro.vat import RateKind
from genius.kernel.money import round_money


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _text(value: Decimal | None) -> str | None:
    return f"{value:f}" if value is not None else None


def _address_values(address: PostalAddress) -> dict[str, Any]:
    return {
        "street": address.street,
        "additional_street": address.additional_street,
        "city": address.city,
        "postal_code": address.postal_code,
        "county": address.county,
        "country_code": address.country_code,
    }


def _address(row: Row[Any]) -> PostalAddress:
    return PostalAddress(
        street=row.street,
        city=row.city,
        country_code=row.country_code,
        county=row.county,
        postal_code=row.postal_code,
        additional_street=row.additional_street,
    )


# Statements of the hot paths are built once with bound parameters: building a SQLAlchemy
# statement per call (coercions, cache keys) costs more than running it on the issuing path.
_BY_ID = {
    (table.name, for_update): (
        sa.select(table).where(table.c.id == sa.bindparam("row_id")).with_for_update()
        if for_update
        else sa.select(table).where(table.c.id == sa.bindparam("row_id"))
    )
    for table in (t.partners, t.products, t.series, t.invoices)
    for for_update in (False, True)
}
_PRODUCTS_BY_IDS = sa.select(t.products).where(t.products.c.id.in_(sa.bindparam("ids", expanding=True)))
_COMPANY = sa.select(t.company).where(t.company.c.id == t.COMPANY_ROW_ID)
_INSERT_INVOICE = t.invoices.insert()
_ADVANCE_SERIES = t.series.update().where(t.series.c.id == sa.bindparam("series_id"))
_DEFAULT_SERIES = (
    sa.select(t.series.c.id)
    .where(t.series.c.document_kind == sa.bindparam("kind"), t.series.c.is_default.is_(True))
    .order_by(t.series.c.created_at)
)


_DEFAULT_SERIES_ROW = (
    sa.select(t.series)
    .where(t.series.c.document_kind == sa.bindparam("kind"), t.series.c.is_default.is_(True))
    .order_by(t.series.c.created_at)
    .limit(1)
)


def _one(conn: Connection, table: sa.Table, row_id: str, for_update: bool = False) -> Row[Any] | None:
    return conn.execute(_BY_ID[(table.name, for_update)], {"row_id": row_id}).first()


# -- company ---------------------------------------------------------------------------------------
def get_company(conn: Connection) -> tuple[CompanyProfile, int] | None:
    row = conn.execute(_COMPANY).first()
    if row is None:
        return None
    profile = CompanyProfile(
        name=row.name,
        cui=row.cui,
        vat_payer=row.vat_payer,
        address=_address(row),
        trade_register=row.trade_register,
        iban=row.iban,
        bank_name=row.bank_name,
        bic=row.bic,
        email=row.email,
        phone=row.phone,
        share_capital=_dec(row.share_capital),
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
        **_address_values(profile.address),
        "iban": profile.iban,
        "bank_name": profile.bank_name,
        "bic": profile.bic,
        "email": profile.email,
        "phone": profile.phone,
        "share_capital": _text(profile.share_capital),
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
        **_address_values(partner.address),
        "iban": partner.iban,
        "bank_name": partner.bank_name,
        "bic": partner.bic,
        "email": partner.email,
        "phone": partner.phone,
        "payment_term_days": partner.payment_term_days,
    }


def get_partner_row(conn: Connection, partner_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return _one(conn, t.partners, partner_id, for_update)


def partner_from_row(row: Row[Any], cnp: str | None) -> Partner:
    return Partner(
        kind=PartnerKind(row.kind),
        name=row.name,
        address=_address(row),
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
        "price": _text(product.price),
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
        price=_dec(row.price),
        currency=row.currency,
    )


def get_product_row(conn: Connection, product_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return _one(conn, t.products, product_id, for_update)


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


# -- series ----------------------------------------------------------------------------------------
def series_from_row(row: Row[Any]) -> Series:
    return Series(
        prefix=row.prefix,
        document_kind=SeriesDocumentKind(row.document_kind),
        reset=ResetPolicy(row.reset),
        width=row.width,
        next_number=row.next_number,
        year=row.year,
        last_issue_date=row.last_issue_date,
        is_default=row.is_default,
        description=row.description,
    )


def get_series_row(conn: Connection, series_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return _one(conn, t.series, series_id, for_update)


def default_series_id(conn: Connection, kind: SeriesDocumentKind) -> str | None:
    return conn.execute(_DEFAULT_SERIES, {"kind": kind.value}).scalar()


def default_series_row(conn: Connection, kind: SeriesDocumentKind) -> Row[Any] | None:
    """The default series of a document kind, the whole row (one read instead of id, then row)."""
    return conn.execute(_DEFAULT_SERIES_ROW, {"kind": kind.value}).first()


def prefix_taken(conn: Connection, prefix: str) -> bool:
    return conn.execute(sa.select(t.series.c.id).where(t.series.c.prefix == prefix)).first() is not None


def clear_default(conn: Connection, kind: SeriesDocumentKind) -> None:
    conn.execute(t.series.update().where(t.series.c.document_kind == kind.value).values(is_default=False))


def insert_series(conn: Connection, series_id: str, series: Series, at: datetime, by: str | None) -> None:
    conn.execute(
        t.series.insert().values(
            id=series_id,
            prefix=series.prefix,
            document_kind=series.document_kind.value,
            reset=series.reset.value,
            width=series.width,
            next_number=series.next_number,
            year=series.year,
            last_issue_date=series.last_issue_date,
            is_default=series.is_default,
            description=series.description,
            created_at=at,
            created_by=by,
        )
    )


def advance_series(conn: Connection, series_id: str, series: Series) -> None:
    values = {
        "next_number": series.next_number,
        "year": series.year,
        "last_issue_date": series.last_issue_date,
    }
    conn.execute(_ADVANCE_SERIES, {"series_id": series_id, **values})


# -- invoices --------------------------------------------------------------------------------------
def canonical(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def get_invoice_row(conn: Connection, invoice_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return _one(conn, t.invoices, invoice_id, for_update)


def insert_invoice(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(_INSERT_INVOICE, values)


def update_invoice(conn: Connection, invoice_id: str, values: dict[str, Any]) -> None:
    conn.execute(t.invoices.update().where(t.invoices.c.id == invoice_id).values(**values))


def delete_invoice(conn: Connection, invoice_id: str) -> None:
    conn.execute(t.invoices.delete().where(t.invoices.c.id == invoice_id))


def corrected_invoice(conn: Connection, invoice_id: str) -> CorrectedInvoice | None:
    """The invoice a credit note corrects, with what its issued credit notes already credited."""
    row = conn.execute(sa.select(t.invoices).where(t.invoices.c.id == invoice_id)).first()
    if row is None:
        return None
    credited = conn.execute(
        sa.select(t.invoices.c.payable_amount).where(
            t.invoices.c.corrects_invoice_id == invoice_id,
            t.invoices.c.document_type == DocumentType.CREDIT_NOTE.value,
            t.invoices.c.number.is_not(None),
            t.invoices.c.status != InvoiceStatus.CANCELLED.value,
        )
    ).scalars()
    return CorrectedInvoice(
        id=row.id,
        number=row.number or "",
        issue_date=row.issue_date,
        tax_point_date=row.tax_point_date or row.issue_date,
        currency=row.currency,
        exchange_rate=_dec(row.exchange_rate),
        partner_id=row.partner_id,
        payable_amount=Decimal(row.payable_amount),
        status=InvoiceStatus(row.status),
        document_type=DocumentType(row.document_type),
        credited_so_far=round_money(sum((Decimal(v) for v in credited), Decimal(0))),
    )


# -- e-Factura submissions ------------------------------------------------------------------------
def submission_from_row(row: Row[Any]) -> Submission:
    return Submission(
        invoice_id=row.invoice_id,
        attempt=row.attempt,
        state=SubmissionState(row.state),
        created_at=row.created_at,
        updated_at=row.updated_at,
        b2c=row.b2c,
        upload_index=row.upload_index,
        download_id=row.download_id,
        messages=tuple(json.loads(row.messages_json)),
        uploaded_at=row.uploaded_at,
        finished_at=row.finished_at,
        last_error=row.last_error,
    )


def submission_values(submission: Submission) -> dict[str, Any]:
    return {
        "invoice_id": submission.invoice_id,
        "attempt": submission.attempt,
        "state": submission.state.value,
        "b2c": submission.b2c,
        "upload_index": submission.upload_index,
        "download_id": submission.download_id,
        "messages_json": json.dumps(list(submission.messages), ensure_ascii=False),
        "last_error": submission.last_error,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "uploaded_at": submission.uploaded_at,
        "finished_at": submission.finished_at,
    }


def insert_submission(conn: Connection, submission_id: str, submission: Submission) -> None:
    conn.execute(t.submissions.insert().values(id=submission_id, **submission_values(submission)))


def save_submission(conn: Connection, submission: Submission) -> None:
    conn.execute(
        t.submissions.update()
        .where(
            t.submissions.c.invoice_id == submission.invoice_id, t.submissions.c.attempt == submission.attempt
        )
        .values(**submission_values(submission))
    )


def submissions_of(conn: Connection, invoice_id: str, *, for_update: bool = False) -> list[Submission]:
    query = (
        sa.select(t.submissions)
        .where(t.submissions.c.invoice_id == invoice_id)
        .order_by(t.submissions.c.attempt)
    )
    if for_update:
        query = query.with_for_update()
    return [submission_from_row(row) for row in conn.execute(query).all()]
