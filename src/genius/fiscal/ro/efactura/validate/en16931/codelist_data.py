"""The EN 16931 code lists of ANAF's copy, loaded once from ``data/en16931/*.csv`` (column ``code``).

Used by the BR-CL rules (``codelists.py``, which re-exports these names), BR-CO-09 and the forms.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from genius.fiscal.ro.efactura.validate.document import normalize_space


@dataclass(frozen=True, slots=True)
class CodeList:
    """One code list; ``raw`` is the schematron's ``' A B C '`` string the tests search in."""

    name: str
    codes: tuple[str, ...]
    raw: str
    tokens: frozenset[str]

    def has_token(self, value: str) -> bool:
        """``not(contains(v, ' ')) and contains(' A B C ', concat(' ', v, ' '))``.

        The raw list has single spaces only, so for a value without spaces this is set membership.
        """
        return value in self.tokens and " " not in value

    def accepts(self, value: str) -> bool:
        """``has_token(normalize-space(value))``; a value that is a code as it stands (the usual
        case) needs no normalising, since no code has whitespace (checked when the list loads)."""
        return value in self.tokens or self.has_token(normalize_space(value))

    def contains(self, value: str) -> bool:
        """``contains(' A B C ', value)``: plain substring search (BR-CL-08, BR-CO-09)."""
        return value in self.raw


@cache
def code_list(name: str) -> CodeList:
    """Load ``data/en16931/<name>.csv`` (column ``code``) once."""
    resource = files("genius.fiscal.ro.efactura").joinpath("data", "en16931", f"{name}.csv")
    with resource.open(encoding="utf-8") as handle:
        codes = tuple(row["code"] for row in csv.DictReader(handle))
    if not codes:
        raise ValueError(f"code list {name} is empty")
    if any(code != code.strip() or " " in code for code in codes):
        raise ValueError(f"code list {name} has a code with whitespace")
    return CodeList(name, codes, " " + " ".join(codes) + " ", frozenset(codes))


@cache
def vat_id_prefixes() -> CodeList:
    """BR-CO-09: ISO 3166 country codes plus EL (Greece's VAT prefix)."""
    countries = code_list("iso3166_countries")
    codes = (*countries.codes, "EL")
    return CodeList("vat_id_prefixes", codes, " " + " ".join(codes) + " ", frozenset(codes))
