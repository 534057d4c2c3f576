"""The VAT facts of a plain document, read in one pass, for the BR-S/Z/E/AE/IC/G/O/IG/IP rules' fast path.

Plain: every (Classified)TaxCategory has one cbc:ID that is exactly one of the nine codes, one
cac:TaxScheme whose one cbc:ID is exactly ``VAT`` and at most one cbc:Percent (an xs:decimal); each
sits on the one cac:Item of a root line (one category per line), on a document level
cac:AllowanceCharge (one cbc:ChargeIndicator ``true``/``false``, one cbc:Amount) or in
``/*/cac:TaxTotal/cac:TaxSubtotal``; there are lines, all of the document's own kind, each with one
cbc:LineExtensionAmount. On such a document the selections the rules make differently (with or
without the VAT-scheme filter, raw or normalised cbc:ID, ``//`` or ``/*/``, first or every
cbc:Percent) pick the same nodes, so each category's rules reduce to tests on these flat facts
(vat_rates/vat_categories ``_plain_pass``). Any other document gives None and the rules run as
written; so does a category whose fast test fails, so findings and their order stay the rules' own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, parse_xs_decimal
from genius.fiscal.ro.efactura.validate.en16931.selectors import LINE_NAMES
from genius.fiscal.ro.efactura.validate.en16931.vat_parties import PartyIds, party_ids

CODES = frozenset(("S", "Z", "E", "AE", "K", "G", "O", "L", "M"))  # the nine categories' cbc:ID
_ZERO = Decimal(0)
_MISSING = object()


class Place:
    """The lines, document allowances or document charges of one category code."""

    __slots__ = ("by_rate", "rates", "total")

    def __init__(self) -> None:
        # cbc:Percent text (None: no cbc:Percent) -> its xs:decimal: the distinct rates given
        self.rates: dict[str | None, Decimal | None] = {}
        # basis(): Σ amounts from Decimal(0) in document order, of all of them (total) and of those
        # at each rate (equal Decimals share a key, as ``rate in t.rates`` compares them). None
        # where several cbc:Percent texts add to one sum: their interleaving is not kept (rounding
        # at 28 digits could depend on it), so the fast test fails and the rules decide.
        self.total: Decimal | None = None
        self.by_rate: dict[Decimal, Decimal | None] = {}


# (code, cbc:Percent text or None) -> Σ the amounts of the elements with that category, in order
# (from Decimal(0), one addition per element as they come: the additions sum() would make)
_Groups = dict[tuple[str, str | None], Decimal]
# cbc:Percent text -> its xs:decimal (None: not one); the same few rates recur in every document
_RATES: dict[str, Decimal | None] = {}


def _rate(text: str) -> Decimal | None:
    rate = _RATES.get(text, _MISSING)
    if rate is _MISSING:
        rate = parse_xs_decimal(text)
        if len(_RATES) < 1024:
            _RATES[text] = rate
    return rate  # type: ignore[return-value]


def _places(groups: _Groups) -> dict[str, Place] | None:
    places: dict[str, Place] = {}
    for (code, text), total in groups.items():
        if code not in CODES:
            return None
        rate = None
        if text is not None:
            rate = _rate(text)
            if rate is None:
                return None
        place = places.get(code)
        if place is None:
            place = places[code] = Place()
            place.total = total
        else:
            place.total = None
        place.rates[text] = rate
        if rate is not None:
            place.by_rate[rate] = None if rate in place.by_rate else total
    return places


def _key(category: Node) -> tuple[str, str | None]:
    """(cbc:ID, cbc:Percent or None) of a VAT-scheme category with one of each; KeyError or
    ValueError when one is missing or repeated, None when the scheme is not exactly VAT."""
    kids = category._kids
    (ident,) = kids["cbc:ID"]
    (scheme,) = kids["cac:TaxScheme"]
    (scheme_id,) = scheme._kids["cbc:ID"]
    if scheme_id.text != "VAT":
        raise ValueError("not plain")
    percents = kids.get("cbc:Percent")
    if percents is None:
        return ident.text, None
    (percent,) = percents
    return ident.text, percent.text


@dataclass(slots=True)
class PlainVat:
    codes: set[str]  # every category code of the document
    lines: dict[str, Place]
    allowances: dict[str, Place]  # /*/cac:AllowanceCharge[false]/cac:TaxCategory, by code
    charges: dict[str, Place]  # /*/cac:AllowanceCharge[true]/cac:TaxCategory, by code
    breakdown: dict[str, list[Node]]  # /*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory by code, in order
    parties: PartyIds


def plain_vat(doc: UblDocument) -> PlainVat | None:
    """The document's plain VAT facts, or None when it is not plain (computed once per document)."""
    found = doc.memo.get("vat.plain", _MISSING)
    if found is _MISSING:
        found = doc.memo["vat.plain"] = _read(doc)
    return found  # type: ignore[return-value]


