"""State shared by the pre-validation passes: the period, the chart, what was seen so far."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from genius.fiscal.ro.chart import ChartOfAccounts
from genius.fiscal.ro.saft.model.common import Amount
from genius.fiscal.ro.saft.prevalidate.findings import EntityKind, Findings, Severity
from genius.kernel.money import round_money

_ZERO = Decimal("0.00")


@dataclass
class AccountState:
    """One GeneralLedgerAccount's balances (net: debit positive) and its movements in the GL."""

    opening: Decimal
    closing: Decimal
    debit: Decimal = _ZERO
    credit: Decimal = _ZERO


@dataclass
class Context:
    period_start: date
    period_end: date
    chart: ChartOfAccounts
    tax_accounting_basis: str
    own_id: str
    findings: Findings
    accounts: dict[str, AccountState] = field(default_factory=dict)
    # Movements of accounts booked in the GL but absent from GeneralLedgerAccounts.
    unlisted: dict[str, list[Decimal]] = field(default_factory=lambda: defaultdict(lambda: [_ZERO, _ZERO]))
    customers: set[str] = field(default_factory=set)
    suppliers: set[str] = field(default_factory=set)
    # (partner id, account) -> net closing balance in the partner master files.
    partner_closing: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: _ZERO))
    tax_table_codes: set[str] = field(default_factory=set)
    checked_accounts: dict[str, bool] = field(default_factory=dict)
    reported_partners: set[str] = field(default_factory=set)
    reported_codes: set[str] = field(default_factory=set)
    # VAT as booked on 4427 / 4426 and as declared by tax code (see vat.py).
    vat_collected_booked: Decimal = _ZERO
    vat_deductible_booked: Decimal = _ZERO
    vat_collected_declared: Decimal = _ZERO
    vat_deductible_declared: Decimal = _ZERO
    vat_declared_seen: bool = False

    def in_period(self, day: date) -> bool:
        return self.period_start <= day <= self.period_end

    def check_amount(self, value: Amount, kind: EntityKind, entity_id: str, field_path: str) -> None:
        """DUK's validateAmount: Amount == round(CurrencyAmount x ExchangeRate); RON: equal amounts."""
        if value.currency_amount is None:
            return
        if value.exchange_rate is None:
            if value.currency == "RON" and value.currency_amount != value.amount:
                self.findings.add(
                    "AMOUNT_CURRENCY_MISMATCH",
                    Severity.ERROR,
                    kind,
                    entity_id,
                    f"Suma în lei {value.amount} diferă de suma în valută {value.currency_amount} pentru "
                    "RON; "
                    "pentru lei cele două sume trebuie să fie egale.",
                    f"Amount {value.amount} differs from CurrencyAmount {value.currency_amount} in RON; "
                    "for lei both amounts must be equal.",
                    field_path,
                )
            elif value.currency != "RON":
                self.findings.add(
                    "AMOUNT_RATE_MISSING",
                    Severity.WARNING,
                    kind,
                    entity_id,
                    f"Suma în {value.currency} nu are curs de schimb; completați cursul BNR (lei pentru o "
                    "unitate).",
                    f"The {value.currency} amount has no exchange rate; give the BNR rate (lei per unit).",
                    field_path,
                )
            return
        expected = round_money(value.currency_amount * value.exchange_rate)
        if expected != value.amount:
            self.findings.add(
                "AMOUNT_RATE_MISMATCH",
                Severity.ERROR,
                kind,
                entity_id,
                f"Suma în lei {value.amount} diferă de {value.currency_amount} x {value.exchange_rate} = "
                f"{expected}; DUK verifică Amount = CurrencyAmount x ExchangeRate. Corectați suma sau "
                "cursul.",
                f"Amount {value.amount} differs from {value.currency_amount} x {value.exchange_rate} = "
                f"{expected}; "
                "DUK checks Amount = CurrencyAmount x ExchangeRate. Fix the amount or the rate.",
                field_path,
            )
