"""Romanian address code lists of CIUS-RO, read once from ``data/``: the one source of truth for the
builder's checks (``ciusro``), the validator (``validate.ciusro``) and the apps' address forms.

- ``RO_COUNTY_CODES``: ISO 3166-2:RO subdivision codes ANAF accepts ($ISO-3166-RO-CODES in
  RO16931-rules.sch: RO-AB ... RO-VS, RO-B for Bucharest), ``data/ro_counties.csv``;
- ``BUCHAREST_SECTORS``: the city names a Bucharest (RO-B) address must use ($SECTOR-RO-CODES:
  SECTOR1 ... SECTOR6, CIUS-RO BR-RO-100/101), ``data/bucharest_sectors.csv``.
"""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from typing import Final

_DATA = files("genius.fiscal.ro.efactura").joinpath("data")


def _codes(file_name: str) -> frozenset[str]:
    text = _DATA.joinpath(file_name).read_text(encoding="utf-8")
    return frozenset(row["code"] for row in csv.DictReader(io.StringIO(text)))


RO_COUNTY_CODES: Final = _codes("ro_counties.csv")
# The subdivision whose addresses name a sector as their city (BR-RO-100).
BUCHAREST: Final = "RO-B"
BUCHAREST_SECTORS: Final = _codes("bucharest_sectors.csv")
