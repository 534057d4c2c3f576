"""Products and services: what an invoice line is expanded from, and their invariants.

- ``unit_code``: UN/ECE Recommendation 20/21 (BT-130), checked against the code list the
  e-Factura engine ships (BR-CL-23), not a copy of it.
- ``vat_category`` (S, E, AE, K, G, O; Romania has no zero rate) with, for S, the *kind* of rate
  (standard, reduced, ...) rather than a number: the number follows the invoice's tax point
  (``genius.fiscal.ro.vat.rate_for``). Exempt categories carry a VATEX code (BT-121).
- ``cpv_code`` (Common Procurement Vocabulary, ``72000000-5``) for buyers under public
  procurement; ``nc_code`` (Combined Nomenclature, 8 digits) for goods, required for goods under
  domestic reverse charge (art. 331 lists them by NC code). Both travel as item
  classifications (BT-158, list ``STI`` and ``HS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from genius.apps.sales.domain.addresses import check_length, clean
from genius.fiscal.ro.efactura.validate.en16931.codelists import code_list
from genius.fiscal.ro.vat import RateKind, VatRuleError, category, rate_for, vatex_problem
from genius.kernel.errors import ProblemCollector

MAX_CODE = 50
MAX_NAME = 100  # CIUS-RO BT-153 item name
MAX_DESCRIPTION = 200  # CIUS-RO BT-154
MAX_REASON = 100  # CIUS-RO BT-120
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_CPV_RE = re.compile(r"^\d{8}(-\d)?$")
_NC_RE = re.compile(r"^\d{8}$")
CPV_LIST = "STI"  # UNTDID 7143: Common Procurement Vocabulary
NC_LIST = "HS"  # UNTDID 7143: Harmonised System (the NC extends it to 8 digits)
RULE_NC_REQUIRED = "RO-AE-NC"


class ProductKind(StrEnum):
    GOODS = "goods"
    SERVICE = "service"


@dataclass(frozen=True)
class ProductInput:
    code: str | None
    name: str | None
    unit_code: str | None
    vat_category: str | None
    kind: str = ProductKind.GOODS
    vat_rate_kind: str | None = None
    vatex_code: str | None = None
    exemption_reason: str | None = None
    description: str | None = None
    cpv_code: str | None = None
    nc_code: str | None = None
    price: str | None = None
    currency: str = "RON"


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    kind: ProductKind
    unit_code: str
    vat_category: str
    vat_rate_kind: RateKind | None = None
    vatex_code: str | None = None
    exemption_reason: str | None = None
    description: str | None = None
    cpv_code: str | None = None
    nc_code: str | None = None
    price: Decimal | None = None
    currency: str = "RON"

    def vat_rate_on(self, tax_point: date) -> Decimal | None:
        """The rate of this product on ``tax_point``: its kind's rate for S, 0 for exempt, none for O."""
        info = category(self.vat_category)
        if not info.takes_rate:
            return None
        if self.vat_rate_kind is None:
            return Decimal(0)
        return rate_for(self.vat_rate_kind, tax_point)

    def item(self, tax_point: date) -> dict[str, Any]:
        """The line item (BG-31) in the e-Factura JSON form."""
        item: dict[str, Any] = {"name": self.name, "seller_id": self.code, "vat_category": self.vat_category}
        rate = self.vat_rate_on(tax_point)
        if rate is not None:
            item["vat_rate"] = f"{rate:f}"
        if self.description:
            item["description"] = self.description
        classifications = [
            {"code": code, "list_id": list_id}
            for code, list_id in ((self.cpv_code, CPV_LIST), (self.nc_code, NC_LIST))
            if code
        ]
        if classifications:
            item["classifications"] = classifications
        return item


def valid_unit(code: str) -> bool:
    """A UN/ECE Rec 20/21 unit code of the engine's list (BR-CL-23)."""
    return code in code_list("unece_rec20_rec21_units").tokens


def valid_currency(code: str) -> bool:
    """An ISO 4217 currency code of the engine's list (BR-CL-04)."""
    return code in code_list("iso4217_currencies").tokens


def valid_vatex(code: str) -> bool:
    return code in code_list("vatex_exemption_reasons").tokens


