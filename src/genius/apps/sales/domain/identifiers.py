"""Romanian and EU identifiers a partner or the seller carries, checked with python-stdnum.

- CUI/CIF (*cod unic de înregistrare*, the tax id): 2-10 digits with a check digit; ``RO`` in
  front marks a VAT payer (BT-31/BT-48 carry ``RO`` + CUI, BR-CO-09).
- CNP (*cod numeric personal*, personal numeric code): 13 digits with a birth date, county and
  check digit.
- ONRC number (*număr de ordine în Registrul Comerțului*, Trade Register number):
  ``J40/1234/2020`` or the format in use since 2024-07-26, ``J2012000750528``.
- IBAN: ISO 13616 check digits and the country's own format (RO: 24 characters, 4-letter bank).
- EU VAT numbers: the member state's format and check digits (``stdnum.eu.vat``).

Each ``check_*`` returns the normalised value, or adds a problem naming the field and returns None.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stdnum import iban as std_iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ro import cnp as ro_cnp
from stdnum.ro import cui as ro_cui
from stdnum.ro import onrc as ro_onrc

# The one list of member states and VAT prefixes (EL for Greece) is fiscal's; EU_MEMBER_STATES is
# re-exported for the partner invariants (domain.partners) that import it from here.
from genius.fiscal.ro.vat.eu import EU_MEMBER_STATES as EU_MEMBER_STATES
from genius.fiscal.ro.vat.eu import vat_prefix
from genius.kernel.errors import ProblemCollector

_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_EMAIL = 100  # CIUS-RO: contact e-mail BT-43/BT-58 at most 100 characters
MAX_TAX_ID = 50


def _compact(value: str) -> str:
    return "".join(value.split()).upper()


def check_cui(problems: ProblemCollector, path: str, value: str) -> tuple[str, bool] | None:
    """(the bare digits, whether ``RO`` was given) of a CUI; None after a problem."""
    raw = _compact(value)
    has_ro = raw.startswith("RO")
    digits = raw[2:] if has_ro else raw
    if not digits.isdigit() or not 2 <= len(digits) <= 10:
        problems.add(
            path, f"{value!r} is not a CUI: 2 to 10 digits, RO in front for a VAT payer", "cui_format"
        )
        return None
    if not ro_cui.is_valid(digits):
        problems.add(path, f"{value!r} is not a valid CUI: the check digit is wrong", "check_digit")
        return None
    return digits, has_ro


def check_cnp(problems: ProblemCollector, path: str, value: str) -> str | None:
    """The 13 digits of a valid CNP (check digit, birth date, county); None after a problem."""
    raw = _compact(value)
    try:
        return str(ro_cnp.validate(raw))
    except StdnumError as exc:
        reason = "the check digit is wrong" if "checksum" in type(exc).__name__.lower() else str(exc.message)
        problems.add(path, f"not a valid CNP: {reason}", "cnp_invalid")
        return None


def check_trade_register(problems: ProblemCollector, path: str, value: str) -> str | None:
    """An ONRC number in the old (``J40/1234/2020``) or new (``J2012000750528``) format."""
    raw = _compact(value)
    try:
        return str(ro_onrc.validate(raw))
    except StdnumError as exc:
        problems.add(
            path,
            f"{value!r} is not a Trade Register number: J/F/C, county 01-40/51/52, number and year "
            f"(J40/1234/2020) or the 2024 format (J2012000750528): {exc.message}",
            "trade_register",
        )
        return None


@lru_cache(maxsize=1024)
def _valid_iban(raw: str) -> str:
    """stdnum's answer for a valid IBAN, remembered: it depends on the text alone, and the seller's
    IBAN is checked on every issue (a refusal raises, and is not remembered)."""
    return str(std_iban.validate(raw))


def check_iban(problems: ProblemCollector, path: str, value: str) -> str | None:
    """An IBAN with valid check digits and its country's format (RO: RO + 2 + 4 letters + 16)."""
    raw = _compact(value)
    try:
        return _valid_iban(raw)
    except StdnumError as exc:
        hint = (
            " (RO IBAN: RO, 2 check digits, 4-letter bank code, 16 characters)"
            if raw.startswith("RO")
            else ""
        )
        problems.add(path, f"{value!r} is not a valid IBAN: {exc.message}{hint}", "iban_invalid")
        return None


def check_eu_vat(problems: ProblemCollector, path: str, value: str, country_code: str) -> str | None:
    """An EU VAT number of ``country_code``'s member state, with its prefix (``DE136695976``)."""
    raw = _compact(value)
    prefix = vat_prefix(country_code)
    if not raw[:2].isalpha():
        raw = prefix + raw  # the number without its country prefix
    if not raw.startswith(prefix):
        problems.add(
            path, f"a VAT number of {country_code} starts with {prefix}, got {value!r}", "vat_country"
        )
        return None
    try:
        return str(eu_vat.validate(raw))
    except StdnumError as exc:
        problems.add(
            path, f"{value!r} is not a valid {country_code} VAT number: {exc.message}", "vat_invalid"
        )
        return None


def check_email(problems: ProblemCollector, path: str, value: str) -> str | None:
    email = value.strip()
    if len(email) > MAX_EMAIL or not _EMAIL_RE.match(email):
        problems.add(path, f"{value!r} is not an e-mail address (at most {MAX_EMAIL} characters)", "email")
        return None
    return email


def mask_cnp(last_digits: str | None) -> str | None:
    """What lists show of a CNP: its last 4 digits only."""
    return f"*********{last_digits}" if last_digits else None
