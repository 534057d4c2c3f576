"""Pure D406 rules of the accounting side: the period asked for, partner IDs, tax codes of ledger VAT tags.

* ``parse_period``: ``2026-10`` is a monthly D406 (HeaderComment L), ``2026-Q3`` a quarterly one
  (T), ``2026`` the annual fixed-asset declaration (A) of that financial year (Genius keeps the
  calendar year as the financial year). The on-request stock declaration (C) needs an inventory,
  which Genius does not keep: it has no period syntax.
* ``partner_saft_id``: the prefixed partner ID of ANAF's rule S.C.1 from what the sales events
  say about a partner (00 + CUI, 01 + EU VAT ID, 02/05/06 + country + code, 04 + internal code).
* ``tax_code_for``: the ANAF tax code (D406 TaxCode) of a ledger VAT treatment and rate on a day,
  from the shipped nomenclature (``genius.fiscal.ro.saft.taxcodes``): 310344 for a sale at 21 %
  from 1 August 2025, 310309 for 19 % before, 301104 for a purchase at 21 % ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from genius.fiscal.ro.saft.model import ReportType
from genius.fiscal.ro.saft.partners import EU_VAT_PREFIXES, eu_vat_id, ro_company_id
from genius.fiscal.ro.saft.taxcodes import find_tax_code
from genius.kernel.errors import ValidationError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
# The 21 % / 11 % rates and their new codes apply from this day (Law 141/2025).
RATES_2025_08 = date(2025, 8, 1)
# D406 is filed from 2022 (large taxpayers); ANAF's PeriodYear starts at 2020.
FIRST_YEAR = 2020


@dataclass(frozen=True)
class ReportPeriod:
    """What was asked for: ``2026-10`` (monthly, L), ``2026-Q3`` (quarterly, T) or ``2026`` (annual, A)."""

    label: str
    report_type: ReportType
    first: date
    last: date

    @property
    def months(self) -> list[tuple[int, int]]:
        out, day = [], self.first
        while day <= self.last:
            out.append((day.year, day.month))
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def parse_period(text: str) -> ReportPeriod:
    """``2026-10``, ``2026-Q3`` or ``2026``; anything else is refused naming the field ``period``."""
    value = (text or "").strip()
    month = _MONTH.fullmatch(value)
    quarter = _QUARTER.fullmatch(value)
    whole = _YEAR.fullmatch(value)
    year_text = (
        month.group(1) if month else quarter.group(1) if quarter else whole.group(1) if whole else None
    )
    if year_text is None:
        raise ValidationError.for_field(
            "period",
            f"{value!r}: give a month as YYYY-MM (2026-10), a quarter as YYYY-Qn (2026-Q3) or a year as "
            "YYYY (2026, the annual fixed-asset D406)",
        )
    year = int(year_text)
    if year < FIRST_YEAR:
        raise ValidationError.for_field("period", f"{value}: D406 periods start in {FIRST_YEAR}")
    if whole:
        return ReportPeriod(str(year), ReportType.ANNUAL_ASSETS, date(year, 1, 1), date(year, 12, 31))
    if month:
        number = int(month.group(2))
        if not 1 <= number <= 12:
            raise ValidationError.for_field("period", f"{value}: month {number} does not exist")
        return ReportPeriod(
            f"{year}-{number:02d}", ReportType.MONTHLY, date(year, number, 1), _month_end(year, number)
        )
    assert quarter is not None
    q = int(quarter.group(2))
    first_month = 3 * (q - 1) + 1
    return ReportPeriod(
        f"{year}-Q{q}",
        ReportType.QUARTERLY,
        date(year, first_month, 1),
        _month_end(year, first_month + 2),
    )


_ALNUM = re.compile(r"[^A-Za-z0-9]")


def internal_code(partner_id: str) -> str:
    """``04`` + the partner's internal code, letters and digits only (ANAF's rule for prefix 04)."""
    return ("04" + _ALNUM.sub("", partner_id))[:35]


def partner_saft_id(
    *, partner_id: str | None, kind: str | None, cui: str | None, vat_id: str | None, country_code: str | None
) -> str:
    """The D406 partner ID (rule S.C.1) from what the sales app publishes about a partner.

    A Romanian company is ``00`` + CUI; an EU company with a VAT number ``01`` + that number
    (Greece ``EL``); a company elsewhere with an identifier ``02`` + country + code. Individuals
    are ``04`` + the internal code: the sales app seals CNPs and never publishes them, so the
    ``03`` + CNP form is not available to accounting (docs/saft-d406.md, "Genius data").
    """
    country = (country_code or "RO").upper()
    digits = "".join(ch for ch in (cui or "") if ch.isdigit())
    if kind != "individual" and country == "RO" and digits:
        return ro_company_id(digits)
    vat = (vat_id or "").replace(" ", "").upper()
    if vat.startswith("GR"):
        vat = "EL" + vat[2:]
    if kind != "individual" and vat[:2] in EU_VAT_PREFIXES and len(vat) > 2:
        return eu_vat_id(vat)
    if kind != "individual" and vat and country != "RO" and country not in EU_VAT_PREFIXES:
        code = _ALNUM.sub("", vat)
        return ("02" + (code if code[:2] == country else country + code))[:35]
    if kind != "individual" and vat.startswith("RO") and vat[2:].isdigit():
        return ro_company_id(vat[2:])
    return internal_code(partner_id or "necunoscut")


# -- tax codes ------------------------------------------------------------------------------------
# (treatment) -> {rate percent: (code before 1 Aug 2025, code from 1 Aug 2025)}; None = no such code.
_RATED: dict[str, dict[int, tuple[str | None, str | None]]] = {
    "sale_taxable": {
        19: ("310309", None),
        21: (None, "310344"),
        11: (None, "310351"),
        9: ("310310", "310357"),
        5: ("310311", None),
    },
    "purchase_taxable": {
        19: ("301101", None),
        9: ("301102", "301102"),
        5: ("301103", None),
        21: (None, "301104"),
        11: (None, "301105"),
    },
    "purchase_import": {
        19: ("301201", None),
        9: ("301202", "301202"),
        5: ("301203", None),
        21: (None, "301204"),
        11: (None, "301205"),
    },
    "purchase_eu_services": {
        19: ("300701", None),
        9: ("300702", "300702"),
        5: ("300703", None),
        21: (None, "300704"),
        11: (None, "300705"),
    },
    "purchase_domestic_reverse": {
        19: ("300901", None),
        9: ("300902", "300902"),
        5: ("300903", None),
        21: (None, "300906"),
        11: (None, "300907"),
    },
    # Intra-EU goods from a supplier VAT-registered in its member state (the usual case): 3002xx,
    # 300204/300205 for 21 %/11 % (ANAF's 12.08.2025 nomenclature); 3001xx is the other AIC family.
    "purchase_intra_eu_goods": {
        19: ("300201", None),
        9: ("300202", "300202"),
        5: ("300203", None),
        21: (None, "300204"),
        11: (None, "300205"),
    },
}
_FIXED = {
    "sale_intra_eu_goods": "310301",
    "sale_eu_services": "310307",
    "sale_domestic_reverse": "310312",
    "sale_export": "310313",
    "sale_exempt": "310326",
    "sale_out_of_scope": "310324",
    "purchase_exempt": "308302",
}
VAT_CLOSING_CODE = "380200"
NO_TAX_CODE = "000000"
STANDARD_RATE_2025_08 = Decimal(21)
STANDARD_RATE_BEFORE = Decimal(19)
_SELF_ASSESSED = frozenset({"purchase_intra_eu_goods", "purchase_eu_services", "purchase_domestic_reverse"})


def tax_code_for(treatment: str, rate: Decimal | None, on: date) -> str:
    """The ANAF tax code of a ledger VAT treatment at ``rate`` percent on day ``on``.

    Raises ``ValidationError`` (field ``vat_rate``) for a rate the nomenclature has no code for,
    so the export names the line instead of filing a wrong code.
    """
    fixed = _FIXED.get(treatment)
    if fixed is not None:
        return fixed
    table = _RATED.get(treatment)
    if table is None:
        raise ValidationError.for_field("vat_treatment", f"{treatment!r} has no D406 tax code mapping")
    if not rate:
        if treatment in _SELF_ASSESSED:
            # The supplier's AE/K invoice shows no rate; the buyer owes VAT at the standard rate.
            rate = STANDARD_RATE_2025_08 if on >= RATES_2025_08 else STANDARD_RATE_BEFORE
        elif treatment == "purchase_import":
            return NO_TAX_CODE  # an import invoice without VAT (paid at customs): rule S.TI.1
    percent = int(rate) if rate is not None and rate == rate.to_integral_value() else None
    pair = table.get(percent) if percent is not None else None
    code = None
    if pair is not None:
        before, after = pair
        code = after if on >= RATES_2025_08 else before
        code = code or (before if on >= RATES_2025_08 else after)
    if code is None or find_tax_code(code) is None:
        raise ValidationError.for_field(
            "vat_rate", f"no D406 tax code for {treatment} at {rate}% on {on.isoformat()}"
        )
    return code


# UN/ECE Rec 20 names of the units Romanian invoices use most (UOMTable Description); others are
# described by their code.
UNIT_NAMES = {
    "H87": "bucată",
    "C62": "unitate",
    "EA": "fiecare",
    "HUR": "oră",
    "DAY": "zi",
    "MON": "lună",
    "ANN": "an",
    "KGM": "kilogram",
    "GRM": "gram",
    "TNE": "tonă",
    "LTR": "litru",
    "MTR": "metru",
    "MTK": "metru pătrat",
    "MTQ": "metru cub",
    "KWH": "kilowatt-oră",
    "SET": "set",
    "PR": "pereche",
    "XPK": "pachet",
    "XBX": "cutie",
    "KMT": "kilometru",
}


def unit_name(code: str) -> str:
    return UNIT_NAMES.get(code, code)
