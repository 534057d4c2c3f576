"""The tenant's bank accounts: which treasury account a statement's IBAN and currency post to.

RO-ACCOUNTING §1: 5121 Conturi la bănci în lei, 5124 Conturi la bănci în valută. Resolution for a
statement of ``iban`` in ``currency``:

1. the IBAN configured by the tenant (``PUT /api/v1/accounting/bank-accounts``): its account,
   which must belong to 5121 (a lei account) or 5124 (a currency account);
2. otherwise the settings' ``bank_ron_account`` (5121) or ``bank_currency_account`` (5124); with
   ``bank_analytics`` on, each new IBAN gets its own analytic below it on first use (5121.01,
   5124.01, ...), remembered as that IBAN's account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from genius.apps.accounting.domain.accounts import synthetic_of
from genius.fiscal.ro.bankstatements.identifiers import valid_iban
from genius.kernel.errors import ValidationError

RON: Final = "RON"
LEI_BANK: Final = "5121"  # Conturi la bănci în lei
CURRENCY_BANK: Final = "5124"  # Conturi la bănci în valută
BANK_SUFFIX_DIGITS: Final = 2  # 5121.01: one analytic per bank account
_CURRENCY_RE: Final = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class BankAccount:
    """One of the tenant's bank accounts and the ledger account its statements post to."""

    iban: str
    currency: str
    account: str
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"iban": self.iban, "currency": self.currency, "account": self.account, "name": self.name}


def expected_synthetic(currency: str) -> str:
    return LEI_BANK if currency == RON else CURRENCY_BANK


def bank_account(iban: str, currency: str, account: str, name: str = "") -> BankAccount:
    """A bank account from input, naming the field that does not fit."""
    iban_ = valid_iban((iban or "").replace(" ", "").upper())
    if iban_ is None:
        raise ValidationError.for_field("iban", f"{iban!r} is not a valid IBAN")
    currency_ = (currency or "").strip().upper()
    if not _CURRENCY_RE.fullmatch(currency_):
        raise ValidationError.for_field("currency", f"{currency!r} is not an ISO 4217 code (RON, EUR, ...)")
    account_ = (account or "").strip()
    wanted = expected_synthetic(currency_)
    if synthetic_of(account_) != wanted:
        kind = "a lei account posts to 5121" if currency_ == RON else "a currency account posts to 5124"
        raise ValidationError.for_field(
            "account", f"{account_!r}: {kind} or one of its analytics ({wanted}.01)"
        )
    return BankAccount(iban_, currency_, account_, (name or "").strip()[:100])


def bank_analytic_code(synthetic: str, number: int) -> str:
    """The ``number``-th bank analytic below ``synthetic`` (5121, 1 -> 5121.01)."""
    if number < 1 or number >= 10**BANK_SUFFIX_DIGITS:
        raise ValidationError.for_field(
            "account",
            f"bank analytic number {number} is out of 1..{10**BANK_SUFFIX_DIGITS - 1} for {synthetic}",
        )
    return f"{synthetic}.{number:0{BANK_SUFFIX_DIGITS}d}"
