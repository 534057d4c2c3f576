"""D406 partner identifiers (CustomerID, SupplierID, RegistrationNumber): build them and check
them against ANAF's prefix rules (workbook sheet "5. Structures", rule S.C.1)."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from stdnum.ro import cui as ro_cui

from genius.fiscal.ro.vat import eu as vat_eu

# The only value allowed with prefix 08 (anonymous point-of-sale customer, never a supplier).
ANONYMOUS_POS_CUSTOMER = "080000000000000"
# EU VAT prefixes other than Romania's; Greece uses EL (workbook example 01EL123456789), XI counts.
EU_VAT_PREFIXES = vat_eu.EU_VAT_PREFIXES - {"RO"}
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}[A-Za-z0-9]+")


class PartnerRole(StrEnum):
    CUSTOMER = "customer"
    SUPPLIER = "supplier"


def ro_company_id(cui: str) -> str:
    """``00`` + CUI (digits only: ``RO`` is not accepted after the prefix)."""
    return "00" + cui.strip().upper().removeprefix("RO").strip()


def eu_vat_id(vat_number: str) -> str:
    """``01`` + the EU VAT number with its country prefix (``DE123456789`` -> ``01DE123456789``)."""
    return "01" + vat_number.strip().upper().replace(" ", "")


def individual_id(cnp: str) -> str:
    """``03`` + CNP (or a non-resident's NIF), 13 digits."""
    return "03" + cnp.strip()


def check_partner_id(partner_id: str, role: PartnerRole, *, bank: bool = False) -> str | None:
    """None when ``partner_id`` follows ANAF's rules; otherwise what is wrong, in English.

    ``"0"`` is refused here: it is only allowed on one side of a journal or payment line.
    """
    value = partner_id.strip()
    if value != partner_id or not value:
        return "is empty or has spaces around it"
    if value == "0":
        return '"0" is not a partner identifier (allowed only on one side of a journal or payment line)'
    prefix, rest = value[:2], value[2:]
    if prefix == "00":
        if rest.upper().startswith("RO"):
            return "00 is followed by the CUI without RO"
        if not rest.isdigit() or not 2 <= len(rest) <= 10:
            return "00 must be followed by the CUI: 2 to 10 digits"
        if not ro_cui.is_valid(rest):
            return f"CUI {rest} has a wrong check digit"
        return None
    if prefix == "01":
        if not _COUNTRY_CODE.fullmatch(rest) or rest[:2] not in EU_VAT_PREFIXES:
            return "01 must be followed by an EU VAT number with its country prefix (Greece: EL), not RO"
        return None
    if prefix in ("02", "05", "06"):
        if not _COUNTRY_CODE.fullmatch(rest) or rest[:2] == "RO":
            return f"{prefix} must be followed by a foreign ISO 3166 country code and the partner's code"
        if prefix == "02" and rest[:2] in EU_VAT_PREFIXES:
            return "02 is for partners outside the EU; use 01 (VAT-registered) or 05 (not registered)"
        if prefix == "05" and rest[:2] not in EU_VAT_PREFIXES:
            return "05 is for EU partners not registered for VAT; use 06 outside the EU"
        return None
    if prefix in ("03", "09"):
        if not rest.isdigit() or len(rest) > 13 or rest.startswith("0"):
            what = "a CNP or NIF: 13 digits" if prefix == "03" else "a NIF: at most 13 digits"
            return f"{prefix} must be followed by {what}, not starting with 0"
        if prefix == "03" and len(rest) != 13:
            return "03 must be followed by a CNP or NIF of 13 digits"
        return None
    if prefix == "04":
        if not _ALNUM.fullmatch(rest):
            return "04 must be followed by the customer's internal code, letters and digits only"
        return None
    if prefix == "08":
        if role is PartnerRole.SUPPLIER:
            return "08 (anonymous point-of-sale customer) is never a supplier"
        if value != ANONYMOUS_POS_CUSTOMER:
            return f"the anonymous customer is exactly {ANONYMOUS_POS_CUSTOMER}"
        return None
    if prefix in ("10", "11"):
        if not bank:
            return f"{prefix} is only for bank clients (TaxAccountingBasis BANK)"
        if not _COUNTRY_CODE.fullmatch(rest) or len(rest) > 22:
            return f"{prefix} must be followed by a country code and at most 20 characters"
        return None
    return (
        f"unknown prefix {prefix!r}: use 00 (RO company), 01/02 (VAT-registered abroad), 03 (CNP), "
        "04, 05, 06, 08, 09"
    )


@cache
def payment_mechanisms() -> Mapping[str, str]:
    """PaymentMechanism -> the only PaymentMethod DUK accepts with it (83 pairs)."""
    resource = files("genius.fiscal.ro.saft").joinpath("data", "payment_mechanisms.csv")
    with resource.open(encoding="utf-8", newline="") as handle:
        return MappingProxyType(
            {row["payment_mechanism"]: row["payment_method"] for row in csv.DictReader(handle)}
        )


PAYMENT_METHODS = frozenset({"01", "02", "03", "98", "99"})
