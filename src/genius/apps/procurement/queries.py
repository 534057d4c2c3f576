"""The read side of the procurement register: filtered, paged lists and one entry (no UBL in lists)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.procurement import tables as t
from genius.kernel.errors import NotFound
from genius.platform.tenancy import TenantDatabases

MAX_LIMIT = 200


@dataclass(frozen=True)
class SupplierInvoiceView:
    id: str
    status: str
    document_kind: str
    type_code: str
    supplier_cui: str
    supplier_name: str
    supplier_vat_id: str | None
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    tax_exclusive_amount: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    payable_amount: Decimal
    vat_breakdown: list[dict[str, str]]
    source: str
    anaf_download_id: str | None
    anaf_upload_index: str | None
    received_at: datetime


@dataclass(frozen=True)
class SupplierInvoiceFilter:
    """What the register list is narrowed by; every part optional (None: no condition)."""

    supplier_cui: str | None = None  # with or without RO, any case
    number: str | None = None  # the number, or its beginning
    date_from: date | None = None  # issue date, inclusive
    date_to: date | None = None  # issue date, inclusive


@dataclass(frozen=True)
class SupplierInvoicePage:
    items: list[SupplierInvoiceView]
    total: int
    limit: int
    offset: int


# Amounts are stored as text (exact decimals); the VAT breakdown as JSON text.
_DECIMALS = ("tax_exclusive_amount", "vat_total", "vat_total_ron", "payable_amount")
_STORED_AS = {"vat_breakdown": "vat_breakdown_json"}
# The view's columns, in its field order (no UBL, no bookkeeping columns).
_COLUMNS = [t.supplier_invoices.c[_STORED_AS.get(f.name, f.name)] for f in fields(SupplierInvoiceView)]


def _view(row: Row[Any]) -> SupplierInvoiceView:
    data = dict(row._mapping)
    for name in _DECIMALS:
        data[name] = Decimal(data[name])
    data["vat_breakdown"] = json.loads(data.pop("vat_breakdown_json"))
    return SupplierInvoiceView(**data)


class ProcurementQueries:
    def __init__(self, databases: TenantDatabases) -> None:
        self.databases = databases

    def _connect(self) -> Connection:
        return self.databases.engine().connect()

    def supplier_invoices(
        self, filters: SupplierInvoiceFilter = SupplierInvoiceFilter(), *, limit: int = 50, offset: int = 0
    ) -> SupplierInvoicePage:
        c = t.supplier_invoices.c
        query = sa.select(*_COLUMNS)
        if filters.supplier_cui:
            query = query.where(c.supplier_cui == filters.supplier_cui.upper().removeprefix("RO").strip())
        if filters.number:
            query = query.where(c.number.startswith(filters.number, autoescape=True))
        if filters.date_from is not None:
            query = query.where(c.issue_date >= filters.date_from)
        if filters.date_to is not None:
            query = query.where(c.issue_date <= filters.date_to)
        limit, offset = max(1, min(limit, MAX_LIMIT)), max(0, offset)
        with self._connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            rows = conn.execute(
                query.order_by(c.issue_date.desc(), c.id.desc()).limit(limit).offset(offset)
            ).all()
        return SupplierInvoicePage([_view(r) for r in rows], int(total), limit, offset)

    def _one(self, entry_id: str, *columns: Any) -> Row[Any]:
        with self._connect() as conn:
            row = conn.execute(sa.select(*columns).where(t.supplier_invoices.c.id == entry_id)).first()
        if row is None:
            raise NotFound(
                f"no supplier invoice {entry_id} in this tenant", code="supplier_invoice_not_found"
            )
        return row

    def supplier_invoice(self, entry_id: str) -> SupplierInvoiceView:
        return _view(self._one(entry_id, *_COLUMNS))

    def ubl(self, entry_id: str) -> tuple[str, bytes]:
        row = self._one(entry_id, t.supplier_invoices.c.number, t.supplier_invoices.c.ubl)
        return row.number, bytes(row.ubl)
