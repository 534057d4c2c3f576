"""Reads and writes of the register's tables, in the caller's connection (amounts as decimal text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.apps.accounting.assets import tables as t
from genius.apps.accounting.assets.domain.model import AssetSpec, Status
from genius.apps.accounting.domain.periods import Period
from genius.kernel.errors import NotFound

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AssetRow:
    """An asset as stored, with the depreciation posted for it so far."""

    id: str
    spec: AssetSpec
    status: Status
    acquisition_entry_id: str | None
    disposed_on: date | None
    disposal_kind: str | None
    proceeds: Decimal | None
    disposal_entry_id: str | None
    proceeds_entry_id: str | None
    created_at: datetime
    posted: tuple[tuple[Period, Decimal, str], ...]  # (month, amount, entry id), oldest first

    @property
    def accumulated(self) -> Decimal:
        return sum((amount for _, amount, _ in self.posted), ZERO)

    def as_dict(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "id": self.id,
            "inventory_no": spec.inventory_no,
            "name": spec.name,
            "asset_account": spec.asset_account,
            "depreciation_account": spec.depreciation_account,
            "acquisition_date": spec.acquisition_date.isoformat(),
            "acquisition_value": str(spec.acquisition_value),
            "commissioning_date": spec.commissioning_date.isoformat(),
            "catalogue_code": spec.catalogue_code,
            "life_months": spec.life_months,
            "method": spec.method,
            "supplier_name": spec.supplier_name,
            "supplier_cui": spec.supplier_cui,
            "supplier_city": spec.supplier_city,
            "supplier_country": spec.supplier_country,
            "document_ref": spec.document_ref,
            "location": spec.location,
            "cost_centre": spec.cost_centre,
            "status": self.status.value,
            "accumulated_depreciation": str(self.accumulated),
            "book_value": str(spec.acquisition_value - self.accumulated)
            if self.status is Status.ACTIVE
            else "0.00",
            "acquisition_entry_id": self.acquisition_entry_id,
            "disposed_on": self.disposed_on.isoformat() if self.disposed_on else None,
            "disposal_kind": self.disposal_kind,
            "proceeds": str(self.proceeds) if self.proceeds is not None else None,
            "disposal_entry_id": self.disposal_entry_id,
            "proceeds_entry_id": self.proceeds_entry_id,
        }


_SPEC_FIELDS = tuple(AssetSpec.__dataclass_fields__)


def insert(conn: Connection, asset_id: str, spec: AssetSpec, *, now: datetime, by: str | None) -> None:
    values = {name: getattr(spec, name) for name in _SPEC_FIELDS}
    values["acquisition_value"] = str(spec.acquisition_value)
    conn.execute(
        t.assets.insert().values(
            id=asset_id, status=Status.ACTIVE.value, created_at=now, created_by=by, **values
        )
    )


def update(conn: Connection, asset_id: str, **values: Any) -> None:
    conn.execute(t.assets.update().where(t.assets.c.id == asset_id).values(**values))


def inventory_taken(conn: Connection, inventory_no: str) -> bool:
    query = sa.select(t.assets.c.id).where(t.assets.c.inventory_no == inventory_no)
    return conn.execute(query).first() is not None


def _posted(conn: Connection, ids: list[str]) -> dict[str, list[tuple[Period, Decimal, str]]]:
    d = t.depreciation.c
    out: dict[str, list[tuple[Period, Decimal, str]]] = {i: [] for i in ids}
    if not ids:
        return out
    query = sa.select(t.depreciation).where(d.asset_id.in_(ids)).order_by(d.asset_id, d.year, d.month)
    for row in conn.execute(query):
        out[row.asset_id].append((Period(row.year, row.month), Decimal(row.amount), row.entry_id))
    return out


def _row(row: Any, posted: list[tuple[Period, Decimal, str]]) -> AssetRow:
    spec = AssetSpec(
        **{name: getattr(row, name) for name in _SPEC_FIELDS if name != "acquisition_value"},
        acquisition_value=Decimal(row.acquisition_value),
    )
    return AssetRow(
        id=row.id,
        spec=spec,
        status=Status(row.status),
        acquisition_entry_id=row.acquisition_entry_id,
        disposed_on=row.disposed_on,
        disposal_kind=row.disposal_kind,
        proceeds=Decimal(row.proceeds) if row.proceeds is not None else None,
        disposal_entry_id=row.disposal_entry_id,
        proceeds_entry_id=row.proceeds_entry_id,
        created_at=row.created_at,
        posted=tuple(posted),
    )


def get(conn: Connection, asset_id: str, *, for_update: bool = False) -> AssetRow:
    query = sa.select(t.assets).where(t.assets.c.id == asset_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"fixed asset {asset_id!r} not found", details={"asset_id": asset_id})
    return _row(row, _posted(conn, [asset_id])[asset_id])


def list_assets(
    conn: Connection,
    *,
    status: str | None = None,
    acquired_until: date | None = None,
    held_from: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AssetRow]:
    """Assets by inventory number; ``acquired_until``/``held_from`` keep those owned in a period."""
    a = t.assets.c
    query = sa.select(t.assets).order_by(a.inventory_no)
    if status is not None:
        query = query.where(a.status == status)
    if acquired_until is not None:
        query = query.where(a.acquisition_date <= acquired_until)
    if held_from is not None:
        query = query.where(sa.or_(a.disposed_on.is_(None), a.disposed_on >= held_from))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = conn.execute(query).all()
    posted = _posted(conn, [r.id for r in rows])
    return [_row(r, posted[r.id]) for r in rows]


def depreciation_due(conn: Connection, period: Period) -> list[AssetRow]:
    """Assets that may owe ``period``'s depreciation: commissioned before it, not disposed before it."""
    a = t.assets.c
    query = (
        sa.select(t.assets)
        .where(
            a.commissioning_date < period.first_day,
            sa.or_(a.disposed_on.is_(None), a.disposed_on > period.last_day),
        )
        .order_by(a.inventory_no)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    rows = conn.execute(query).all()
    posted = _posted(conn, [r.id for r in rows])
    return [_row(r, posted[r.id]) for r in rows]


def record_depreciation(
    conn: Connection, asset_id: str, period: Period, amount: Decimal, entry_id: str, now: datetime
) -> None:
    conn.execute(
        t.depreciation.insert().values(
            asset_id=asset_id,
            year=period.year,
            month=period.month,
            amount=str(amount),
            entry_id=entry_id,
            posted_at=now,
        )
    )
