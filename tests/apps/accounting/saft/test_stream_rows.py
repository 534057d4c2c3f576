"""The D406 streams read through a server-side cursor without leaving the connection streaming:
a report run later on the same connection (the bench's ageing after its D406 stream) is read the
ordinary way, not through a cursor the planner optimises for the first rows."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from genius.apps.accounting.saft.streams.rows import stream_rows

_NUMBERS = sa.select(sa.literal_column("n")).select_from(
    sa.text("(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) AS numbers")
)


def _urls() -> list[str]:
    urls = ["sqlite://"]
    postgres = os.environ.get("GENIUS_TEST_DATABASE_URL")
    if postgres:
        urls.append(postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    return urls


@pytest.mark.parametrize("url", _urls())
def test_stream_rows_leaves_the_connection_as_it_was(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert [row.n for row in stream_rows(conn, _NUMBERS.order_by(sa.text("n")), 3)] == [1, 2, 3, 4]
            assert "yield_per" not in conn.get_execution_options()
            assert "stream_results" not in conn.get_execution_options()
            with conn.execute(_NUMBERS) as later:
                assert not later.context.execution_options.get("stream_results")
    finally:
        engine.dispose()
