"""The Romanian chart of accounts (OMFP 1802/2014) with ANAF's SAF-T list, loaded from ``data/*.csv``."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files


class AccountType(StrEnum):
    """Funcțiunea contabilă (OMFP 1802 pct. 593(2)): activ, pasiv or bifuncțional (A/P)."""

    ACTIV = "A"
    PASIV = "P"
    BIFUNCTIONAL = "B"

    @property
    def saft_value(self) -> str:
        """The D406 ``AccountType`` spelling (Romanian, no diacritics): Activ / Pasiv / Bifunctional."""
        return _SAFT_ACCOUNT_TYPES[self]


_SAFT_ACCOUNT_TYPES = {
    AccountType.ACTIV: "Activ",
    AccountType.PASIV: "Pasiv",
    AccountType.BIFUNCTIONAL: "Bifunctional",
}


@dataclass(frozen=True, slots=True)
class Account:
    """One group (grade 0) or synthetic account (grade 1: 3 digits, grade 2: 4 digits)."""

    code: str
    name: str
    account_class: int
    grade: int
    parent: str | None
    type: AccountType | None
    type_source: str
    in_omfp: bool
    in_anaf_plan: bool
    note: str = ""

    @property
    def is_group(self) -> bool:
        return self.grade == 0

    @property
    def is_synthetic(self) -> bool:
        """Grade 1 or 2: an account one may post to (groups only sum their accounts)."""
        return self.grade in (1, 2)


def leading_digits(code: str) -> str:
    """The digits of an account code up to its first analytic separator ("4111.01" -> "4111").

    A code without separator is returned whole ("411101"); any other character ends the digits
    ("5121BT" -> "5121"), so letters never reach the synthetic-account lookup.
    """
    text = code.strip()
    end = 0
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[:end]


class ChartOfAccounts:
    """All accounts by code, with the lookups D406 needs (synthetic of an analytic, official list)."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_code: dict[str, Account] = {}
        children: dict[str, list[Account]] = {}
        for account in accounts:
            if account.code in self._by_code:
                raise ValueError(f"account {account.code} is listed twice")
            self._by_code[account.code] = account
            if account.parent:
                children.setdefault(account.parent, []).append(account)
        self._children = {code: tuple(kids) for code, kids in children.items()}

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Account]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Account | None:
        """The group or synthetic account with exactly this code, or None."""
        return self._by_code.get(code.strip())

    def __getitem__(self, code: str) -> Account:
        account = self.get(code)
        if account is None:
            raise KeyError(f"account {code!r} is not in the OMFP 1802 chart")
        return account

    def children(self, code: str) -> tuple[Account, ...]:
        """Accounts one level below ``code`` (grade 1 below a group, grade 2 below a grade 1)."""
        return self._children.get(code.strip(), ())

    def synthetic_of(self, code: str) -> Account | None:
        """The deepest synthetic account (grade 2, else grade 1) whose code starts ``code``.

        ``"4111.01"`` and ``"411101"`` give 4111; ``"4111"`` gives itself; ``"4110"`` gives 411
        (4110 does not exist). Groups are not synthetic accounts: ``"40"`` gives None.
        """
        digits = leading_digits(code)
        for length in (4, 3):
            if len(digits) >= length:
                account = self._by_code.get(digits[:length])
                if account is not None and account.is_synthetic:
                    return account
        return None

    def parent_synthetic(self, code: str) -> Account | None:
        """The nearest synthetic account strictly above ``code``.

        For an analytic account its deepest synthetic (4111.01 -> 4111), for a grade-2 account
        its grade-1 account (4111 -> 411), for a grade-1 account or a group None.
        """
        text = code.strip()
        exact = self.get(text) if text.isdigit() and len(text) <= 4 else None
        if exact is not None:
            if exact.grade == 2 and exact.parent:
                return self._by_code.get(exact.parent)
            return None
        return self.synthetic_of(code)

    def has_grade2_children(self, code: str) -> bool:
        """True for a grade-1 account that has grade-2 accounts (411 has 4111 and 4118)."""
        account = self.get(code)
        return account is not None and account.grade == 1 and bool(self._children.get(account.code))

    def is_official(self, code: str) -> bool:
        """Would ANAF's D406 plan (PlanConturiBalSocCom) accept this account code?

        True when the code itself is in the list, or when one of its synthetic prefixes (4, then 3
        digits) is: DUK matches an AccountID by the synthetic accounts it starts with (``ID-ul
        contului [x] trebuie sa se gaseasca in planul de conturi``), so 6123.01 passes through 612
        although OMFP's 6123 (2023) is not in ANAF's list. Groups are not used as prefixes: an
        analytic account develops a synthetic account (OMFP pct. 593(1)). Whether the code is all
        digits is a separate D406 rule (see ``genius.fiscal.ro.saft.prevalidate``).
        """
        exact = self.get(code)
        if exact is not None and exact.in_anaf_plan:
            return True
        digits = leading_digits(code)
        for length in (4, 3):
            if len(digits) >= length:
                account = self._by_code.get(digits[:length])
                if account is not None and account.is_synthetic and account.in_anaf_plan:
                    return True
        return False

    def account_type(self, code: str) -> AccountType | None:
        """The function (A/P/B) of the synthetic account behind ``code``, if the law gives one."""
        account = self.get(code)
        if account is None:
            account = self.synthetic_of(code)
        return account.type if account is not None else None


def _read_accounts() -> Iterator[Account]:
    resource = files("genius.fiscal.ro.chart").joinpath("data", "accounts.csv")
    with resource.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield Account(
                code=row["code"],
                name=row["name"],
                account_class=int(row["class"]),
                grade=int(row["grade"]),
                parent=row["parent"] or None,
                type=AccountType(row["type"]) if row["type"] else None,
                type_source=row["type_source"],
                in_omfp=row["omfp"] == "1",
                in_anaf_plan=row["anaf_plan"] == "1",
                note=row["note"],
            )


@cache
def chart() -> ChartOfAccounts:
    """The chart shipped in ``data/accounts.csv`` (loaded once)."""
    return ChartOfAccounts(_read_accounts())


@cache
def class_names() -> dict[int, str]:
    """Class digit -> Romanian class name (``data/classes.csv``)."""
    resource = files("genius.fiscal.ro.chart").joinpath("data", "classes.csv")
    with resource.open(encoding="utf-8", newline="") as handle:
        return {int(row["class"]): row["name"] for row in csv.DictReader(handle)}


def lookup(code: str) -> Account | None:
    """The group or synthetic account with exactly this code in the shipped chart."""
    return chart().get(code)


def is_official(code: str) -> bool:
    """See :meth:`ChartOfAccounts.is_official` (shipped chart)."""
    return chart().is_official(code)


def parent_synthetic(code: str) -> Account | None:
    """See :meth:`ChartOfAccounts.parent_synthetic` (shipped chart)."""
    return chart().parent_synthetic(code)


def has_grade2_children(code: str) -> bool:
    """See :meth:`ChartOfAccounts.has_grade2_children` (shipped chart)."""
    return chart().has_grade2_children(code)
