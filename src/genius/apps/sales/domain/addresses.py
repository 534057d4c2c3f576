"""Postal addresses of partners and of the seller, checked as CIUS-RO wants them on an invoice.

Romanian addresses carry the county as an ISO 3166-2:RO code (``RO-CJ``; CIUS-RO BR-RO-110/111)
and, in Bucharest (``RO-B``), the sector as the city (``SECTOR1``..``SECTOR6``, BR-RO-100). The
code lists are the e-Factura engine's, not copies. Street and city are required for seller and
buyer (BR-RO-080/090); the length limits are CIUS-RO's (BR-RO-L...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from genius.fiscal.ro.efactura.ciusro.codes import BUCHAREST, BUCHAREST_SECTORS, RO_COUNTY_CODES
from genius.fiscal.ro.efactura.validate.en16931.codelists import code_list
from genius.kernel.errors import ProblemCollector

ROMANIA = "RO"
# CIUS-RO maximum lengths of address parts (BR-RO-L...): street 150, line 2 100, city 50, postcode 20.
MAX_STREET = 150
MAX_ADDITIONAL_STREET = 100
MAX_CITY = 50
MAX_POSTAL_CODE = 20
MAX_REGION = 50
# "Sector 3", "sector3", "SECTORUL 3" -> SECTOR3 (the only spelling ANAF accepts).
_SECTOR_RE = re.compile(r"^SECTOR(?:UL)?\s*([1-6])$")


@dataclass(frozen=True)
class AddressInput:
    """An address as a caller sends it (every part optional here; the checks say what is missing)."""

    street: str | None = None
    additional_street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    county: str | None = None
    country_code: str | None = None


@dataclass(frozen=True)
class PostalAddress:
    """A checked address. ``county``: ISO 3166-2:RO code in Romania, a free region name abroad."""

    street: str
    city: str
    country_code: str
    county: str | None = None
    postal_code: str | None = None
    additional_street: str | None = None

    def to_efactura(self) -> dict[str, Any]:
        """The address in the e-Factura JSON form (docs/efactura-json.md, BG-5/BG-8)."""
        out: dict[str, Any] = {"street": self.street, "city": self.city, "country_code": self.country_code}
        if self.additional_street:
            out["additional_street"] = self.additional_street
        if self.postal_code:
            out["postal_code"] = self.postal_code
        if self.county:
            out["country_subdivision"] = self.county
        return out


def clean(value: str | None) -> str | None:
    """Trimmed text, or None when nothing is left."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def known_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code of the engine's list (BT-40/BT-55, BR-CL-14)."""
    return code in code_list("iso3166_countries").tokens


def check_length(problems: ProblemCollector, path: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        problems.add(path, f"at most {limit} characters (CIUS-RO length limit), got {len(value)}", "too_long")


def validate_address(
    raw: AddressInput | None,
    problems: ProblemCollector,
    path: str = "address",
    *,
    romanian: bool | None = None,
) -> PostalAddress | None:
    """The checked address, or None after adding every problem to ``problems``.

    ``romanian``: True requires a Romanian address (a Romanian company), False refuses one (a
    foreign partner); None accepts both.
    """
    if raw is None:
        problems.add(path, "required", "required")
        return None
    start = len(problems.problems)
    street, city = clean(raw.street), clean(raw.city)
    country = (clean(raw.country_code) or "").upper()
    county = clean(raw.county)
    postal, extra = clean(raw.postal_code), clean(raw.additional_street)
    if street is None:
        problems.add(f"{path}.street", "required on an invoice (CIUS-RO BR-RO-080)", "required")
    if city is None:
        problems.add(f"{path}.city", "required on an invoice (CIUS-RO BR-RO-090)", "required")
    check_length(problems, f"{path}.street", street, MAX_STREET)
    check_length(problems, f"{path}.additional_street", extra, MAX_ADDITIONAL_STREET)
    check_length(problems, f"{path}.city", city, MAX_CITY)
    check_length(problems, f"{path}.postal_code", postal, MAX_POSTAL_CODE)
    if not country:
        problems.add(f"{path}.country_code", "required: ISO 3166-1 alpha-2 code such as RO, DE", "required")
    elif not known_country(country):
        problems.add(
            f"{path}.country_code", f"{raw.country_code!r} is not an ISO 3166-1 alpha-2 country code"
        )
    elif romanian is True and country != ROMANIA:
        problems.add(f"{path}.country_code", f"a Romanian partner's address is in RO, got {country}")
    elif romanian is False and country == ROMANIA:
        problems.add(f"{path}.country_code", "a foreign partner's address is outside Romania (RO)")
    if country == ROMANIA:
        county = county.upper() if county else None
        if county is None:
            problems.add(f"{path}.county", "required in Romania: an ISO 3166-2:RO code such as RO-CJ or RO-B")
        elif county not in RO_COUNTY_CODES:
            problems.add(
                f"{path}.county",
                f"{raw.county!r} is not an ISO 3166-2:RO county code (RO-AB ... RO-VS, RO-B for Bucharest;"
                " CIUS-RO BR-RO-110)",
                "county_code",
            )
        elif county == BUCHAREST and city is not None:
            match = _SECTOR_RE.match(city.upper())
            city = f"SECTOR{match.group(1)}" if match else city
            if city not in BUCHAREST_SECTORS:
                problems.add(
                    f"{path}.city",
                    f"in Bucharest (RO-B) the city is the sector, SECTOR1 to SECTOR6, got {raw.city!r}"
                    " (CIUS-RO BR-RO-100)",
                    "bucharest_sector",
                )
    else:
        check_length(problems, f"{path}.county", county, MAX_REGION)
    if len(problems.problems) > start or street is None or city is None:
        return None
    return PostalAddress(
        street=street,
        city=city,
        country_code=country,
        county=county,
        postal_code=postal,
        additional_street=extra,
    )
