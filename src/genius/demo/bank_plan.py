"""What the demo company's bank account saw in the demo months: receipts, payments, fees, taxes.

A seeded plan, decided from the open invoices the bank part knows (``bank_open_items``):

* customers pay most invoices, on time or late, some in part, some never (and invoices whose
  payment would fall after the last month stay open), now and then two in one transfer; the
  payer writes the invoice number in the details, or only the CUI, or nothing but the name and
  IBAN (the matcher then proposes);
* the company pays most supplier invoices, quoting their number, with a transfer fee;
* every month: the account fee, a little interest (766), last month's net salaries (421) and
  its payroll taxes to the State Treasury (CAS 4315, CASS 4316, income tax 444, CAM 436, one
  order each) and, when last month's VAT closing left VAT to pay (4423), the VAT: lines with no
  invoice behind them, each carrying the counter-account the accountant posts it to
  (``BankLine.account``); ``Plan.payroll`` holds each month's payroll (``Payroll``), so the
  ledger can book the salaries those lines pay.

Pure: items, months and the seed in; ``BankLine``s per month out.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from genius.demo.bank_files import BANK_CHARGE, INTEREST, BankLine, iban

# Shares of the plan (tunables of the demo's look, not of any rule).
RECEIVABLE_NEVER_PAID: Final = 0.10
RECEIVABLE_PARTIAL: Final = 0.12
RECEIVABLE_LATE: Final = 0.35
PAYABLE_UNPAID: Final = 0.15
STYLE_NUMBER: Final = 0.50  # the invoice number in the details
STYLE_CUI: Final = 0.20  # the payer's CUI, no number; the rest: name and IBAN only
RECEIVABLE_TOGETHER: Final = 0.25  # paid in one transfer with the partner's previous invoice
ACCOUNT_FEE: Final = Decimal("15.00")  # lei a month, "comision administrare cont"
TRANSFER_FEE: Final = Decimal("2.50")  # lei per outgoing transfer
PAYER_BANKS: Final = ("BTRL", "RNCB", "BRDE", "INGB", "RZBR", "CECE")
ONE: Final = Decimal("1")
MonthOf = Callable[[date], "Month | None"]  # the demo month a day falls in, if any
Reference = Callable[[date], str]  # the bank's next reference for a line booked that day


@dataclass(frozen=True)
class DemoItem:
    """An invoice as the plan reads it: what was open before any bank line touched it."""

    id: str
    kind: str  # receivable | payable
    number: str
    partner_key: str
    partner_name: str
    partner_cui: str | None
    open_amount: Decimal
    issue_date: date
    due_date: date | None


@dataclass(frozen=True)
class Payroll:
    """A month's payroll from the gross salaries (no personal deductions): the employee's CAS 25 %,
    CASS 10 %, income tax 10 % of what is left, the net; the employer's CAM 2.25 %."""

    gross: Decimal

    @property
    def cas(self) -> Decimal:
        return _cents(self.gross * Decimal("0.25"))

    @property
    def cass(self) -> Decimal:
        return _cents(self.gross * Decimal("0.10"))

    @property
    def income_tax(self) -> Decimal:
        return _cents((self.gross - self.cas - self.cass) * Decimal("0.10"))

    @property
    def net(self) -> Decimal:
        return self.gross - self.cas - self.cass - self.income_tax

    @property
    def cam(self) -> Decimal:
        return _cents(self.gross * Decimal("0.0225"))

    def taxes(self) -> list[tuple[str, Decimal, str]]:
        """(account, amount, what) of each payroll tax paid to the State Treasury."""
        return [
            ("4315", self.cas, "CAS"),
            ("4316", self.cass, "CASS"),
            ("444", self.income_tax, "impozit pe salarii"),
            ("436", self.cam, "CAM"),
        ]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Month:
    first: date
    last: date

    def __str__(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass
class Plan:
    lines: dict[str, list[BankLine]] = field(default_factory=dict)  # month "YYYY-MM" -> lines
    # A partner's last receipt that named one invoice in full: another may join it.
    joinable: dict[str, tuple[str, int]] = field(default_factory=dict)
    payroll: dict[str, Payroll] = field(default_factory=dict)  # salary month "YYYY-MM" -> its payroll

    def add(self, month: Month, line: BankLine) -> int:
        found = self.lines.setdefault(str(month), [])
        found.append(line)
        return len(found) - 1

    def join(self, partner_key: str, month: Month, item: DemoItem) -> bool:
        """Add ``item`` to the partner's joinable receipt of ``month`` ("Factura A, B")."""
        where = self.joinable.pop(partner_key, None)
        if where is None or where[0] != str(month):
            return False
        lines = self.lines[where[0]]
        line = lines[where[1]]
        if line.booking_date < item.issue_date:
            return False
        lines[where[1]] = replace(
            line, amount=line.amount + item.open_amount, remittance=f"{line.remittance}, {item.number}"
        )
        return True


def business_day(day: date) -> date:
    """Saturday and Sunday transfers are booked on Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def partner_iban(partner_key: str, seed: int) -> str:
    bank = PAYER_BANKS[int.from_bytes(partner_key.encode()[-2:], "big") % len(PAYER_BANKS)]
    return iban(bank, f"{seed}:{partner_key}")


def plan_bank(
    items: Sequence[DemoItem],
    months: Sequence[Month],
    *,
    seed: int,
    vat_payable: dict[str, Decimal],
    bank_code: str,
) -> Plan:
    """The lines of each month. ``vat_payable``: VAT to pay (4423) by month "YYYY-MM" it closes."""
    rng = random.Random(f"genius-demo-bank:{seed}")
    plan = Plan()
    counter = itertools.count(1)

    def ref(day: date) -> str:
        return f"{bank_code}{day:%y%m%d}{next(counter):06d}"

    def month_of(day: date) -> Month | None:
        return next((m for m in months if m.first <= day <= m.last), None)

    ordered = sorted(items, key=lambda i: (i.issue_date, i.number, i.id))
    for item in ordered:
        if item.open_amount <= 0:
            continue
        if item.kind == "receivable":
            _receipt(rng, plan, item, month_of, ref, seed)
        else:
            _payment(rng, plan, item, month_of, ref, seed)
    for month in months:
        _monthly(rng, plan, month, ref, vat_payable, seed)
    if months:  # the last month's salaries, paid in the month after the demo
        plan.payroll[str(months[-1])] = _payroll(rng)
    return plan


def _payroll(rng: random.Random) -> Payroll:
    return Payroll(Decimal(rng.randrange(2_800_000, 3_700_000)) / 100)


def _pay_day(rng: random.Random, item: DemoItem, late_share: float) -> date:
    due = item.due_date or item.issue_date + timedelta(days=30)
    if rng.random() < late_share:
        return due + timedelta(days=rng.randint(3, 40))
    span = max(1, (due - item.issue_date).days)
    return item.issue_date + timedelta(days=rng.randint(1, span))


def _receipt(
    rng: random.Random, plan: Plan, item: DemoItem, month_of: MonthOf, ref: Reference, seed: int
) -> None:
    if rng.random() < RECEIVABLE_NEVER_PAID:
        return
    day = business_day(_pay_day(rng, item, RECEIVABLE_LATE))
    month = month_of(day)
    partial = rng.random() < RECEIVABLE_PARTIAL and item.open_amount >= 20
    style = rng.random()
    if month is None:
        return
    together = rng.random() < RECEIVABLE_TOGETHER
    if together and not partial and style < STYLE_NUMBER and plan.join(item.partner_key, month, item):
        return
    amount = item.open_amount
    if partial:
        share = Decimal(str(rng.uniform(0.3, 0.7)))
        amount = max(ONE, (item.open_amount * share).quantize(ONE, rounding=ROUND_HALF_UP))
    if style < STYLE_NUMBER:
        template = rng.choice(
            (
                "Contravaloare factura {n}",
                "Plata fact {n} din {d}",
                "c/v fct {n}",
                "Factura {n}",
                "Achitat factura nr {n}",
            )
        )
        text = template.format(n=item.number, d=f"{item.issue_date:%d.%m.%Y}")
        if partial:
            text += " - avans partial"
    elif style < STYLE_NUMBER + STYLE_CUI and item.partner_cui:
        text = rng.choice(("Plata servicii CUI {c}", "Plata marfa CUI {c}", "Transfer CIF {c}")).format(
            c=item.partner_cui
        )
    else:
        text = rng.choice(("Plata furnizor", "Transfer bancar", "Plata", "Contravaloare servicii"))
    index = plan.add(
        month,
        BankLine(
            booking_date=day,
            amount=amount,
            reference=ref(day),
            remittance=text,
            counterparty_name=item.partner_name.upper()[:70],
            counterparty_iban=partner_iban(item.partner_key, seed),
        ),
    )
    if style < STYLE_NUMBER and not partial:
        plan.joinable[item.partner_key] = (str(month), index)


def _payment(
    rng: random.Random, plan: Plan, item: DemoItem, month_of: MonthOf, ref: Reference, seed: int
) -> None:
    if rng.random() < PAYABLE_UNPAID:
        return
    day = business_day(_pay_day(rng, item, 0.15))
    month = month_of(day)
    if month is None:
        return
    text = rng.choice(("c/v fact {n}", "Plata factura {n}", "Contravaloare fact. {n}")).format(n=item.number)
    reference = ref(day)
    plan.add(
        month,
        BankLine(
            booking_date=day,
            amount=-item.open_amount,
            reference=reference,
            remittance=text,
            counterparty_name=item.partner_name.upper()[:70],
            counterparty_iban=partner_iban(item.partner_key, seed),
            end_to_end_id=f"OP{reference[-6:]}",
        ),
    )
    plan.add(
        month,
        BankLine(
            booking_date=day,
            amount=-TRANSFER_FEE,
            reference=ref(day),
            remittance=f"Comision plata OP {reference[-6:]}",
            code=BANK_CHARGE,
        ),
    )


def _monthly(
    rng: random.Random, plan: Plan, month: Month, ref: Reference, vat_payable: dict[str, Decimal], seed: int
) -> None:
    treasury = iban("TREZ", f"{seed}:treasury")
    previous = f"{month.first - timedelta(days=1):%m.%Y}"
    payroll = plan.payroll[f"{month.first - timedelta(days=1):%Y-%m}"] = _payroll(rng)
    paid_on, taxes_on = (
        business_day(month.first + timedelta(days=9)),
        business_day(month.first + timedelta(days=22)),
    )
    fixed = [
        (paid_on, -payroll.net, f"Plata salarii {previous} conform stat", "SALARII ANGAJATI",
         iban("BTRL", f"{seed}:payroll"), "421"),
    ]  # fmt: skip
    for account, amount, what in payroll.taxes():
        fixed.append(
            (taxes_on, -amount, f"Plata {what} salarii {previous} D112", "TREZORERIA OPERATIVA CLUJ",
             treasury, account)
        )  # fmt: skip
    vat = vat_payable.get(f"{month.first - timedelta(days=1):%Y-%m}")
    if vat is not None and vat > 0:
        fixed.append(
            (business_day(month.first + timedelta(days=21)), -vat, f"Plata TVA {previous} D300",
             "TREZORERIA OPERATIVA CLUJ", treasury, "4423")
        )  # fmt: skip
    for day, amount, text, name, account, counter in fixed:
        if day <= month.last:
            plan.add(month, BankLine(day, amount, ref(day), text, name, account, account=counter))
    last = month.last
    while last.weekday() >= 5:
        last -= timedelta(days=1)
    plan.add(month, BankLine(last, -ACCOUNT_FEE, ref(last), f"Comision administrare cont {month.first:%m.%Y}",
                             code=BANK_CHARGE))  # fmt: skip
    interest = Decimal(rng.randrange(40, 400)) / 100
    plan.add(month, BankLine(last, interest, ref(last), "Dobanda cont curent", code=INTEREST, account="766"))


__all__ = ["DemoItem", "Month", "Payroll", "Plan", "business_day", "partner_iban", "plan_bank"]
