"""Exchange rates for settlements in a foreign currency, and the lei value booked when a document is settled.

The bank side of a foreign-currency receipt or payment is valued at the BNR rate of the payment
date (OMFP 1802/2014 pct. 322: a foreign-currency transaction is recorded at the rate BNR
communicated, valid on the transaction date): the sheet BNR published on that day, or, on a day
without a sheet (week-end, bank holiday), the last one before it. A rate older than
``MAX_RATE_AGE`` means the feed stopped, and the posting is refused rather than made at a stale rate.

The receivable or payable side is cleared at the lei value it was booked at (the document's own
rate); the difference between the two is an exchange difference (665 loss / 765 gain, RO-ACCOUNTING
§2 "Settlement differences use the same accounts").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from genius.kernel.errors import ValidationError
from genius.kernel.money import round_money

RON: Final = "RON"
# BNR publishes every banking day; Easter or Christmas leave at most a few days without a sheet.
MAX_RATE_AGE: Final = timedelta(days=10)
RULE: Final = "OMFP 1802/2014 pct. 322"


class NoFxRate(ValidationError):
    """No BNR rate of the currency for the date (or only one older than ``MAX_RATE_AGE``)."""

    code = "no_fx_rate"


@dataclass(frozen=True)
class FxRate:
    currency: str
    day: date  # BNR's sheet date
    rate: Decimal  # lei for ``multiplier`` units, as BNR gives it
    multiplier: int = 1

    @property
    def per_unit(self) -> Decimal:
        return self.rate / self.multiplier if self.multiplier != 1 else self.rate


def check_in_force(
    currency: str, on: date, found: FxRate | None, field_path: str = "exchange_rate"
) -> FxRate:
    """``found`` (the latest sheet on or before ``on``) when it may value an operation of ``on``."""
    if found is None or on - found.day > MAX_RATE_AGE:
        last = f"; the last one is of {found.day:%Y-%m-%d}" if found is not None else ""
        raise NoFxRate.for_field(
            field_path,
            f"no BNR rate for {currency} on {on:%Y-%m-%d}{last} ({RULE}): import BNR's rates "
            "(genius bnr import FILE, or the bnr.rates worker), then post again",
            "no_fx_rate",
        )
    return found


def lei(amount: Decimal, rate: Decimal) -> Decimal:
    """``amount`` of a currency in lei at ``rate`` (lei per unit), rounded to bani."""
    return round_money(amount * rate)


@dataclass(frozen=True)
class BookedPart:
    """What is known of one settled document, to value the part of it a settlement clears.

    ``amount``: the currency amount settled now; ``rate``: the document's rate (lei per unit);
    ``total``/``total_lei``: the document's currency total and the lei value its receivable or
    payable line was booked at (None when the ledger entry is not there); ``cleared``/
    ``cleared_lei``: what earlier settlements cleared of it, in the currency and in lei.
    """

    amount: Decimal
    rate: Decimal
    total: Decimal
    total_lei: Decimal | None = None
    cleared: Decimal = Decimal(0)
    cleared_lei: Decimal = Decimal(0)


def booked_value(part: BookedPart) -> Decimal:
    """The lei value of ``part.amount`` as booked: at the document's rate, and the exact remainder of
    the booked line when this settlement clears the document (so no bani are left on 4111/401)."""
    if part.total_lei is not None and part.cleared + part.amount == part.total:
        return part.total_lei - part.cleared_lei
    return lei(part.amount, part.rate)
