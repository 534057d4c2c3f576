"""Romanian VAT rates as effective-dated reference data (``data/rates.csv``) and their lookup.

A rate belongs to a *kind* of supply, not to a number: the standard kind was 19 % until
2025-07-31 and is 21 % from 2025-08-01 (Law 141/2025), so an invoice asks for the rate of its
kind on its tax point date and a back-dated invoice gets the rate of its own date
(RO-ACCOUNTING.md: "the rate follows the date of the chargeable event"). The data starts on
2010-07-01; an earlier date is refused rather than guessed.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib.resources import files

from genius.fiscal.ro.vat.errors import VatRuleError

# Rule ids this module reports (in each problem's ``code``).
RULE_KIND = "RO-VAT-KIND"  # the rate kind is not one of RateKind
RULE_NO_RATE = "RO-VAT-NO-RATE"  # the kind has no rate on that date (before the data, or ended)
RULE_RATE_IN_FORCE = "RO-VAT-RATE"  # a category S rate that is not a Romanian rate on that date


class RateKind(StrEnum):
    """Kinds of taxable supply with their own rate (Codul fiscal art. 291)."""

    STANDARD = "standard"  # 19 % -> 21 % on 2025-08-01
    REDUCED = "reduced"  # 9 % -> 11 % on 2025-08-01 (food, medicines, water, hotels, restaurants)
    REDUCED_LOW = "reduced_low"  # 5 % -> 11 % on 2025-08-01 (the 5 % rate was abolished)
    HOUSING_TRANSITIONAL = "housing_transitional"  # 9 % for dwellings delivered by 2026-07-31


@dataclass(frozen=True)
class RatePeriod:
    """One row of ``data/rates.csv``: a kind's rate from ``valid_from`` to ``valid_to`` inclusive."""

    kind: RateKind
    rate: Decimal
    valid_from: date
    valid_to: date | None
    legal_basis: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@cache
def rate_periods() -> tuple[RatePeriod, ...]:
    """Every rate period, read once from the package data."""
    resource = files("genius.fiscal.ro.vat").joinpath("data", "rates.csv")
    with resource.open(encoding="utf-8") as handle:
        rows = [
            RatePeriod(
                kind=RateKind(row["kind"]),
                rate=Decimal(row["rate"]),
                valid_from=date.fromisoformat(row["valid_from"]),
                valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                legal_basis=row["legal_basis"],
            )
            for row in csv.DictReader(handle)
        ]
    _check_no_overlap(rows)
    return tuple(rows)


def _check_no_overlap(rows: list[RatePeriod]) -> None:
    """Two periods of one kind may not share a day: the lookup must have one answer."""
    for kind in RateKind:
        periods = sorted((r for r in rows if r.kind == kind), key=lambda r: r.valid_from)
        for earlier, later in itertools.pairwise(periods):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise ValueError(f"rates.csv: {kind} periods overlap at {later.valid_from}")


def parse_kind(value: str, field_path: str = "vat_rate_kind") -> RateKind:
    """The RateKind named by ``value``; refuses an unknown name listing the known ones."""
    try:
        return RateKind(value)
    except ValueError:
        known = ", ".join(k.value for k in RateKind)
        raise VatRuleError.of(field_path, RULE_KIND, f"{value!r} is not a VAT rate kind ({known})") from None


def rate_period_for(kind: RateKind | str, tax_point: date, field_path: str = "vat_rate_kind") -> RatePeriod:
    """The period of ``kind`` in force on ``tax_point``, with its legal basis."""
    kind = parse_kind(kind, field_path) if not isinstance(kind, RateKind) else kind
    for period in rate_periods():
        if period.kind == kind and period.covers(tax_point):
            return period
    periods = [p for p in rate_periods() if p.kind == kind]
    first = min(p.valid_from for p in periods)
    if tax_point < first:
        why = f"the rate data for {kind} starts on {first.isoformat()}"
    else:
        last = max(periods, key=lambda p: p.valid_from)
        why = f"the {kind} rate of {last.rate} % ended on {last.valid_to} ({last.legal_basis})"
    raise VatRuleError.of(field_path, RULE_NO_RATE, f"no {kind} VAT rate on {tax_point.isoformat()}: {why}")


def rate_for(kind: RateKind | str, tax_point: date) -> Decimal:
    """The VAT rate in percent of ``kind`` on ``tax_point`` (the date of the chargeable event)."""
    return rate_period_for(kind, tax_point).rate


def rates_in_force(tax_point: date) -> frozenset[Decimal]:
    """Every Romanian rate (percent) some kind has on ``tax_point``."""
    return frozenset(p.rate for p in rate_periods() if p.covers(tax_point))


__all__ = [
    "RULE_KIND",
    "RULE_NO_RATE",
    "RULE_RATE_IN_FORCE",
    "RateKind",
    "RatePeriod",
    "parse_kind",
    "rate_for",
    "rate_period_for",
    "rate_periods",
    "rates_in_force",
]
