"""The cash register's rules (pure): kinds of operation, the legal cash limits, a balance never below zero.

Operations of a register (5311 Casa în lei, or an analytic of it such as 5311.01):

=============  ================================================  ============================
kind           what                                              entry (journal CS)
=============  ================================================  ============================
receipt        chitanță: a customer pays an issued invoice       5311 = 4111(.xxxxx)
payment        a supplier invoice paid in cash                   401(.xxxxx) = 5311
cash_in        other money in (from the bank 581, a refund ...)  5311 = <counter account>
cash_out       other money out (to the bank 581, advances ...)   <counter account> = 5311
=============  ================================================  ============================

Law 70/2015 (art. 3 and 4, in force as restored by OUG 98/2023 before the lower limits of Law
296/2023 art. LXIV could apply) caps cash between a business and its partners:

* from another business (company, PFA, foreign firm): receipts of at most 5,000 lei a day from
  one person; payments of at most 5,000 lei a day to one person and 10,000 lei a day in all;
* with an individual for goods or services: at most 10,000 lei a day from or to one person;
* an invoice above 5,000 lei must not be collected or paid in cash in fragments (art. 3(2)-(3)):
  at most 5,000 lei of it in cash, whatever the days.

A register cannot show a negative balance (OMFP 2634/2015, registrul de casă): cash that is not
there cannot be paid out, so a payment that would leave the balance below zero on its day or on
any later day of the register is refused, naming the day and the amounts.

A recorded operation is never edited or deleted: an operation recorded by mistake is cancelled
(``check_cancellation``) by a red-storno reversal of its entry dated on the cancellation day, and
the operation keeps its row, marked cancelled with the reason, the user and the reversal. The
cancelled amount no longer counts towards Law 70/2015's limits (the cash did not change hands).
Cancelling money in (a receipt, cash_in) takes it out of the register again, so it passes the
same balance check as a payment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from genius.kernel.errors import Conflict, ValidationError

ZERO = Decimal("0.00")
REGISTER_ACCOUNT = "5311"
# Partner accounts a plain operation must not use: an invoice is settled by receipt/payment.
PARTNER_SYNTHETICS = ("401", "404", "411", "4111", "4118")

RECEIPT_PER_BUSINESS = Decimal("5000")
PAYMENT_PER_BUSINESS = Decimal("5000")
PAYMENTS_PER_DAY = Decimal("10000")
PER_INDIVIDUAL = Decimal("10000")
INVOICE_CASH_CAP = Decimal("5000")  # no fragmented cash for an invoice above 5,000 lei
LAW = "Legea 70/2015"


class Kind(StrEnum):
    RECEIPT = "receipt"
    PAYMENT = "payment"
    CASH_IN = "cash_in"
    CASH_OUT = "cash_out"

    @property
    def inflow(self) -> bool:
        return self in (Kind.RECEIPT, Kind.CASH_IN)


class CashLimitExceeded(Conflict):
    code = "cash_limit_exceeded"


class NegativeCashBalance(Conflict):
    code = "negative_cash_balance"


class AlreadyCancelled(Conflict):
    code = "already_cancelled"


ACTIVE = "active"
CANCELLED = "cancelled"
MAX_REASON = 300


@dataclass(frozen=True)
class CancelledState:
    """How an operation was cancelled: the day of the storno, by whom, why, and its entry."""

    on: date
    by: str | None
    reason: str
    entry_id: str


def check_cancellation(
    number: str, op_date: date, on: date, reason: str, cancelled: CancelledState | None
) -> str:
    """Refuse a second cancellation (naming the first), a storno dated before the operation, no reason.

    Returns the reason, stripped.
    """
    if cancelled is not None:
        raise AlreadyCancelled(
            f"cash operation {number} is already cancelled: storno on {cancelled.on.isoformat()}"
            f" by {cancelled.by or 'the system'} ({cancelled.reason})",
            details={"number": number, "state": CANCELLED, "reversal_entry_id": cancelled.entry_id},
        )
    text = (reason or "").strip()
    if not text:
        raise ValidationError.for_field("reason", "required: why the operation is cancelled")
    if len(text) > MAX_REASON:
        raise ValidationError.for_field("reason", f"at most {MAX_REASON} characters")
    if on < op_date:
        raise ValidationError.for_field(
            "on",
            f"{on.isoformat()} is before the operation {number} of {op_date.isoformat()}:"
            " a storno is dated on or after it",
        )
    return text


def parse_kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise ValidationError.for_field("kind", f"{value!r}: use {', '.join(Kind)}") from None


def check_register_account(code: str) -> str:
    """A lei cash account: 5311 or one of its analytics (5311.01); currency cash (5314) is not kept here."""
    code = (code or "").strip()
    if code != REGISTER_ACCOUNT and not code.startswith(REGISTER_ACCOUNT + "."):
        raise ValidationError.for_field(
            "account", f"{code!r}: a lei cash register is 5311 or an analytic of it (5311.01)"
        )
    return code


def check_counter_account(code: str, register: str) -> str:
    code = (code or "").strip()
    if not code:
        raise ValidationError.for_field("counter_account", "required for a plain cash operation")
    if code.split(".")[0] in PARTNER_SYNTHETICS:
        raise ValidationError.for_field(
            "counter_account",
            f"{code}: a customer or supplier is settled by a receipt or payment against its invoice",
        )
    if code == register:
        raise ValidationError.for_field("counter_account", f"{code} is the register itself")
    return code


def check_amount(amount: Decimal) -> Decimal:
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError.for_field(
            "amount", f"{amount}: a positive amount in lei with at most 2 decimals"
        )
    return amount


@dataclass(frozen=True)
class PartnerCash:
    """What the partner already moved in cash on the day, and the invoice so far (for the caps)."""

    kind: Kind
    partner_name: str
    individual: bool
    amount: Decimal
    same_day_with_partner: Decimal  # the same direction, this partner, this day
    same_day_payments: Decimal  # every payment to a business this day (payments only)
    invoice_total: Decimal
    invoice_cash_so_far: Decimal  # earlier cash operations on the same invoice
    on: date


def check_limits(c: PartnerCash) -> None:
    """Refuse cash above Law 70/2015's limits, naming the limit, the day and what is already there."""
    day = c.on.isoformat()
    after = c.same_day_with_partner + c.amount
    if c.individual:
        if after > PER_INDIVIDUAL:
            raise CashLimitExceeded(
                f"{LAW} art. 4: at most {PER_INDIVIDUAL:,.0f} lei a day in cash with an individual;"
                f" {c.partner_name} on {day} would reach {after} lei ({c.same_day_with_partner} already)"
            )
        return
    article = "art. 3(1)(a)" if c.kind is Kind.RECEIPT else "art. 3(1)(c)"
    cap = RECEIPT_PER_BUSINESS if c.kind is Kind.RECEIPT else PAYMENT_PER_BUSINESS
    verb = "from" if c.kind is Kind.RECEIPT else "to"
    if after > cap:
        raise CashLimitExceeded(
            f"{LAW} {article}: at most {cap:,.0f} lei a day in cash {verb} one business; {c.partner_name}"
            f" on {day} would reach {after} lei ({c.same_day_with_partner} already); pay the rest by bank"
        )
    if c.kind is Kind.PAYMENT and c.same_day_payments + c.amount > PAYMENTS_PER_DAY:
        raise CashLimitExceeded(
            f"{LAW} art. 3(1)(c): at most {PAYMENTS_PER_DAY:,.0f} lei a day of cash payments to businesses;"
            f" on {day} they would reach {c.same_day_payments + c.amount} lei"
        )
    if c.invoice_total > INVOICE_CASH_CAP and c.invoice_cash_so_far + c.amount > INVOICE_CASH_CAP:
        raise CashLimitExceeded(
            f"{LAW} art. 3(2)-(3): an invoice above {INVOICE_CASH_CAP:,.0f} lei ({c.invoice_total})"
            f" is settled in cash for at most {INVOICE_CASH_CAP:,.0f} lei in all, not in fragments;"
            f" {c.invoice_cash_so_far} lei already in cash"
        )


