"""Reads of the issuing path run through psycopg itself on PostgreSQL, SQLAlchemy's Core elsewhere.

An issue reads the company profile, the partner, the products and the series (twice: to plan,
then ``FOR UPDATE``) on every request. Through SQLAlchemy each read costs more CPU than the
statement itself (execution context, result metadata built from the cursor's description, row
processing): measured on this VM, a primary-key ``SELECT`` of a 20-column row took 260-500 µs of
client CPU through ``Connection.execute`` and 95-170 µs through a psycopg cursor on the same
connection (load 8-9, three runs). So on the psycopg driver these statements are compiled once
(with the connection's dialect, so the SQL is exactly what SQLAlchemy would send) and run on a
cursor of the connection the unit of work holds: same transaction, same locks, the same rows by
name (psycopg's named tuples), in pipeline mode too.

Only statements that lose nothing by this take the short way: :func:`_compile` refuses (and the
statement runs through SQLAlchemy as before) any with a bind or result processor for this dialect
(a type SQLAlchemy converts on the way in or out), post-compile parameters (expanding ``IN``),
or a schema translation in force. Errors come out as SQLAlchemy's (``DBAPIError.instance``), as
from ``Connection.execute``. Writes stay with SQLAlchemy: this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, exc
from sqlalchemy.sql import Select

_DRIVER = "psycopg"


@dataclass(frozen=True)
class _Compiled:
    statement: Select[Any]  # kept alive: the cache is keyed on its id
    sql: str
    defaults: dict[str, Any]  # values SQLAlchemy bound itself (literals in the statement)


_CACHE: dict[tuple[int, str], _Compiled | None] = {}


def native(conn: Connection) -> bool:
    """Whether ``conn`` runs on the driver this module talks to directly (psycopg)."""
    return conn.dialect.driver == _DRIVER


def first(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> Any | None:
    """The first row of ``statement`` (attributes by column name), or ``None``."""
    compiled = _compiled(conn, statement)
    if compiled is None:
        return conn.execute(statement, params).first()
    return _fetch(conn, compiled, params, many=False)


def all_rows(conn: Connection, statement: Select[Any], params: dict[str, Any]) -> list[Any]:
    """Every row of ``statement`` (attributes by column name)."""
    compiled = _compiled(conn, statement)
    if compiled is None:
        return list(conn.execute(statement, params).all())
    return _fetch(conn, compiled, params, many=True)  # type: ignore[no-any-return]


def _fetch(conn: Connection, compiled: _Compiled, params: dict[str, Any], *, many: bool) -> Any:
    from psycopg.rows import namedtuple_row

    values = {**compiled.defaults, **params}
    driver = conn.connection.driver_connection
    try:
        with driver.cursor(row_factory=namedtuple_row) as cursor:  # type: ignore[union-attr]
            cursor.execute(compiled.sql, values)
            return cursor.fetchall() if many else cursor.fetchone()
    except Exception as error:
        import psycopg

        if not isinstance(error, psycopg.Error):
            raise
        raise exc.DBAPIError.instance(
            compiled.sql, values, error, psycopg.Error, dialect=conn.dialect
        ) from error


def _compiled(conn: Connection, statement: Select[Any]) -> _Compiled | None:
    dialect = conn.dialect
    if not native(conn) or conn.get_execution_options().get("schema_translate_map"):
        return None
    key = (id(statement), dialect.name)
    try:
        return _CACHE[key]
    except KeyError:
        found = _CACHE[key] = _compile(statement, dialect)
        return found


def _compile(statement: Select[Any], dialect: Any) -> _Compiled | None:
    """The SQL SQLAlchemy would send, or ``None`` when running it bare would change a value."""
    compiled: Any = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    if any(compiled._bind_processors.values()):
        return None
    for column in compiled._result_columns:
        try:
            processor = column.type._cached_result_processor(dialect, None)
        except Exception:  # a type that needs the driver's type code to decide (Numeric)
            return None
        if processor is not None:
            return None
    # Values bound by SQLAlchemy itself (literals of the statement); a parameter the caller must
    # give stays out, so a missing one is an error, as through SQLAlchemy.
    defaults = {name: value for name, value in compiled.params.items() if not compiled.binds[name].required}
    return _Compiled(statement, compiled.string, defaults)
