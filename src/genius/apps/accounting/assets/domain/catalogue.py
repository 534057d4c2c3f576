"""The HG 2139/2004 catalogue classes the register knows (``data/hg2139.csv``) and their life ranges.

The catalogue gives each class of tangible fixed asset (mijloc fix) a normal life as a range of
years; the entity picks a life inside the range and keeps it until the asset is fully depreciated
(the catalogue's general provisions, point 4). Intangible assets (20x) are not in the catalogue.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "hg2139.csv"


@dataclass(frozen=True)
class CatalogueClass:
    code: str
    min_years: int
    max_years: int
    name: str

    @property
    def months(self) -> tuple[int, int]:
        return self.min_years * 12, self.max_years * 12


@cache
def catalogue() -> dict[str, CatalogueClass]:
    with DATA.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {
            row["code"]: CatalogueClass(
                row["code"], int(row["min_years"]), int(row["max_years"]), row["name"]
            )
            for row in rows
        }


def normalise(code: str) -> str:
    """``2.2.9.`` and `` 2.2.9`` are the same class as ``2.2.9``."""
    return code.strip().rstrip(".")


def find_class(code: str) -> CatalogueClass | None:
    return catalogue().get(normalise(code))
