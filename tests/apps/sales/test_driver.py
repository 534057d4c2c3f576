"""The issuing path's reads through psycopg directly: the same rows as through SQLAlchemy, or the
SQLAlchemy path itself when running the statement bare could change a value."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.domain.series import SeriesDocumentKind
from genius.apps.sales.repository import driver
from genius.apps.sales.repository.rows import BY_ID, one
from genius.bootstrap import Platform
from tests.apps.sales.conftest import setup_world

pytestmark = pytest.mark.postgres


def _same(fast: object, slow: sa.Row[object]) -> None:
    assert fast is not None and slow is not None
    for name in slow._fields:
        assert getattr(fast, name) == getattr(slow, name), name
        assert type(getattr(fast, name)) is type(getattr(slow, name)), name


def test_rows_match_sqlalchemy(pg_platform: Platform) -> None:
    world = setup_world(pg_platform)
    with world.engine().connect() as conn:
        assert driver.native(conn)
        for table, row_id in (
            (t.partners, world.ids["partner"]),
            (t.products, world.ids["product"]),
            (t.series, world.ids["invoice_series"]),
        ):
            slow = conn.execute(sa.select(table).where(table.c.id == row_id)).one()
            _same(one(conn, table, row_id), slow)
            _same(one(conn, table, row_id, for_update=True), slow)
            assert one(conn, table, "no-such-id") is None
        default = repo.default_series_row(conn, SeriesDocumentKind.INVOICE)
        assert default is not None and default.id == world.ids["invoice_series"]
        company = repo.get_company(conn)
        assert company is not None and company[0].cui == "18547290"
        products = repo.products_by_id(conn, [world.ids["product"], world.ids["book"], "no-such-id"])
        assert set(products) == {world.ids["product"], world.ids["book"]}
        conn.rollback()


def test_a_statement_with_a_processor_is_left_to_sqlalchemy(pg_platform: Platform) -> None:
    world = setup_world(pg_platform)
    with world.engine().connect() as conn:
        numeric = sa.select(sa.cast(t.series.c.width, sa.Numeric(10, 2)).label("width"))
        expanding = sa.select(t.series.c.id).where(t.series.c.id.in_(sa.bindparam("ids", expanding=True)))
        assert driver._compiled(conn, numeric) is None  # Numeric converts its result
        assert driver._compiled(conn, expanding) is None  # post-compile parameters
        assert driver.all_rows(conn, expanding, {"ids": [world.ids["invoice_series"]]})[0].id == (
            world.ids["invoice_series"]
        )
        conn.rollback()


def test_a_missing_parameter_is_an_error_and_errors_are_sqlalchemys(pg_platform: Platform) -> None:
    world = setup_world(pg_platform)
    with world.engine().connect() as conn:
        statement = BY_ID[(t.series.name, False)]
        with pytest.raises(Exception, match="row_id"):
            driver.first(conn, statement, {})
        conn.rollback()
        broken = sa.select(t.series).where(t.series.c.width == sa.bindparam("width", type_=sa.String))
        with pytest.raises(sa.exc.DBAPIError):  # integer = varchar: refused by the server
            driver.first(conn, broken, {"width": "x"})
        conn.rollback()