def _read(doc: UblDocument) -> PlainVat | None:
    if not doc.is_ubl:
        return None
    by_name = doc.by_name
    root = doc.root
    own, other = LINE_NAMES[::-1] if doc.is_credit_note else LINE_NAMES
    lines = root._kids.get(own)
    if (
        other in by_name
        or not lines
        or len(lines) != len(by_name[own])
        or len(by_name.get("cac:ClassifiedTaxCategory", ())) != len(lines)
    ):
        return None  # (with one category per line, checked below: none elsewhere)
    decimal = doc.decimal
    line_groups: _Groups = {}
    allowance_groups: _Groups = {}
    charge_groups: _Groups = {}
    breakdown: dict[str, list[Node]] = {}
    try:
        for line in lines:  # (_key written out: this runs per line)
            kids = line._kids
            (item,) = kids["cac:Item"]
            (amount,) = kids["cbc:LineExtensionAmount"]
            (category,) = item._kids["cac:ClassifiedTaxCategory"]
            kids = category._kids
            (ident,) = kids["cbc:ID"]
            (scheme,) = kids["cac:TaxScheme"]
            (scheme_id,) = scheme._kids["cbc:ID"]
            percents = kids.get("cbc:Percent")
            if percents is None:
                key = (ident.text, None)
            else:
                (percent,) = percents
                key = (ident.text, percent.text)
            value = decimal(amount)
            if scheme_id.text != "VAT" or value is None or len(amount.text) > 28:
                return None
            # (amounts of at most 28 characters: Decimal(0) + amount, as _taxed adds it, is exact)
            line_groups[key] = line_groups.get(key, _ZERO) + value
        for node in by_name.get("cac:TaxCategory", ()):
            parent = node.parent
            assert parent is not None
            key = _key(node)
            if parent.name == "cac:TaxSubtotal":
                total = parent.parent
                if total is None or total.name != "cac:TaxTotal" or total.parent is not root:
                    return None
                breakdown.setdefault(key[0], []).append(node)
            elif parent.name == "cac:AllowanceCharge" and parent.parent is root:
                kids = parent._kids
                (indicator,) = kids["cbc:ChargeIndicator"]
                (amount,) = kids["cbc:Amount"]
                (_,) = kids["cac:TaxCategory"]
                value = decimal(amount)
                if indicator.text == "true":
                    groups = charge_groups
                elif indicator.text == "false":
                    groups = allowance_groups
                else:
                    return None
                if value is None or len(amount.text) > 28:
                    return None
                groups[key] = groups.get(key, _ZERO) + value
            else:
                return None
    except (KeyError, ValueError):  # an element missing or repeated, a scheme other than VAT
        return None
    line_places = _places(line_groups)
    allowances = _places(allowance_groups)
    charges = _places(charge_groups)
    if line_places is None or allowances is None or charges is None or not CODES.issuperset(breakdown):
        return None
    codes = {*line_places, *allowances, *charges, *breakdown}
    return PlainVat(codes, line_places, allowances, charges, breakdown, party_ids(doc))
