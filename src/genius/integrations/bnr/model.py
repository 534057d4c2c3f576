"""BNR's reference exchange rates as typed values: one rate, one day's sheet, one published document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ExchangeRate:
    """RON for ``multiplier`` units of ``currency`` on ``day`` (BNR quotes HUF, JPY, KRW... per 100)."""

    day: date
    currency: str
    rate: Decimal
    multiplier: int = 1

    @property
    def per_unit(self) -> Decimal:
        """RON for one unit of the currency (``rate / multiplier``, exact)."""
        return self.rate / self.multiplier if self.multiplier != 1 else self.rate


@dataclass(frozen=True)
class RateSheet:
    """One ``Cube``: every rate BNR set on one banking day."""

    day: date
    rates: tuple[ExchangeRate, ...]

    def get(self, currency: str) -> ExchangeRate | None:
        wanted = currency.upper()
        return next((rate for rate in self.rates if rate.currency == wanted), None)

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(rate.currency for rate in self.rates)


@dataclass(frozen=True)
class BnrDocument:
    """A whole ``DataSet``: the daily file has one sheet, the 10-day file ten, a yearly file ~250."""

    publishing_date: date | None
    message_type: str
    origin_currency: str
    sheets: tuple[RateSheet, ...]  # oldest first

    @property
    def latest(self) -> RateSheet | None:
        return self.sheets[-1] if self.sheets else None

    def sheet_on_or_before(self, day: date) -> RateSheet | None:
        """The last sheet published on ``day`` or before it (weekends and holidays have none)."""
        candidates = [sheet for sheet in self.sheets if sheet.day <= day]
        return candidates[-1] if candidates else None

    def rates(self) -> tuple[ExchangeRate, ...]:
        return tuple(rate for sheet in self.sheets for rate in sheet.rates)


__all__ = ["BnrDocument", "ExchangeRate", "RateSheet"]
