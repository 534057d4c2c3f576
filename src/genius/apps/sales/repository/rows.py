"""Helpers the sales repository modules share: text <-> decimal, address columns, rows by id."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import tables as t
from genius.apps.sales.domain.addresses import PostalAddress


def dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def text(value: Decimal | None) -> str | None:
    return f"{value:f}" if value is not None else None


def address_values(address: PostalAddress) -> dict[str, Any]:
    return {
        "street": address.street,
        "additional_street": address.additional_street,
        "city": address.city,
        "postal_code": address.postal_code,
        "county": address.county,
        "country_code": address.country_code,
    }


def address_of(row: Row[Any]) -> PostalAddress:
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
BY_ID = {
    (table.name, for_update): (
        sa.select(table).where(table.c.id == sa.bindparam("row_id")).with_for_update()
        if for_update
        else sa.select(table).where(table.c.id == sa.bindparam("row_id"))
    )
    for table in (t.partners, t.products, t.series, t.invoices)
    for for_update in (False, True)
}


def one(conn: Connection, table: sa.Table, row_id: str, for_update: bool = False) -> Row[Any] | None:
    return conn.execute(BY_ID[(table.name, for_update)], {"row_id": row_id}).first()


def canonical(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
