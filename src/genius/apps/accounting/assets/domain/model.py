"""A fixed asset as registered: the accounts it books on, its life and method, checked before storing.

Rules (OMFP 1802/2014 chart; Law 15/1994 and HG 2139/2004 for tangible assets):

* the asset account is an intangible (20x) or tangible (21x) fixed-asset account; land (2111) is
  not depreciated and is refused here; the depreciation account is the 280x/281x account of the
  asset's synthetic (2133 -> 2813, 214 -> 2814, 208 -> 2808), or an analytic of it;
* a tangible asset (21x) carries its HG 2139/2004 catalogue class and a life, in months, inside
  the class's range; an intangible asset has no class and a life the entity sets;
* depreciation starts with the month after commissioning (Law 15/1994: "incepand cu luna
  urmatoare punerii in functiune"); commissioning is not before acquisition;
* methods (Codul fiscal, Legea 227/2015, art. 28 alin. (5) and (9), as consolidated on 1 Jul 2026;
  the register keeps the fiscal rules so the books and the tax return depreciate alike):
  ``linear`` for every asset; ``degressive`` for tangible assets other than constructions (212)
  and, of intangibles, for software (208) and patents (205), with a life of whole years from 2;
  ``accelerated`` for technological equipment (catalogue subgroup 2.1) and computers with their
  peripherals (class 2.2.9), with a life over 12 months. Patents may also be depreciated
  accelerated by law, but 205 holds licences and trademarks too, so the register refuses it there
  rather than guess. The super-accelerated method of art. 28 alin. (8^1) (65 %, new assets of 2026,
  OUG 8/2026) is not offered. How each method computes: ``schedule``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from genius.apps.accounting.assets.domain.catalogue import find_class, normalise
from genius.apps.accounting.assets.domain.schedule import DEGRESSIVE_COEFFICIENTS
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
    DEGRESSIVE = "degressive"
    ACCELERATED = "accelerated"


CONSTRUCTIONS = "212"  # art. 28 alin. (5) lit. a): constructions are depreciated linearly only
DEGRESSIVE_INTANGIBLES = ("205", "208")  # art. 28 alin. (9): patents (205), software (208)
# art. 28 alin. (5) lit. b): technological equipment (subgroup 2.1 of the HG 2139/2004 catalogue),
# computers and their peripherals (class 2.2.9).
ACCELERATED_CLASSES = ("2.1.", "2.2.9")


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


def _method_problem(method: str, account: str, code: str | None, life_months: int) -> str | None:
    """Why ``method`` cannot depreciate this asset (Codul fiscal art. 28 alin. (5), (7)-(9)), or None."""
    if method not in {m.value for m in Method}:
        return f"{method!r}: use {', '.join(Method)}"
    if method == Method.LINEAR.value:
        return None
    synthetic = account.split(".")[0]
    if method == Method.DEGRESSIVE.value:
        if synthetic.startswith(CONSTRUCTIONS):
            return f"{account} is a construction: Codul fiscal art. 28(5)(a) allows linear depreciation only"
        if not is_tangible(account) and not synthetic.startswith(DEGRESSIVE_INTANGIBLES):
            return (
                f"{account}: of intangible assets only software (208) and patents (205) may be depreciated"
                " degressively (Codul fiscal art. 28(9)); use linear"
            )
        low = DEGRESSIVE_COEFFICIENTS[0][0]
        if life_months % 12 or life_months < low * 12:
            return (
                f"degressive depreciation needs a life of whole years from {low} (Codul fiscal art. 28(7)"
                f" gives its coefficient by years); {life_months} months is not"
            )
        return None
    if not is_tangible(account) or not code or not code.startswith(ACCELERATED_CLASSES):
        return (
            "accelerated depreciation is for technological equipment (catalogue subgroup 2.1) and"
            " computers with their peripherals (class 2.2.9) (Codul fiscal art. 28(5)(b));"
            f" {account}{' class ' + code if code else ''} is neither"
        )
    if life_months <= 12:
        return "accelerated depreciation needs a life of more than 12 months (50 % in the first year)"
    return None


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
    code = normalise(spec.catalogue_code) if spec.catalogue_code else None
    method_problem = _method_problem(spec.method, account, code, spec.life_months)
    if method_problem:
        bad("method", method_problem)
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
