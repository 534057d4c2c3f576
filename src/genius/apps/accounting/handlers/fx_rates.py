"""Accounting's copy of BNR rates (``acc_fx_rates``): stored from BNR documents, read for settlements.

Accounting reads no other app's tables (DESIGN.md rule 5), so the entry points that import BNR's
sheets (worker ``bnr.rates``, ``genius bnr import``, the demo seeder) store them here too, through
``store_bnr_document``. Re-importing a day changes nothing but the rate BNR gave for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from genius.apps.accounting import tables as t
from genius.apps.accounting.domain.fx import FxRate, check_in_force
from genius.integrations.bnr import BnrDocument
from genius.platform.db.engine import SQLITE_IMMEDIATE


def store_rates(conn: Connection, rates: Iterable[FxRate], source: str, now: datetime) -> int:
    """Upsert ``rates`` (one row per currency and BNR date); how many were written."""
    table = t.fx_rates
    wanted = list(rates)
    days = sorted({r.day for r in wanted})
    existing: set[tuple[str, date]] = set()
    for start in range(0, len(days), 200):  # bounded IN lists
        existing.update(
            (r.currency, r.rate_date)
            for r in conn.execute(
                sa.select(table.c.currency, table.c.rate_date).where(
                    table.c.rate_date.in_(days[start : start + 200])
                )
            )
        )
    fresh = []
    for rate in wanted:
        values = {"rate": f"{rate.rate:f}", "multiplier": rate.multiplier, "source": source[:40]}
        if (rate.currency, rate.day) in existing:
            conn.execute(
                table.update()
                .where(table.c.currency == rate.currency, table.c.rate_date == rate.day)
                .values(**values)
            )
        else:
            existing.add((rate.currency, rate.day))
            fresh.append({"currency": rate.currency, "rate_date": rate.day, "imported_at": now, **values})
    if fresh:
        conn.execute(table.insert(), fresh)
    return len(wanted)


def store_bnr_document(engine: Engine, document: BnrDocument, source: str, now: datetime) -> int:
    """Every rate of a BNR document into accounting's copy, in one transaction; how many rates."""
    rates = [FxRate(r.currency, r.day, r.rate, r.multiplier) for r in document.rates()]
    if not rates:
        return 0
    with engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
        return store_rates(conn, rates, source, now)


def latest_rate(conn: Connection, currency: str, on: date) -> FxRate | None:
    """The latest BNR sheet's rate of ``currency`` dated ``on`` or before."""
    table = t.fx_rates
    row = conn.execute(
        sa.select(table)
        .where(table.c.currency == currency.upper(), table.c.rate_date <= on)
        .order_by(table.c.rate_date.desc())
        .limit(1)
    ).first()
    return FxRate(row.currency, row.rate_date, Decimal(row.rate), row.multiplier) if row else None


def rate_on(conn: Connection, currency: str, on: date, field_path: str = "exchange_rate") -> FxRate:
    """The BNR rate that values an operation of ``on`` in ``currency``; ``NoFxRate`` naming both."""
    return check_in_force(currency.upper(), on, latest_rate(conn, currency, on), field_path)
