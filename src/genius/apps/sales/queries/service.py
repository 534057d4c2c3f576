"""``SalesQueries``: the reads behind the sales API, each on a short connection of its own."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.domain.addresses import PostalAddress
from genius.apps.sales.domain.identifiers import mask_cnp
from genius.apps.sales.queries.views import (
    MAX_LIMIT,
    CompanyView,
    InvoiceSummary,
    InvoiceView,
    Page,
    PartnerView,
    ProductView,
    SeriesView,
)
from genius.kernel.errors import NotFound
from genius.platform.tenancy import TenantDatabases


def _limit(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


def _page(
    conn: Connection, query: sa.Select[Any], order: list[Any], limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    limit, offset = _limit(limit, offset)
    total = conn.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return list(rows), int(total)


class SalesQueries:
    """Reads of the current tenant's sales data."""

    def __init__(self, databases: TenantDatabases) -> None:
        self.databases = databases

    def _connect(self) -> Connection:
        return self.databases.engine().connect()

    # -- company -----------------------------------------------------------------------------
    def company(self) -> CompanyView:
        with self._connect() as conn:
            found = repo.get_company(conn)
        if found is None:
            raise NotFound(
                "the company profile is not set: PUT /api/v1/sales/company", code="company_not_set"
            )
        return CompanyView(*found)

    # -- partners ----------------------------------------------------------------------------
    def partner(self, partner_id: str) -> PartnerView:
        with self._connect() as conn:
            row = repo.get_partner_row(conn, partner_id)
        if row is None:
            raise NotFound(f"no partner {partner_id} in this tenant", code="partner_not_found")
        return _partner(row)

    def partners(
        self,
        *,
        q: str | None = None,
        kind: str | None = None,
        cui: str | None = None,
        vat_id: str | None = None,
        country_code: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[PartnerView]:
        c = t.partners.c
        query = sa.select(t.partners)
        if q:
            query = query.where(c.name.icontains(q, autoescape=True))
        if kind:
            query = query.where(c.kind == kind)
        if cui:
            query = query.where(c.cui == "".join(ch for ch in cui if ch.isdigit()))
        if vat_id:
            query = query.where(c.vat_id == vat_id.replace(" ", "").upper())
        if country_code:
            query = query.where(c.country_code == country_code.upper())
        with self._connect() as conn:
            rows, total = _page(conn, query, [c.name, c.id], limit, offset)
        return Page([_partner(r) for r in rows], total, *_limit(limit, offset))

    # -- products ----------------------------------------------------------------------------
    def product(self, product_id: str) -> ProductView:
        with self._connect() as conn:
            row = repo.get_product_row(conn, product_id)
        if row is None:
            raise NotFound(f"no product {product_id} in this tenant", code="product_not_found")
        return _product(row)

    def products(
        self, *, q: str | None = None, vat_category: str | None = None, limit: int = 50, offset: int = 0
    ) -> Page[ProductView]:
        c = t.products.c
        query = sa.select(t.products)
        if q:
            query = query.where(
                sa.or_(c.code.icontains(q, autoescape=True), c.name.icontains(q, autoescape=True))
            )
        if vat_category:
            query = query.where(c.vat_category == vat_category.upper())
        with self._connect() as conn:
            rows, total = _page(conn, query, [c.code, c.id], limit, offset)
        return Page([_product(r) for r in rows], total, *_limit(limit, offset))

    # -- series ------------------------------------------------------------------------------
    def series(self, series_id: str) -> SeriesView:
        with self._connect() as conn:
            row = repo.get_series_row(conn, series_id)
        if row is None:
            raise NotFound(f"no series {series_id} in this tenant", code="series_not_found")
        return _series(row)

    def all_series(self) -> list[SeriesView]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(t.series).order_by(t.series.c.prefix)).all()
        return [_series(r) for r in rows]

    # -- invoices ----------------------------------------------------------------------------
    def invoice(self, invoice_id: str) -> InvoiceView:
        columns = [c for c in t.invoices.c if c.name != "xml"]
        with self._connect() as conn:
            row = conn.execute(sa.select(*columns).where(t.invoices.c.id == invoice_id)).first()
            if row is None:
                raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
            attempts = repo.submissions_of(conn, invoice_id)
        return InvoiceView(
            summary=_summary(row),
            series_id=row.series_id,
            corrects_invoice_id=row.corrects_invoice_id,
            tax_point_date=row.tax_point_date,
            exchange_rate=Decimal(row.exchange_rate) if row.exchange_rate else None,
            vat_total_ron=Decimal(row.vat_total_ron),
            buyer_kind=row.buyer_kind,
            buyer_vat_id=row.buyer_vat_id,
            draft=json.loads(row.draft_json),
            document=json.loads(row.document_json) if row.document_json else None,
            xml_sha256=row.xml_sha256,
            version=row.version,
            created_by=row.created_by,
            issued_by=row.issued_by,
            cancelled_at=row.cancelled_at,
            cancel_reason=row.cancel_reason,
            submissions=attempts,
        )

    def invoice_xml(self, invoice_id: str) -> tuple[str, bytes, str]:
        """(number, UBL bytes, sha256) of an issued document."""
        with self._connect() as conn:
            row = conn.execute(
                sa.select(t.invoices.c.number, t.invoices.c.xml, t.invoices.c.xml_sha256).where(
                    t.invoices.c.id == invoice_id
                )
            ).first()
        if row is None:
            raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
        if row.xml is None:
            raise NotFound(
                f"sales document {invoice_id} is a draft: it has no UBL until issued",
                code="invoice_not_issued",
            )
        return row.number, bytes(row.xml), row.xml_sha256

    def invoices(
        self,
        *,
        document_type: str | None = None,
        status: str | None = None,
        partner_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        number: str | None = None,
        corrects_invoice_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[InvoiceSummary]:
        c = t.invoices.c
        query = sa.select(*_SUMMARY_COLUMNS)
        for column, value in (
            (c.document_type, document_type),
            (c.status, status),
            (c.partner_id, partner_id),
            (c.corrects_invoice_id, corrects_invoice_id),
        ):
            if value:
                query = query.where(column == value)
        if date_from is not None:
            query = query.where(c.issue_date >= date_from)
        if date_to is not None:
            query = query.where(c.issue_date <= date_to)
        if number:
            query = query.where(c.number.startswith(number, autoescape=True))
        with self._connect() as conn:
            rows, total = _page(conn, query, [c.created_at.desc(), c.id.desc()], limit, offset)
        return Page([_summary(r) for r in rows], total, *_limit(limit, offset))


_SUMMARY_COLUMNS = [
    t.invoices.c[name]
    for name in (
        "id",
        "document_type",
        "status",
        "number",
        "issue_date",
        "due_date",
        "partner_id",
        "buyer_name",
        "currency",
        "tax_exclusive_amount",
        "vat_total",
        "payable_amount",
        "created_at",
        "issued_at",
    )
]


def _summary(row: Row[Any]) -> InvoiceSummary:
    return InvoiceSummary(
        id=row.id,
        document_type=row.document_type,
        status=row.status,
        number=row.number,
        issue_date=row.issue_date,
        due_date=row.due_date,
        partner_id=row.partner_id,
        buyer_name=row.buyer_name,
        currency=row.currency,
        tax_exclusive_amount=Decimal(row.tax_exclusive_amount),
        vat_total=Decimal(row.vat_total),
        payable_amount=Decimal(row.payable_amount),
        created_at=row.created_at,
        issued_at=row.issued_at,
    )


def _partner(row: Row[Any]) -> PartnerView:
    return PartnerView(
        id=row.id,
        kind=row.kind,
        name=row.name,
        cui=row.cui,
        vat_payer=row.vat_payer,
        vat_id=row.vat_id,
        trade_register=row.trade_register,
        cnp_masked=mask_cnp(row.cnp_last4),
        tax_id=row.tax_id,
        address=PostalAddress(
            street=row.street,
            city=row.city,
            country_code=row.country_code,
            county=row.county,
            postal_code=row.postal_code,
            additional_street=row.additional_street,
        ),
        iban=row.iban,
        bank_name=row.bank_name,
        bic=row.bic,
        email=row.email,
        phone=row.phone,
        payment_term_days=row.payment_term_days,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _product(row: Row[Any]) -> ProductView:
    return ProductView(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=row.kind,
        description=row.description,
        unit_code=row.unit_code,
        vat_category=row.vat_category,
        vat_rate_kind=row.vat_rate_kind,
        vatex_code=row.vatex_code,
        exemption_reason=row.exemption_reason,
        cpv_code=row.cpv_code,
        nc_code=row.nc_code,
        price=Decimal(row.price) if row.price is not None else None,
        currency=row.currency,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _series(row: Row[Any]) -> SeriesView:
    return SeriesView(
        id=row.id,
        prefix=row.prefix,
        document_kind=row.document_kind,
        reset=row.reset,
        width=row.width,
        next_number=row.next_number,
        year=row.year,
        last_issue_date=row.last_issue_date,
        is_default=row.is_default,
        description=row.description,
        created_at=row.created_at,
    )
