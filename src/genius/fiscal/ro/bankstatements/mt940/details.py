"""Field :86: (information to the account owner): who paid or was paid, and what for.

SWIFT leaves :86: free (6 x 65 characters); each Romanian bank fills it its own way. The layout
is recognised from the text itself, not from the bank, because banks change exports over time:

* ``?``-subfields (German DFÜ layout, used by Raiffeisen): ``GVC?00booking text?20..?29 and
  ?60..?63 remittance?30 BIC?31 IBAN?32..?33 name``, with SEPA keywords inside the remittance
  (``EREF+`` end-to-end id, ``SVWZ+`` remittance text).
* ``~``-subfields (ING): ``~20..~29 remittance ~32 name ~33 IBAN``.
* ``+``-subfields (BRD): ``+20 booking text +21..+29 remittance +30 bank code +31 IBAN +32 name
  +33 CUI/CNP``.
* BCR text: ``Referinta ... -Platitor NAME IBAN CODFISC X-Beneficiar NAME IBAN CODFISC Y-Detalii
  TEXT``; the payer is the counterparty of a credit, the beneficiary of a debit.
* Banca Transilvania text: ``<operation> - canal electronic [C.I.F.:X] <remittance> [1] NAME IBAN
  BIC REF: <bank ref>``.
* Anything else: the whole text is the remittance; an IBAN and a CUI are looked for in it.

Lines join without a separator for subfield layouts and BCR (they cut words and IBANs at the
line end); for free text a line of full SWIFT width (65) joins directly and a shorter one with a
space, since such banks break lines between words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from genius.fiscal.ro.bankstatements.identifiers import find_cui, find_ibans, valid_cui, valid_iban

SWIFT_LINE_WIDTH: Final = 65
# DFÜ remittance subfields are 27 characters; a full one may stop in the middle of a word.
DFU_CHUNK: Final = 27


@dataclass(frozen=True)
class Details:
    remittance: str
    name: str | None = None
    iban: str | None = None
    cui: str | None = None
    end_to_end_id: str | None = None
    text: str = ""
    layout: str = "text"


@dataclass(frozen=True)
class _Layout:
    """Which subfield codes carry what, for one separator."""

    name: str
    remittance: tuple[str, ...]
    iban: tuple[str, ...]
    names: tuple[str, ...]
    cui: tuple[str, ...] = ()


_REMITTANCE_CODES = tuple(f"{n:02d}" for n in (*range(20, 30), *range(60, 64)))
_LAYOUTS: Final[dict[str, _Layout]] = {
    "?": _Layout("dfu", _REMITTANCE_CODES, iban=("31",), names=("32", "33")),
    "~": _Layout("ing", _REMITTANCE_CODES, iban=("31", "33"), names=("32",)),
    "+": _Layout(
        "brd", tuple(c for c in _REMITTANCE_CODES if c != "20"), iban=("31",), names=("32",), cui=("33",)
    ),
}
_STRUCTURED_RE: Final = re.compile(r"^\s*\d{0,3}\s*([?~+])(\d{2})")
_SEPA_KEYS: Final = ("EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC")
_SEPA_RE: Final = re.compile(r"\b(" + "|".join(_SEPA_KEYS) + r")\+")
_NOT_PROVIDED: Final = frozenset({"", "NOTPROVIDED", "NONREF"})

_BCR_PARTY: Final = (
    r"{kw}\s*(?P<name>.*?)\s+(?P<iban>[A-Z]{{2}}\d{{2}}[A-Z0-9]{{11,30}})\s+CODFISC\s*(?P<cui>[A-Z0-9]*)"
)
_BCR_PAYER_RE: Final = re.compile(_BCR_PARTY.format(kw="Platitor"))
_BCR_PAYEE_RE: Final = re.compile(_BCR_PARTY.format(kw="Beneficiar"))
_BCR_DETAILS_RE: Final = re.compile(r"Detalii\s*(?P<text>.*)$", re.S)

_TRAILING_REF_RE: Final = re.compile(r"\s*REF:\s*\S+\s*$")
_BT_RE: Final = re.compile(
    r"^(?P<operation>.*?canal electronic)\s*(?:C\.I\.F\.:?\s*(?P<cif>\d+))?\s*(?P<rest>.*?)\s*"
    r"REF:\s*(?P<ref>\S+)\s*$",
    re.S,
)
# The counterparty's name right before its IBAN: words in capitals (S.R.L., A&B, D'OR allowed).
_BT_NAME_IBAN_RE: Final = re.compile(
    r"(?P<before>.*?)\s*(?:\b1\s+)?(?P<name>(?:[A-Z][A-Z0-9.&'\-]*\s+)*?[A-Z][A-Z0-9.&'\-]*)\s+"
    r"(?P<iban>[A-Z]{2}\d{2}[A-Z0-9]{11,30})\b(?:\s+[A-Z]{6}[A-Z0-9]{2,5})?\s*$",
    re.S,
)


def parse_details(lines: Sequence[str], *, credit: bool, own_iban: str | None = None) -> Details:
    """What a :86: says, by the layout it is written in (see the module docstring)."""
    direct = "".join(lines)
    structured = _STRUCTURED_RE.match(direct)
    if structured and len(re.findall(re.escape(structured.group(1)) + r"\d{2}", direct)) >= 2:
        return _subfields(direct, _LAYOUTS[structured.group(1)], own_iban)
    if "Referinta" in direct and ("Platitor" in direct or "Beneficiar" in direct):
        return _bcr(direct, credit)
    text = _join_free_text(lines)
    bt = _BT_RE.match(text) if "REF:" in text else None
    if bt:
        return _bt(text, bt, own_iban)
    return _free_text(text, own_iban)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _join_free_text(lines: Sequence[str]) -> str:
    out = ""
    for index, line in enumerate(lines):
        # The first line shares its 65 characters with the ":86:" tag.
        full = SWIFT_LINE_WIDTH - (len(":86:") if index == 1 else 0)
        if index and not (len(lines[index - 1]) >= full or line.startswith(" ")):
            out += " "
        out += line
    return out


def _subfields(text: str, layout: _Layout, own_iban: str | None) -> Details:
    separator = {"dfu": "?", "ing": "~", "brd": "+"}[layout.name]
    parts = re.split(re.escape(separator) + r"(\d{2})", text)
    values: list[tuple[str, str]] = list(zip(parts[1::2], parts[2::2], strict=True))
    remittance = ""
    previous = ""
    for code, value in values:
        if code not in layout.remittance:
            continue
        if remittance and len(previous) < DFU_CHUNK:
            remittance += " "
        remittance += value
        previous = value
    remittance = _collapse(remittance)
    iban = None
    for code, value in values:
        candidate = valid_iban(value) if code in layout.iban else None
        if candidate and candidate != own_iban:
            iban = candidate
            break
    names = [
        _collapse(v)
        for c, v in values
        if c in layout.names and v.strip() and not valid_iban(v) and v.strip() != "/"
    ]
    cui = None
    for code, value in values:
        if code in layout.cui:
            cui = valid_cui(re.sub(r"CUI/CNP|CUI|CIF|[/:]", "", value, flags=re.I))
    end_to_end = None
    if _SEPA_RE.search(remittance):
        remittance, end_to_end = _sepa(remittance)
    return Details(
        remittance=remittance,
        name=" ".join(names) or None,
        iban=iban,
        cui=cui or find_cui(remittance),
        end_to_end_id=end_to_end,
        text=_collapse(text),
        layout=layout.name,
    )


def _sepa(remittance: str) -> tuple[str, str | None]:
    """SEPA keywords inside DFÜ remittance: SVWZ+ is the text, EREF+ the end-to-end id."""
    pieces = _SEPA_RE.split(remittance)
    found = {pieces[i]: pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    text = found.get("SVWZ") or _collapse(pieces[0]) or remittance
    eref = found.get("EREF", "")
    return text, (None if eref.upper() in _NOT_PROVIDED else eref)


def _bcr(text: str, credit: bool) -> Details:
    party = (_BCR_PAYER_RE if credit else _BCR_PAYEE_RE).search(text)
    details = _BCR_DETAILS_RE.search(text)
    remittance = _collapse(details.group("text")) if details else _collapse(text)
    return Details(
        remittance=remittance,
        name=_collapse(party.group("name")) or None if party else None,
        iban=valid_iban(party.group("iban")) if party else None,
        cui=valid_cui(party.group("cui")) if party else None,
        text=_collapse(text),
        layout="bcr",
    )


def _bt(text: str, match: re.Match[str], own_iban: str | None) -> Details:
    rest = _collapse(match.group("rest"))
    name = iban = None
    remittance = rest
    party = _BT_NAME_IBAN_RE.match(rest)
    if party and valid_iban(party.group("iban")) and valid_iban(party.group("iban")) != own_iban:
        iban = valid_iban(party.group("iban"))
        name = _collapse(party.group("name"))
        remittance = _collapse(party.group("before"))
    elif rest.startswith(("Alimentare cont", "Transfer intern")):
        remittance = rest
    return Details(
        remittance=remittance,
        name=name,
        iban=iban,
        cui=valid_cui(match.group("cif")) if match.group("cif") else find_cui(rest),
        text=_collapse(text),
        layout="bt",
    )


def _free_text(text: str, own_iban: str | None) -> Details:
    ibans = [i for i in find_ibans(text) if i != own_iban]
    return Details(
        # A trailing "REF: <bank reference>" repeats :61:'s reference (Banca Transilvania).
        remittance=_collapse(_TRAILING_REF_RE.sub("", text)),
        iban=ibans[0] if ibans else None,
        cui=find_cui(text),
        text=_collapse(text),
    )
