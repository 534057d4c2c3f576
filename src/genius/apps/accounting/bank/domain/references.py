"""Invoice numbers in payment details, the way Romanian payers write them.

Payers write "FCT 123", "factura nr. ABC-0042", "c/v fact GEN42 din 05.01.2026", "Cvf 5512",
"contravaloare factura DSV 0099 si DSV 0100", "seria BTLAM nr 21036843", "F. CPN/2025/000022".
An invoice number is read as a *series* (its letters, "GEN") and *groups* of digits (``42``, or
``2026`` and ``42`` for a yearly series "GEN2026-0042"), compared as integers so that padding
("0042" vs "42") does not matter.

A reference found in the text counts when it carries a series ("GEN 42") or stands in an
invoice context: after FACT/FCT/FC/FF/CVF/C/V/NR/SERIA..., or in a list continuing one ("123,
124 si 125"). Dates (05.01.2026) and amounts (1.190,00) are removed first, so their digits are
never taken for numbers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from typing import Final


class Strength(IntEnum):
    NONE = 0
    NUMBER = 1  # the number, in an invoice context, without the series
    FULL = 2  # series and number


@dataclass(frozen=True)
class NumberKey:
    """An invoice number as compared: its series letters and its digit groups as integers."""

    series: str
    groups: tuple[int, ...]

    @property
    def core(self) -> int:
        return self.groups[-1]


@dataclass(frozen=True)
class Reference:
    """A number found in payment details."""

    series: str | None
    groups: tuple[int, ...]
    in_context: bool
    # The invoice word written right before the number ("FCT 123"): many businesses use FCT or
    # FACT as their series too, so it is both a context and possibly the series.
    word: str | None = None

    @property
    def cores(self) -> tuple[int, ...]:
        """The groups that may be the invoice's own number: the last, or the first when a year
        follows it ("0042/2026")."""
        if len(self.groups) > 1 and _is_year(self.groups[-1]) and not _is_year(self.groups[0]):
            return (self.groups[-1], self.groups[0])
        return (self.groups[-1],)


def _is_year(value: int) -> bool:
    return 1990 <= value <= 2099


# Words that announce an invoice number (after diacritics are removed and text upper-cased).
INVOICE_WORDS: Final = frozenset(
    {
        "FACT", "FACTURA", "FACTURII", "FACTURILE", "FACTURILOR", "FACTURI", "FCT", "FCTR", "FC", "FF",
        "FT", "FTR", "FAC", "F", "FV", "FCTS", "CVF", "CV", "CVFACT", "INV", "INVOICE", "NR", "NUMAR",
        "NUMARUL", "NO", "SERIA", "SERIE", "CONTRAVALOARE", "CONTRAV", "CTV", "AVIZ", "PROFORMA",
    }
)  # fmt: skip
# Words that sit before numbers but are not series (so "DIN 2026" or "OP 12" is no reference).
# Words after which a number is a date, never an invoice ("din 3 ian", "data 12").
DATE_WORDS: Final = frozenset({"DIN", "DATA", "DATAT", "LA", "PE", "DATED"})
NOT_SERIES: Final = frozenset(
    {
        "DIN", "LA", "DE", "PE", "SI", "PT", "PENTRU", "PLATA", "PLATI", "RON", "LEI", "EUR", "USD",
        "OP", "CONT", "REF", "ROC", "RFB", "DATA", "TOTAL", "SUMA", "ACHITAT", "ACHITARE", "RATA",
        "TVA", "CUI", "CIF", "CODFISC", "CNP", "ID", "IBAN", "BIC", "AMT", "RCD", "PAID", "TOT", "PL",
        "PARTIAL", "REST", "AVANS", "COMANDA", "CONTRACT", "LUNA", "AN", "ANUL",
    }
)  # fmt: skip
_DATE_RE: Final = re.compile(
    r"(?<!\d)\d{1,2}([./-])\d{1,2}\1(?:\d{4}|\d{2})(?!\d)|(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"
)
_AMOUNT_RE: Final = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3})+,\d{2}(?!\d)|(?<![\d.,])\d+,\d{2}(?![\d,])")
_REFERENCE_RE: Final = re.compile(
    r"(?<![A-Z0-9])(?:(?P<series>[A-Z]{1,10})\s*[-./#:]?\s*(?:(?:NR|NO)\s*[.:]?\s*)?)?"
    r"(?P<first>\d{1,12})(?:\s*[-/]\s*(?P<second>\d{1,12}))?(?:\s*[-/]\s*(?P<third>\d{1,12}))?(?!\d)"
)
_CONTEXT_RE: Final = re.compile(r"\b(?:" + "|".join(sorted(INVOICE_WORDS, key=len, reverse=True)) + r")\b")
# How far back (characters) an invoice word still gives a number its context.
CONTEXT_WINDOW: Final = 24
_LIST_GAP_RE: Final = re.compile(r"^\s*(?:,|;|\+|&|/|SI|AND|\s)\s*(?:SI\s*)?$")


def plain_upper(text: str) -> str:
    """Upper case without diacritics; C/V written as CV (the slash would split it)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    return re.sub(r"\bC\s*/\s*V\b", "CV", stripped)


def number_key(number: str) -> NumberKey | None:
    """``GEN-000042`` -> (GEN, (42,)); ``FCT2026-0042`` -> (FCT, (2026, 42)); None without digits."""
    upper = plain_upper(number)
    groups = tuple(int(g) for g in re.findall(r"\d+", upper))
    if not groups:
        return None
    letters = re.match(r"^\W*([A-Z]+)", upper)
    return NumberKey(letters.group(1) if letters else "", groups)


def extract_references(text: str) -> list[Reference]:
    """The invoice references in payment details, in order (see the module docstring)."""
    upper = plain_upper(text)
    cleaned = _AMOUNT_RE.sub(" # ", _DATE_RE.sub(" # ", upper))
    found: list[Reference] = []
    last_end = -1
    last_context = False
    for match in _REFERENCE_RE.finditer(cleaned):
        series = match.group("series")
        if series in DATE_WORDS:
            continue
        keyword = series in INVOICE_WORDS if series else False
        word = series if keyword else None
        if series and (keyword or series in NOT_SERIES):
            series = None
        window = cleaned[max(0, match.start() - CONTEXT_WINDOW) : match.start("first")]
        in_context = keyword or bool(_CONTEXT_RE.search(window))
        if not in_context and last_context and last_end >= 0:
            in_context = bool(_LIST_GAP_RE.match(cleaned[last_end : match.start()]))
        groups = tuple(
            int(g) for g in (match.group("first"), match.group("second"), match.group("third")) if g
        )
        if series or in_context:
            found.append(Reference(series, groups, in_context, word))
            last_end, last_context = match.end(), in_context
    return found


def strength(reference: Reference, key: NumberKey) -> Strength:
    """How well a reference names an invoice number (NONE, NUMBER without series, FULL)."""
    if key.core not in reference.cores:
        return Strength.NONE
    if len(key.groups) > 1 and len(reference.groups) > 1 and key.groups[-2] not in reference.groups:
        return Strength.NONE  # another year of a yearly series
    if reference.series:
        if key.series and (
            key.series.startswith(reference.series) or reference.series.startswith(key.series)
        ):
            return Strength.FULL
        return Strength.NONE
    if reference.word and reference.word == key.series:
        return Strength.FULL  # "FCT 123" for the series FCT
    return Strength.NUMBER if reference.in_context else Strength.NONE


def best_strength(references: list[Reference], key: NumberKey | None) -> Strength:
    if key is None:
        return Strength.NONE
    return max((strength(r, key) for r in references), default=Strength.NONE)
