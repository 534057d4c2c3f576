"""Numbering series rows: read (``for_update`` locks the counter), create, move on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import tables as t
from genius.apps.sales.domain.series import ResetPolicy, Series, SeriesDocumentKind
from genius.apps.sales.repository.rows import one

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
    return one(conn, t.series, series_id, for_update)


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
