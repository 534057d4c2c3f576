"""D406 tax codes (TaxType 300 VAT, 000 none) shipped in ``data/tax_codes.csv``, with the
category the pre-validator's VAT check needs: ANAF's VAT nomenclature (sheets Livrari, Achizitii *,
TVA_NoteContabile of RO_SAFT_SchemaDefCod); withholding-tax codes are not shipped. See data/SOURCE.md."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType


class TaxCategory(StrEnum):
    """What a tax code does to the VAT accounts (OMFP 1802: 4426 deductible, 4427 collected)."""

    SALE = "sale"
    SALE_ON_COLLECTION = "sale_on_collection"
    SALE_NO_VAT = "sale_no_vat"
    PURCHASE = "purchase"
    PURCHASE_ON_COLLECTION = "purchase_on_collection"
    PURCHASE_REVERSE_CHARGE = "purchase_reverse_charge"
    PURCHASE_NO_VAT = "purchase_no_vat"
    PURCHASE_NON_DEDUCTIBLE = "purchase_non_deductible"
    GL_SELF_CHARGED = "gl_self_charged"
    GL_NON_CHARGEABLE = "gl_non_chargeable"
    GL_CLOSING = "gl_closing"
    GL_NO_INVOICE = "gl_no_invoice"
    NONE = "none"

    @property
    def collected(self) -> bool:
        """The VAT of this code is credited to 4427 when chargeable (self-assessment included)."""
        return self in (TaxCategory.SALE, TaxCategory.PURCHASE_REVERSE_CHARGE, TaxCategory.GL_SELF_CHARGED)

    @property
    def deductible(self) -> bool:
        """The VAT of this code is debited to 4426 (reverse charge: deducted as well as collected)."""
        return self in (TaxCategory.PURCHASE, TaxCategory.PURCHASE_REVERSE_CHARGE)


@dataclass(frozen=True, slots=True)
class TaxCode:
    tax_type: str
    code: str
    description: str
    rate: Decimal | None
    base_rate: Decimal | None  # deductible share 0-1; None where the taxpayer's pro-rata decides
    category: TaxCategory
    d300_row: str | None
    valid_from: date | None
    valid_to: date | None
    evidence: str

    def active_on(self, day: date) -> bool:
        """Whether the code applies on ``day``; DUK only warns about an expired one."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@cache
def tax_codes() -> Mapping[str, TaxCode]:
    """Every shipped tax code by its 6-digit code."""
    resource = files("genius.fiscal.ro.saft").joinpath("data", "tax_codes.csv")
    result: dict[str, TaxCode] = {}
    with resource.open(encoding="utf-8", newline="") as handle:
        # The file opens with '#' lines naming its source and date.
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            result[row["code"]] = TaxCode(
                tax_type=row["tax_type"],
                code=row["code"],
                description=row["description"],
                rate=Decimal(row["rate"]) if row["rate"] else None,
                base_rate=Decimal(row["base_rate"]) if row["base_rate"] else None,
                category=TaxCategory(row["category"]),
                d300_row=row["d300_row"] or None,
                valid_from=_date(row["valid_from"]),
                valid_to=_date(row["valid_to"]),
                evidence=row["evidence"],
            )
    return MappingProxyType(result)


@cache
def tax_types() -> Mapping[str, str]:
    resource = files("genius.fiscal.ro.saft").joinpath("data", "tax_types.csv")
    with resource.open(encoding="utf-8", newline="") as handle:
        return MappingProxyType({row["tax_type"]: row["description"] for row in csv.DictReader(handle)})


def tax_code(code: str) -> TaxCode:
    """The shipped code; ``KeyError`` names it when Genius does not know it."""
    try:
        return tax_codes()[code]
    except KeyError:
        raise KeyError(
            f"tax code {code!r} is not in Genius's D406 tax code list (data/tax_codes.csv)"
        ) from None


def find_tax_code(code: str) -> TaxCode | None:
    return tax_codes().get(code)
