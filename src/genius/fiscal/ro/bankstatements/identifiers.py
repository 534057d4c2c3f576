"""IBANs, CUIs and banks as they appear in statement texts: found, checked, normalised."""

from __future__ import annotations

import re
from typing import Final

from stdnum import iban as stdnum_iban
from stdnum.ro import cui as stdnum_cui

# Romanian IBANs: RO + 2 check digits + 4-letter bank code + 16 alphanumerics (24 in all).
_RO_IBAN_RE: Final = re.compile(r"RO\d{2}[A-Z]{4}[A-Z0-9]{16}")
# Any IBAN: country letters, check digits, 11 to 30 alphanumerics.
_ANY_IBAN_RE: Final = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")
# "CUI 123", "C.U.I.: RO123", "CIF:123", "C.I.F.:123", "CODFISC RO123", "cod fiscal 123".
_CUI_RE: Final = re.compile(
    r"(?:C\.?\s?U\.?\s?I\.?|C\.?\s?I\.?\s?F\.?|COD\s?FISC(?:AL)?)\s*[:.]?\s*(?:RO)?\s*(\d{2,10})\b",
    re.IGNORECASE,
)

# The bank code inside a Romanian IBAN (characters 5-8) -> the bank, as the parsers name it.
BANK_CODES: Final[dict[str, str]] = {
    "RNCB": "bcr",  # Banca Comercială Română
    "BRDE": "brd",  # BRD - Groupe Société Générale
    "BTRL": "bt",  # Banca Transilvania
    "INGB": "ing",  # ING Bank
    "RZBR": "raiffeisen",  # Raiffeisen Bank
    "BACX": "unicredit",
    "CECE": "cec",
    "TREZ": "treasury",  # Trezoreria Statului
}


def compact_iban(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def valid_iban(value: str | None) -> str | None:
    """The compact IBAN when ``value`` is one (checksum included), else None."""
    if not value:
        return None
    candidate = compact_iban(value)
    return candidate if stdnum_iban.is_valid(candidate) else None


def looks_like_iban(value: str) -> bool:
    """Shaped like an IBAN, whatever its checksum (to tell a typo from another kind of account)."""
    return bool(_ANY_IBAN_RE.fullmatch(compact_iban(value)))


def find_ibans(text: str) -> list[str]:
    """Valid IBANs written in ``text``, in order (Romanian ones first found by their fixed shape)."""
    found: list[str] = []
    upper = text.upper()
    for match in [*_RO_IBAN_RE.finditer(upper), *_ANY_IBAN_RE.finditer(upper)]:
        iban = valid_iban(match.group(0))
        if iban and iban not in found:
            found.append(iban)
    return found


def valid_cui(value: str | None) -> str | None:
    """Bare CUI digits when ``value`` is a valid CUI (with or without RO), else None."""
    if not value:
        return None
    digits = re.sub(r"^RO", "", value.strip().upper().replace(" ", ""))
    if not digits.isdigit() or not 2 <= len(digits) <= 10:
        return None
    return digits.lstrip("0") if stdnum_cui.is_valid(digits) else None


def find_cui(text: str) -> str | None:
    """The first valid CUI introduced by CUI/CIF/CODFISC in ``text``."""
    for match in _CUI_RE.finditer(text):
        cui = valid_cui(match.group(1))
        if cui:
            return cui
    return None


def bank_of(iban: str | None) -> str | None:
    """The Romanian bank holding ``iban`` (``bcr``, ``brd``, ``bt``, ``ing``, ...), else None."""
    if not iban or not iban.startswith("RO") or len(iban) < 8:
        return None
    return BANK_CODES.get(iban[4:8])