def validate_product(raw: ProductInput) -> Product:
    """The checked product; a ValidationError lists every problem, each naming its field or rule."""
    problems = ProblemCollector()
    code, name = clean(raw.code), clean(raw.name)
    if code is None:
        problems.add("code", "required", "required")
    elif len(code) > MAX_CODE or not _CODE_RE.match(code):
        problems.add("code", f"letters, digits and . _ / - (at most {MAX_CODE}), got {raw.code!r}")
    if name is None:
        problems.add("name", "required", "required")
    check_length(problems, "name", name, MAX_NAME)
    description = clean(raw.description)
    check_length(problems, "description", description, MAX_DESCRIPTION)
    try:
        kind = ProductKind(raw.kind)
    except ValueError:
        problems.add("kind", f"{raw.kind!r} is not a product kind (goods, service)")
        kind = ProductKind.GOODS
    unit = (clean(raw.unit_code) or "").upper() or None
    if unit is None:
        problems.add("unit_code", "required: a UN/ECE Rec 20 code such as H87 (piece), KGM, HUR", "required")
    elif not valid_unit(unit):
        problems.add(
            "unit_code",
            f"{raw.unit_code!r} is not a UN/ECE Recommendation 20/21 unit code (H87 piece, C62 one, KGM,"
            " HUR, LTR, MON ...; BR-CL-23)",
            "BR-CL-23",
        )
    vat = _vat_fields(raw, problems)
    cpv = clean(raw.cpv_code)
    if cpv is not None and not _CPV_RE.match(cpv):
        problems.add(
            "cpv_code", f"{raw.cpv_code!r} is not a CPV code: 8 digits and a check digit, 72000000-5"
        )
    nc = "".join((raw.nc_code or "").split()) or None
    if nc is not None and (kind == ProductKind.SERVICE or not _NC_RE.match(nc)):
        problems.add(
            "nc_code", f"a Combined Nomenclature code is 8 digits, for goods only, got {raw.nc_code!r}"
        )
    if vat.get("vat_category") == "AE" and kind == ProductKind.GOODS and nc is None:
        problems.add(
            "nc_code",
            "goods under domestic reverse charge (art. 331 Codul fiscal) need their NC code",
            RULE_NC_REQUIRED,
        )
    price = _price(raw.price, problems)
    currency = (clean(raw.currency) or "RON").upper()
    if not valid_currency(currency):
        problems.add("currency", f"{raw.currency!r} is not an ISO 4217 currency code (BR-CL-04)", "BR-CL-04")
    problems.raise_if_any("invalid product")
    assert code is not None and name is not None and unit is not None
    return Product(
        code=code,
        name=name,
        kind=kind,
        unit_code=unit,
        description=description,
        cpv_code=cpv,
        nc_code=nc,
        price=price,
        currency=currency,
        **vat,
    )


def _vat_fields(raw: ProductInput, problems: ProblemCollector) -> dict[str, Any]:
    code = (clean(raw.vat_category) or "").upper()
    if not code:
        problems.add("vat_category", "required: S, E, AE, K, G or O", "required")
        return {}
    try:
        info = category(code, "vat_category")
    except VatRuleError as exc:
        problems.problems.extend(exc.problems)
        return {}
    out: dict[str, Any] = {"vat_category": code}
    kind_text = clean(raw.vat_rate_kind)
    if code == "S":
        if kind_text is None:
            problems.add(
                "vat_rate_kind", "category S needs the kind of rate: " + ", ".join(RateKind), "BR-S-05"
            )
        else:
            try:
                out["vat_rate_kind"] = RateKind(kind_text)
            except ValueError:
                problems.add(
                    "vat_rate_kind",
                    f"{kind_text!r} is not a rate kind ({', '.join(RateKind)})",
                    "RO-VAT-KIND",
                )
    elif kind_text is not None:
        problems.add("vat_rate_kind", f"category {code} has no rate kind: only S does", "RO-VAT-KIND")
    vatex = (clean(raw.vatex_code) or "").upper() or None
    reason = clean(raw.exemption_reason)
    check_length(problems, "exemption_reason", reason, MAX_REASON)
    if vatex is not None:
        if not valid_vatex(vatex):
            problems.add("vatex_code", f"{raw.vatex_code!r} is not a VATEX code (BR-CL-22)", "BR-CL-22")
        elif (problem := vatex_problem(code, vatex, "vatex_code")) is not None:
            problems.problems.append(problem)
    if not info.needs_exemption_reason and (vatex or reason):
        problems.add(
            "vatex_code", f"category {code} takes no exemption reason (BR-{code}-10)", f"BR-{code}-10"
        )
    if code == "E" and vatex is None and reason is None:
        problems.add(
            "vatex_code", "an exempt product needs a VATEX code or a reason text (BR-E-10)", "BR-E-10"
        )
    out["vatex_code"] = vatex or info.default_vatex
    out["exemption_reason"] = reason
    return out


def _price(value: str | None, problems: ProblemCollector) -> Decimal | None:
    text = clean(value)
    if text is None:
        return None
    try:
        price = Decimal(text)
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or price < 0 or "e" in text.lower():
        problems.add(
            "price", f"{value!r} is not a price: a non-negative decimal as a string, 12.50", "bad_decimal"
        )
        return None
    return price