@dataclass(frozen=True)
class DayMovement:
    """The register's net movement of one day (debit minus credit of the cash account)."""

    on: date
    net: Decimal


def check_balance(
    register: str,
    opening: Decimal,
    days: Iterable[DayMovement],
    on: date,
    outflow: Decimal,
    action: str = "paying",
) -> None:
    """Refuse ``outflow`` on ``on`` when the balance would go below zero that day or any later day.

    ``opening``: the balance before ``on``; ``days``: the existing movements of ``on`` and later
    days in date order. Within a day the new operation comes last, so the day's receipts count.
    ``action`` names the outflow in the refusal ("paying", "cancelling receipt 2026-000004 of").
    """
    balance = opening
    points: list[tuple[date, Decimal]] = []
    for day in days:
        if day.on < on:
            raise ValueError("days must start at the operation's day")
        if day.on > on and not points:
            points.append((on, balance))
        balance += day.net
        points.append((day.on, balance))
    if not points or points[0][0] != on:
        points.insert(0, (on, opening))
    for when, value in points:
        after = value - outflow
        if after < 0:
            day_text = when.isoformat() if when == on else f"{when.isoformat()} (later than {on.isoformat()})"
            raise NegativeCashBalance(
                f"cash register {register} would go below zero on {day_text}: balance {value} lei,"
                f" {action} {outflow} lei on {on.isoformat()} leaves {after} lei",
                details={"register": register, "date": when.isoformat(), "balance": str(value)},
            )
