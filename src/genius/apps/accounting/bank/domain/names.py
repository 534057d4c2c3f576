"""Partner names as banks print them: truncated, upper-cased, legal forms abbreviated, typos.

Names are compared without diacritics, punctuation and legal forms (SRL, S.R.L., SA, SNC, PFA,
II, ...), by RapidFuzz's token-sort ratio (word order ignored) and, for names of two words or more,
the token-set ratio (one name a truncation of the other, as banks cut names at 35 or 70
characters). A one-word name only gets the plain ratio, so "ALFA" does not match "ALFA CONSTRUCT
INVEST" by being a subset.
"""

from __future__ import annotations

import re
from typing import Final

from rapidfuzz import fuzz

from genius.apps.accounting.bank.domain.references import plain_upper

# Romanian legal forms and their spellings; dropped before names are compared.
LEGAL_FORMS: Final = frozenset(
    {"SRL", "SA", "SNC", "SCS", "SCA", "PFA", "II", "IF", "SRLD", "RA", "SC", "COMPANIA", "SOCIETATEA", "SOC"}
)
# Points taken off a token-set match, which also rewards one name being part of the other.
SUBSET_PENALTY: Final = 4.0


def normalise_name(name: str | None) -> str:
    """``S.C. Alfa-Construct S.R.L.`` -> ``ALFA CONSTRUCT``."""
    if not name:
        return ""
    text = plain_upper(name)
    # Dotted or spaced legal forms ("S.R.L.", "S R L", "S.A.") become one word first.
    text = re.sub(r"\b([A-Z])[.\s]+(?=[A-Z]\b)", r"\1", text)
    text = text.replace(".", "")
    words = [w for w in re.split(r"[^A-Z0-9]+", text) if w and w not in LEGAL_FORMS]
    return " ".join(words)


def name_similarity(a: str | None, b: str | None) -> float:
    """0 to 100: how alike two partner names are (see the module docstring)."""
    left, right = normalise_name(a), normalise_name(b)
    if not left or not right:
        return 0.0
    score = fuzz.token_sort_ratio(left, right)
    if min(len(left.split()), len(right.split())) >= 2:
        # A name contained in the other scores a little below an equal one, so that
        # "ALFA CONSTRUCT" prefers "Alfa Construct SRL" over "Alfa Construct Invest SRL".
        score = max(score, fuzz.token_set_ratio(left, right) - SUBSET_PENALTY)
    return float(score)
