"""VAT treatments of ledger lines and the D300 rows they feed (RO-ACCOUNTING.md §3, form of 2026).

Every revenue/expense line of a sales or purchase posting carries a ``VatTag`` with its treatment
and role ``base``; every 4427/4426 line carries the same treatment with role ``tax``. The VAT
journals and the D300 values are sums of tagged lines, so they agree with the VAT accounts by
construction (a test checks it).

Rows (printed numbering of the D300 used from 2026, OPANAF 174/2026):

* sales: 1 intra-EU goods (K) · 3.1 EU B2B services (AE, foreign buyer) · 9 at 21% · 10 at 11% ·
  11 at 9% (housing) · 13 art. 331 supplies (AE, domestic buyer) · 14 exports (G) · 15 exempt
  without deduction (E) · 16 other rates (19/9/5% operations after the 2026 form dropped them);
* purchases: 5/20 intra-EU goods acquired · 7.1/22.1 EU services bought · 12/26 art. 331
  purchases (collected/deductible) · 24 at 21% (imports with VAT paid at customs included) ·
  25 at 11% · 29 exempt or non-taxable purchases · 33 other rates (regularisations);
* totals: 19 collected (sum of collected tax), 30 deductible, 35 deducted (no pro-rata here),
  37 payable (19 - 35 when positive), and ``to_recover`` (35 - 19 when positive).

Amounts on the return are whole lei (rounded half-up) of the exact sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from genius.kernel.errors import ValidationError


class VatTreatment(StrEnum):
    # sales (collected side)
    SALE_STANDARD = "sale_taxable"  # category S at a rate; the row follows the rate
    SALE_INTRA_EU_GOODS = "sale_intra_eu_goods"  # K
    SALE_EU_SERVICES = "sale_eu_services"  # AE to a foreign buyer
    SALE_DOMESTIC_REVERSE = "sale_domestic_reverse"  # AE to a Romanian buyer (art. 331)
    SALE_EXPORT = "sale_export"  # G
    SALE_EXEMPT = "sale_exempt"  # E
    SALE_OUT_OF_SCOPE = "sale_out_of_scope"  # O (no D300 row)
    # purchases (deductible side; reverse charge also collects)
    PURCHASE_STANDARD = "purchase_taxable"
    PURCHASE_INTRA_EU_GOODS = "purchase_intra_eu_goods"
    PURCHASE_EU_SERVICES = "purchase_eu_services"
    PURCHASE_DOMESTIC_REVERSE = "purchase_domestic_reverse"
    PURCHASE_IMPORT = "purchase_import"
    PURCHASE_EXEMPT = "purchase_exempt"

    @property
    def is_sale(self) -> bool:
        return self.value.startswith("sale_")

    @property
    def reverse_charge(self) -> bool:
        """The buyer both collects (4427) and deducts (4426) the VAT."""
        return self in (
            VatTreatment.PURCHASE_INTRA_EU_GOODS,
            VatTreatment.PURCHASE_EU_SERVICES,
            VatTreatment.PURCHASE_DOMESTIC_REVERSE,
        )


def sale_treatment(category: str, buyer_foreign: bool) -> VatTreatment:
    """The treatment of a sales VAT category (EN 16931 BT-118) for a domestic or foreign buyer."""
    mapping = {
        "S": VatTreatment.SALE_STANDARD,
        "K": VatTreatment.SALE_INTRA_EU_GOODS,
        "G": VatTreatment.SALE_EXPORT,
        "E": VatTreatment.SALE_EXEMPT,
        "O": VatTreatment.SALE_OUT_OF_SCOPE,
    }
    if category == "AE":
        return VatTreatment.SALE_EU_SERVICES if buyer_foreign else VatTreatment.SALE_DOMESTIC_REVERSE
    found = mapping.get(category)
    if found is None:
        raise ValidationError.for_field(
            "vat_category", f"{category!r} is not a VAT category Romanian sales use (S, E, AE, K, G, O)"
        )
    return found


def purchase_treatment(name: str) -> VatTreatment:
    """A purchase treatment by its short name (taxable, intra_eu_goods, eu_services, ...)."""
    try:
        return VatTreatment(f"purchase_{name}")
    except ValueError:
        known = ", ".join(t.value.removeprefix("purchase_") for t in VatTreatment if not t.is_sale)
        raise ValidationError.for_field("vat_treatment", f"{name!r} is not one of {known}") from None


# Rows by rate (percent) for taxable operations on the 2026 form.
_SALE_ROWS_BY_RATE = {Decimal(21): "9", Decimal(11): "10", Decimal(9): "11"}
_PURCHASE_ROWS_BY_RATE = {Decimal(21): "24", Decimal(11): "25"}


@dataclass(frozen=True)
class D300Rows:
    """Where a tagged amount goes: the base row, and the collected / deductible tax rows."""

    base: str | None
    collected: str | None
    deductible: str | None


def d300_rows(treatment: VatTreatment, rate: Decimal | None) -> D300Rows:
    """The rows a line of ``treatment`` at ``rate`` feeds (see the module docstring)."""
    t = VatTreatment
    rate = rate.normalize() if rate is not None else None
    if treatment is t.SALE_STANDARD:
        row = _SALE_ROWS_BY_RATE.get(rate, "16") if rate is not None else "16"
        return D300Rows(row, row, None)
    fixed = {
        t.SALE_INTRA_EU_GOODS: D300Rows("1", None, None),
        t.SALE_EU_SERVICES: D300Rows("3.1", None, None),
        t.SALE_DOMESTIC_REVERSE: D300Rows("13", None, None),
        t.SALE_EXPORT: D300Rows("14", None, None),
        t.SALE_EXEMPT: D300Rows("15", None, None),
        t.SALE_OUT_OF_SCOPE: D300Rows(None, None, None),
        t.PURCHASE_INTRA_EU_GOODS: D300Rows("5", "5", "20"),
        t.PURCHASE_EU_SERVICES: D300Rows("7.1", "7.1", "22.1"),
        t.PURCHASE_DOMESTIC_REVERSE: D300Rows("12", "12", "26"),
        t.PURCHASE_EXEMPT: D300Rows("29", None, None),
    }
    if treatment in fixed:
        return fixed[treatment]
    # taxable purchases and imports: by rate
    row = _PURCHASE_ROWS_BY_RATE.get(rate, "33") if rate is not None else "33"
    return D300Rows(row, None, row)


# Rows that mirror each other (the return requires equal values).
MIRROR_ROWS = (("5", "20"), ("7.1", "22.1"), ("12", "26"))
# Rows whose value also counts in a parent row (3 includes 3.1; 7 includes 7.1; 22 includes 22.1).
PARENT_ROWS = {"3.1": "3", "7.1": "7", "22.1": "22"}


def whole_lei(amount: Decimal) -> int:
    """D300 amounts are whole lei, rounded half-up."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
