"""Storing BNR sheets and finding the rate in force for a tax point (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from genius.apps.sales.spv import tables as st
from genius.integrations.bnr import BnrDocument
from genius.kernel.errors import ValidationError
from genius.platform.db.engine import SQLITE_IMMEDIATE

RON = "RON"
# BNR publishes every banking day; Easter or Christmas leave at most a few days without a sheet.
# A rate older than this means the feed stopped: refuse rather than apply a stale rate.
MAX_RATE_AGE = timedelta(days=10)
RULE = "Codul fiscal art. 290 alin. (2)"


class NoBnrRate(ValidationError):
    code = "no_bnr_rate"


@dataclass(frozen=True)
class BnrRate:
    currency: str
    day: date  # BNR's sheet date (published that day, in force from the next one)
    rate: Decimal  # RON for ``multiplier`` units
    multiplier: int

    @property
    def per_unit(self) -> Decimal:
        return self.rate / self.multiplier if self.multiplier != 1 else self.rate


def store_document(engine: Engine, document: BnrDocument, source: str, now: datetime) -> tuple[int, int]:
    """Upsert every rate of ``document``: (sheets, rates) written. Re-importing changes nothing."""
    rows = [
        {
            "currency": rate.currency,
            "rate_date": rate.day,
            "rate": f"{rate.rate:f}",
            "multiplier": rate.multiplier,
            "source": source[:40],
            "imported_at": now,
        }
        for rate in document.rates()
    ]
    if not rows:
        return 0, 0
    table = st.bnr_rates
    days = sorted({r["rate_date"] for r in rows})
    with engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
        existing = {
            (r.currency, r.rate_date)
            for r in conn.execute(
                sa.select(table.c.currency, table.c.rate_date).where(table.c.rate_date.in_(days))
            ).all()
        }
        for row in rows:
            key = (row["currency"], row["rate_date"])
            if key in existing:
                conn.execute(
                    table.update()
                    .where(table.c.currency == key[0], table.c.rate_date == key[1])
                    .values(rate=row["rate"], multiplier=row["multiplier"], source=row["source"])
                )
            else:
                conn.execute(table.insert().values(**row))
    return len(days), len(rows)


def rate_for_tax_point(conn: Connection, currency: str, tax_point: date) -> BnrRate:
    """The last BNR rate for ``currency`` published before ``tax_point``; ``NoBnrRate`` naming the fix."""
    code = currency.upper()
    row = conn.execute(
        sa.select(st.bnr_rates)
        .where(st.bnr_rates.c.currency == code, st.bnr_rates.c.rate_date < tax_point)
        .order_by(st.bnr_rates.c.rate_date.desc())
        .limit(1)
    ).first()
    if row is None or tax_point - row.rate_date > MAX_RATE_AGE:
        last = f" (the last one is of {row.rate_date:%Y-%m-%d})" if row is not None else ""
        raise NoBnrRate.for_field(
            "vat_exchange_rate",
            f"no BNR rate for {code} published before the tax point {tax_point:%Y-%m-%d}{last} ({RULE}):"
            " import BNR's rates (genius bnr import FILE, or the bnr_rates worker) or give vat_exchange_rate",
            "no_bnr_rate",
        )
    return BnrRate(row.currency, row.rate_date, Decimal(row.rate), row.multiplier)


def rates_on(conn: Connection, day: date) -> list[BnrRate]:
    rows = conn.execute(
        sa.select(st.bnr_rates).where(st.bnr_rates.c.rate_date == day).order_by(st.bnr_rates.c.currency)
    ).all()
    return [BnrRate(r.currency, r.rate_date, Decimal(r.rate), r.multiplier) for r in rows]
