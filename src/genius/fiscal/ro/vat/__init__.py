"""Romanian VAT: effective-dated rates by kind of supply, and EN 16931 categories as Romania uses them.

Pure functions over the reference data in ``data/`` (no clock: the tax point date is an
argument)::

    rate_for("standard", date(2025, 7, 31))      -> Decimal("19")
    rate_for("standard", date(2025, 8, 1))       -> Decimal("21")
    category_rate_problems("S", Decimal("19"), date(2025, 9, 1), "lines[0].item")
        -> [FieldProblem("lines[0].item.vat_rate", "RO-VAT-RATE", "19 % is not a Romanian ...")]

Errors are ``VatRuleError`` (a ``ValidationError``) whose problems carry the rule id as ``code``.
"""

from genius.fiscal.ro.vat.categories import (
    RULE_CATEGORY,
    RULE_NO_ZERO_RATE,
    RULE_VATEX,
    VatCategoryInfo,
    categories,
    category,
    category_rate_problems,
    vatex_problem,
)
from genius.fiscal.ro.vat.errors import VatRuleError
from genius.fiscal.ro.vat.rates import (
    RULE_KIND,
    RULE_NO_RATE,
    RULE_RATE_IN_FORCE,
    RateKind,
    RatePeriod,
    parse_kind,
    rate_for,
    rate_period_for,
    rate_periods,
    rates_in_force,
)

__all__ = [
    "RULE_CATEGORY",
    "RULE_KIND",
    "RULE_NO_RATE",
    "RULE_NO_ZERO_RATE",
    "RULE_RATE_IN_FORCE",
    "RULE_VATEX",
    "RateKind",
    "RatePeriod",
    "VatCategoryInfo",
    "VatRuleError",
    "categories",
    "category",
    "category_rate_problems",
    "parse_kind",
    "rate_for",
    "rate_period_for",
    "rate_periods",
    "rates_in_force",
    "vatex_problem",
]
