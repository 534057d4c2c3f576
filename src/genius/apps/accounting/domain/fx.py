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

from genius.apps.accounting.domain.entries import ZERO, EntryDraft, Line, SourceDocument
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


# -- month-end revaluation (OMFP 1802/2014 pct. 322(3)) ---------------------------------------------
# Monetary items in a currency are revalued at the end of each month at the rate BNR communicated
# on the month's last banking day; the difference goes to 7651 (gain) or 6651 (loss). The
# revalued value is the item's new carrying amount: the revaluation is carried, never reversed on
# the 1st, and next month revalues the revalued amount (the Romanian practice; the IFRS-style
# reversal on the 1st is not used under OMFP 1802). Advances (409, 419) are not monetary: left out.
REVALUATION_RULE: Final = "OMFP 1802/2014 pct. 322(3)"
# Synthetic prefixes of the monetary items revalued: suppliers, customers, sundry debtors and
# creditors, bank and cash accounts in a currency.
REVALUED_PREFIXES: Final = (
    "401", "403", "404", "405", "408", "411", "413", "418", "461", "462", "5124", "5314",
)  # fmt: skip
# The last banking day's sheet: at most a long week-end (and 30 Nov / 1 Dec) before the month's end.
MONTH_END_MAX_AGE: Final = timedelta(days=4)


def is_revalued(account: str) -> bool:
    return account.startswith(REVALUED_PREFIXES)


def month_end_rate(currency: str, last_day: date, found: FxRate | None) -> FxRate:
    """``found`` (the latest sheet on or before ``last_day``) when it is the last banking day's."""
    if found is None or last_day - found.day > MONTH_END_MAX_AGE:
        last = f"; the last one is of {found.day:%Y-%m-%d}" if found is not None else ""
        raise NoFxRate.for_field(
            "period",
            f"no BNR rate for {currency} on the last banking day up to {last_day:%Y-%m-%d}{last} "
            f"({REVALUATION_RULE}): import BNR's rates (genius bnr import FILE, or the bnr.rates "
            "worker), then revalue again",
            "no_fx_rate",
        )
    return found


@dataclass(frozen=True)
class CurrencyItem:
    """One open foreign-currency item: an account, a partner and a currency, as the ledger holds it.

    ``amount``: the currency balance (debit minus credit, in the currency); ``carrying``: the lei
    balance of the same lines (its carrying amount, earlier revaluations included).
    """

    account: str
    partner_id: str | None
    currency: str
    amount: Decimal
    carrying: Decimal


@dataclass(frozen=True)
class Revaluation:
    item: CurrencyItem
    rate: FxRate
    revalued: Decimal  # amount x the closing rate, in lei (signed like ``carrying``)

    @property
    def difference(self) -> Decimal:
        """Positive: the item's lei value grew on the debit side (a gain); negative: a loss."""
        return self.revalued - self.item.carrying


def revalue(item: CurrencyItem, rate: FxRate) -> Revaluation:
    """``item`` at ``rate``; an item whose currency is settled but lei remain is revalued to zero."""
    return Revaluation(item, rate, lei(item.amount, rate.per_unit))


def revaluation_entry(
    revaluations: list[Revaluation],
    *,
    journal: str,
    on: date,
    source: SourceDocument,
    gain_account: str,
    loss_account: str,
) -> EntryDraft | None:
    """One entry for the month: each item that changed (item = 7651 or 6651 = item), gains and losses
    on one line each (never netted: income and expenses are not offset). None when nothing changed.

    The item's line carries the currency with a currency amount of 0 and the closing rate: the lei
    change becomes part of the item's carrying amount without changing its currency balance.
    """
    lines: list[Line] = []
    gains = losses = ZERO
    for r in sorted(revaluations, key=lambda x: (x.item.account, x.item.partner_id or "", x.item.currency)):
        change = r.difference
        if change == 0:
            continue
        item = Line(
            r.item.account,
            debit=change if change > 0 else ZERO,
            credit=-change if change < 0 else ZERO,
            partner_id=r.item.partner_id,
            description=f"{r.item.currency} {r.item.amount} x {r.rate.per_unit} ({r.rate.day:%d.%m.%Y})",
            currency=r.item.currency,
            currency_amount=ZERO,
            exchange_rate=r.rate.per_unit,
        )
        lines.append(item)
        if change > 0:
            gains += change
        else:
            losses -= change
    if not lines:
        return None
    if gains:
        lines.append(Line(gain_account, credit=gains, description="Diferențe favorabile de curs valutar"))
    if losses:
        lines.append(Line(loss_account, debit=losses, description="Diferențe nefavorabile de curs valutar"))
    description = f"Reevaluare elemente monetare în valută la cursul BNR din {on:%d.%m.%Y}"
    return EntryDraft(journal, on, description, tuple(lines), source=source)
