"""A fixed asset as registered: the accounts it books on, its life and method, checked before storing.

Rules (OMFP 1802/2014 chart; Law 15/1994 and HG 2139/2004 for tangible assets):

* the asset account is an intangible (20x) or tangible (21x) fixed-asset account; land (2111) is
  not depreciated and is refused here; the depreciation account is the 280x/281x account of the
  asset's synthetic (2133 -> 2813, 214 -> 2814, 208 -> 2808), or an analytic of it;
* a tangible asset (21x) carries its HG 2139/2004 catalogue class and a life, in months, inside
  the class's range; an intangible asset has no class and a life the entity sets;
* depreciation starts with the month after commissioning (Law 15/1994: "incepand cu luna
  urmatoare punerii in functiune"); commissioning is not before acquisition;
* methods: ``linear``. Degressive and accelerated depreciation (Law 15/1994 art. 8) are not
  implemented and are refused with that reason rather than computed approximately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from genius.apps.accounting.assets.domain.catalogue import find_class, normalise
from genius.kernel.errors import FieldProblem, ValidationError
from genius.kernel.money import round_money

MAX_LIFE_MONTHS = 1200
# Asset synthetic (longest prefix first) -> its depreciation synthetic (OMFP 1802/2014 class 28).
DEPRECIATION_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("2071", "2807"),
    ("2112", "2811"),
    ("201", "2801"),
    ("203", "2803"),
    ("205", "2805"),
    ("206", "2806"),
    ("208", "2808"),
    ("212", "2812"),
    ("213", "2813"),
    ("214", "2814"),
    ("215", "2815"),
    ("216", "2816"),
    ("217", "2817"),
)
NOT_DEPRECIATED = ("2111",)  # land (terenuri)


class Method(StrEnum):
    LINEAR = "linear"


class Status(StrEnum):
    ACTIVE = "active"
    DISPOSED = "disposed"


class DisposalKind(StrEnum):
    SALE = "sale"
    SCRAP = "scrap"


@dataclass(frozen=True)
class AssetSpec:
    """What a person gives to register an asset (amounts in lei)."""

    inventory_no: str
    name: str
    asset_account: str
    acquisition_date: date
    acquisition_value: Decimal
    commissioning_date: date
    life_months: int
    depreciation_account: str | None = None
    catalogue_code: str | None = None
    method: str = Method.LINEAR.value
    supplier_name: str | None = None
    supplier_cui: str | None = None
    supplier_city: str | None = None
    supplier_country: str | None = None
    document_ref: str | None = None
    location: str | None = None
    cost_centre: str | None = None


def depreciation_synthetic(asset_account: str) -> str | None:
    digits = asset_account.split(".")[0]
    for prefix, target in DEPRECIATION_ACCOUNTS:
        if digits.startswith(prefix):
            return target
    return None


def is_tangible(asset_account: str) -> bool:
    return asset_account.startswith("21")


def checked(spec: AssetSpec) -> AssetSpec:
    """``spec`` with defaults filled (depreciation account, rounded value); every problem named."""
    problems: list[FieldProblem] = []

    def bad(path: str, message: str, code: str = "invalid") -> None:
        problems.append(FieldProblem(path, code, message))

    if not spec.inventory_no.strip():
        bad("inventory_no", "required", "required")
    if not spec.name.strip():
        bad("name", "required", "required")
    account = spec.asset_account.strip()
    target = depreciation_synthetic(account)
    if account.startswith(NOT_DEPRECIATED):
        bad("asset_account", f"{account} is land, which is not depreciated; keep it off the register")
    elif not account.startswith(("20", "21")) or target is None:
        bad("asset_account", f"{account} is not a depreciable fixed-asset account (20x or 21x)")
    depreciation = (spec.depreciation_account or target or "").strip()
    if target is not None and not depreciation.startswith(target):
        bad("depreciation_account", f"{depreciation} is not {target}, the depreciation account of {account}")
    value = round_money(spec.acquisition_value)
    if value <= 0:
        bad("acquisition_value", "must be more than 0")
    if spec.commissioning_date < spec.acquisition_date:
        bad("commissioning_date", "is before the acquisition date")
    if not 1 <= spec.life_months <= MAX_LIFE_MONTHS:
        bad("life_months", f"from 1 to {MAX_LIFE_MONTHS} months")
    if spec.method != Method.LINEAR.value:
        bad(
            "method",
            f"{spec.method!r}: only linear depreciation is implemented (degressive and accelerated "
            "depreciation under Law 15/1994 are not)",
        )
    code = normalise(spec.catalogue_code) if spec.catalogue_code else None
    if is_tangible(account):
        known = find_class(code) if code else None
        if not code:
            bad(
                "catalogue_code",
                "a tangible asset needs its HG 2139/2004 catalogue class (e.g. 2.2.9)",
                "required",
            )
        elif known is None:
            bad("catalogue_code", f"{code} is not a class the register knows (assets/domain/data/hg2139.csv)")
        else:
            low, high = known.months
            if not low <= spec.life_months <= high:
                bad(
                    "life_months",
                    f"{spec.life_months} is outside class {code}'s normal life of "
                    f"{known.min_years}-{known.max_years} years ({low}-{high} months)",
                )
    elif code:
        bad("catalogue_code", "intangible assets (20x) are not in the HG 2139/2004 catalogue; leave it empty")
    if problems:
        raise ValidationError("; ".join(f"{p.field}: {p.message}" for p in problems), problems=problems)
    return AssetSpec(
        **{
            **spec.__dict__,
            "inventory_no": spec.inventory_no.strip(),
            "name": spec.name.strip(),
            "asset_account": account,
            "depreciation_account": depreciation,
            "catalogue_code": code,
            "acquisition_value": value,
        }
    )
