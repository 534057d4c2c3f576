"""What every ledger repository module shares: amounts in bani, and the dialect's upsert."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite


def to_bani(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_bani(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def dialect_insert(conn: Connection):  # type: ignore[no-untyped-def]
    """``INSERT`` with ``on_conflict_do_update`` for the connection's dialect."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
