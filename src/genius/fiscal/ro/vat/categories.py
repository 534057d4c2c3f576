"""VAT categories (EN 16931 BT-151/BT-118) as Romania uses them, their VATEX codes and rate rules.

The categories and their Romanian use are data (``data/categories.csv``, after RO-ACCOUNTING.md
section 3). ``category_rate_problems`` says what is wrong with a category/rate pair on a tax
point date, each problem naming its rule: the EN 16931 rule where one exists (BR-E-05: an
exempt line has rate 0), else a Romanian one (RO-VAT-RATE: 19 % is no longer a rate after
2025-07-31).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files

from genius.fiscal.ro.vat.errors import VatRuleError
from genius.fiscal.ro.vat.rates import RULE_RATE_IN_FORCE, rates_in_force
from genius.kernel.errors import FieldProblem

RULE_CATEGORY = "RO-VAT-CATEGORY"  # not one of the categories Romania uses (L, M, unknown codes)
RULE_NO_ZERO_RATE = "RO-VAT-NO-ZERO-RATE"  # category Z: Romania has no zero rate
RULE_VATEX = "RO-VAT-VATEX"  # a VATEX code that belongs to another category

# EN 16931 prefixes of the per-category rules (BR-S-05, BR-AE-05, BR-IC-05 for K, BR-IG for L, BR-IP for M).
EN_RULE_PREFIX = {
    "S": "BR-S",
    "Z": "BR-Z",
    "E": "BR-E",
    "AE": "BR-AE",
    "K": "BR-IC",
    "G": "BR-G",
    "O": "BR-O",
    "L": "BR-IG",
    "M": "BR-IP",
}
# Which VATEX codes go with which category (EN 16931 code list VATEX; the E codes are the
# exemption articles of Directive 2006/112 and the margin schemes D, F, I, J).
_VATEX_FOR_OTHER_CATEGORIES = {"VATEX-EU-AE": "AE", "VATEX-EU-IC": "K", "VATEX-EU-G": "G", "VATEX-EU-O": "O"}


@dataclass(frozen=True)
class VatCategoryInfo:
    """One VAT category and how Romanian invoices use it."""

    code: str
    name: str
    takes_rate: bool  # False: no BT-152 at all (category O)
    zero_rate: bool  # True: the rate, when given, must be 0
    default_vatex: str | None  # the VATEX code filled when none is given (AE, K, G, O)
    used_in_romania: bool
    note: str

    @property
    def needs_exemption_reason(self) -> bool:
        """BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10: a reason text or VATEX code is required."""
        return self.code in ("E", "AE", "K", "G", "O")


@cache
def categories() -> dict[str, VatCategoryInfo]:
    """The categories by code, read once from the package data."""
    resource = files("genius.fiscal.ro.vat").joinpath("data", "categories.csv")
    with resource.open(encoding="utf-8") as handle:
        return {
            row["code"]: VatCategoryInfo(
                code=row["code"],
                name=row["name"],
                takes_rate=row["takes_rate"] == "yes",
                zero_rate=row["zero_rate"] == "yes",
                default_vatex=row["default_vatex"] or None,
                used_in_romania=row["used_in_romania"] == "yes",
                note=row["note"],
            )
            for row in csv.DictReader(handle)
        }


def category(code: str, field_path: str = "vat_category") -> VatCategoryInfo:
    """The category ``code`` if Romanian invoices may use it; else a VatRuleError naming the rule."""
    info = categories().get(code)
    if info is None:
        known = ", ".join(c for c, i in categories().items() if i.used_in_romania)
        raise VatRuleError.of(
            field_path, RULE_CATEGORY, f"{code!r} is not a VAT category used in Romania ({known})"
        )
    if not info.used_in_romania:
        raise VatRuleError.of(field_path, RULE_NO_ZERO_RATE, info.note)
    return info


def category_rate_problems(
    code: str, rate: Decimal | None, tax_point: date, path: str, suffix: str = "05"
) -> list[FieldProblem]:
    """What is wrong with category ``code`` at ``rate`` on ``tax_point``; empty when all is well.

    ``path`` is where the pair sits (``lines[0].item``); problems name ``<path>.vat_category`` or
    ``<path>.vat_rate``. ``suffix`` picks the EN 16931 rule family: 05 lines, 06 document
    allowances, 07 document charges.
    """
    cat_path, rate_path = f"{path}.vat_category", f"{path}.vat_rate"
    try:
        info = category(code, cat_path)
    except VatRuleError as exc:
        return exc.problems
    rule = f"{EN_RULE_PREFIX[code]}-{suffix}"
    if not info.takes_rate:
        if rate is not None:
            return [FieldProblem(rate_path, rule, f"category {code} ({info.name}) takes no VAT rate")]
        return []
    if rate is None:
        return [FieldProblem(rate_path, rule, f"category {code} ({info.name}) needs a VAT rate")]
    if info.zero_rate:
        if rate != 0:
            return [FieldProblem(rate_path, rule, f"category {code} ({info.name}) has rate 0, got {rate}")]
        return []
    in_force = rates_in_force(tax_point)
    if rate not in in_force:
        listed = ", ".join(f"{r.normalize():f}" for r in sorted(in_force, reverse=True)) or "none"
        return [
            FieldProblem(
                rate_path,
                RULE_RATE_IN_FORCE,
                f"{rate.normalize():f} % is not a Romanian VAT rate on {tax_point.isoformat()} "
                f"(rates in force then: {listed} %; Codul fiscal art. 291)",
            )
        ]
    return []


def vatex_problem(code: str, vatex: str, field_path: str = "vatex_code") -> FieldProblem | None:
    """A VATEX code given with the wrong category (VATEX-EU-IC belongs to K, ...); None when it fits."""
    owner = _VATEX_FOR_OTHER_CATEGORIES.get(vatex, "E" if vatex.startswith("VATEX-") else None)
    if owner is None:
        return FieldProblem(field_path, RULE_VATEX, f"{vatex!r} is not a VATEX code")
    if owner != code:
        return FieldProblem(field_path, RULE_VATEX, f"{vatex} goes with category {owner}, not {code}")
    return None


__all__ = [
    "RULE_CATEGORY",
    "RULE_NO_ZERO_RATE",
    "RULE_VATEX",
    "VatCategoryInfo",
    "categories",
    "category",
    "category_rate_problems",
    "vatex_problem",
]
