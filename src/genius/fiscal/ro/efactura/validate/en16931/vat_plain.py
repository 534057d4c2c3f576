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
from genius.fiscal.ro.efactura.validate.en16931.selectors import LINE_NAMES, is_vat

CODES = frozenset(("S", "Z", "E", "AE", "K", "G", "O", "L", "M"))  # the nine categories' cbc:ID
_ZERO = Decimal(0)
_MISSING = object()
_SELLER = "cac:AccountingSupplierParty"
_SCHEMES = "cac:Party/cac:PartyTaxScheme"


@dataclass(slots=True)
class PartyIds:
    """Which party identifiers exist, as BR-x-02/03/04 test them."""

    seller_any_id: bool  # //cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID
    seller_vat_id: bool  # ... /cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-31)
    representative_vat_id: bool  # //cac:TaxRepresentativeParty/cac:PartyTaxScheme[VAT]/cbc:CompanyID (BT-63)
    buyer_vat_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme[VAT]/cbc:CompanyID
    buyer_legal_id: bool  # //cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID


def _party_ids(doc: UblDocument, holder: str, schemes: str) -> tuple[bool, bool]:
    """``exists(//holder/schemes/cbc:CompanyID)`` and ``exists(//holder/schemes[VAT]/cbc:CompanyID)``."""
    any_id = vat_id = False
    for node in doc.all(holder):
        for scheme in node.findall(schemes):
            if scheme.kids("cbc:CompanyID"):
                any_id = True
                if is_vat(scheme):
                    return True, True
    return any_id, vat_id


def party_ids(doc: UblDocument) -> PartyIds:
    seller_any_id, seller_vat_id = _party_ids(doc, _SELLER, _SCHEMES)
    return PartyIds(
        seller_any_id=seller_any_id,
        seller_vat_id=seller_vat_id,
        representative_vat_id=_party_ids(doc, "cac:TaxRepresentativeParty", "cac:PartyTaxScheme")[1],
        buyer_vat_id=_party_ids(doc, "cac:AccountingCustomerParty", _SCHEMES)[1],
        buyer_legal_id=any(
            p.kids("cbc:CompanyID")
            for h in doc.all("cac:AccountingCustomerParty")
            for p in h.findall("cac:Party/cac:PartyLegalEntity")
        ),
    )


class Place:
    """The lines, document allowances or document charges of one category code."""

    __slots__ = ("by_rate", "rates", "total")

    def __init__(self) -> None:
        # cbc:Percent text (None: no cbc:Percent) -> its xs:decimal: the distinct rates given
        self.rates: dict[str | None, Decimal | None] = {}
        # Σ amounts, in document order from Decimal(0) as basis() adds them: all of them, and
        # those at each rate (equal Decimals share a key, as ``rate in t.rates`` compares them)
        self.total = _ZERO
        self.by_rate: dict[Decimal, Decimal] = {}

    def add(self, text: str | None, rate: Decimal | None, amount: Decimal) -> None:
        if text not in self.rates:
            self.rates[text] = rate
        self.total = self.total + amount
        if rate is not None:
            by_rate = self.by_rate
            by_rate[rate] = by_rate.get(rate, _ZERO) + amount


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


def _category(node: Node, rates: dict[str, Decimal | None]) -> tuple[str, str | None, Decimal | None] | None:
    """(code, cbc:Percent text, its xs:decimal) of a plain category, None when it is not plain."""
    kids = node._kids
    ids = kids.get("cbc:ID")
    if ids is None or len(ids) != 1:
        return None
    code = ids[0].text
    if code not in CODES:
        return None
    schemes = kids.get("cac:TaxScheme")
    if schemes is None or len(schemes) != 1:
        return None
    scheme_ids = schemes[0]._kids.get("cbc:ID")
    if scheme_ids is None or len(scheme_ids) != 1 or scheme_ids[0].text != "VAT":
        return None
    percents = kids.get("cbc:Percent")
    if percents is None:
        return code, None, None
    if len(percents) != 1:
        return None
    text = percents[0].text
    rate = rates.get(text, _MISSING)
    if rate is _MISSING:
        rate = rates[text] = parse_xs_decimal(text)
    if rate is None:
        return None
    return code, text, rate  # type: ignore[return-value]


def _read(doc: UblDocument) -> PlainVat | None:
    if not doc.is_ubl:
        return None
    by_name = doc.by_name
    root = doc.root
    own, other = LINE_NAMES[::-1] if doc.is_credit_note else LINE_NAMES
    lines = root._kids.get(own)
    if other in by_name or not lines or len(lines) != len(by_name[own]):
        return None
    if len(by_name.get("cac:ClassifiedTaxCategory", ())) != len(lines):
        return None  # (with one per line checked below: none elsewhere)
    rates: dict[str, Decimal | None] = {}  # cbc:Percent text -> xs:decimal, parsed once per text
    codes: set[str] = set()
    by_code: dict[str, Place] = {}
    decimal = doc.decimal
    for line in lines:
        kids = line._kids
        items = kids.get("cac:Item")
        amounts = kids.get("cbc:LineExtensionAmount")
        if items is None or amounts is None or len(items) != 1 or len(amounts) != 1:
            return None
        categories = items[0]._kids.get("cac:ClassifiedTaxCategory")
        if categories is None or len(categories) != 1:
            return None
        fact = _category(categories[0], rates)
        amount = decimal(amounts[0])
        if fact is None or amount is None:
            return None
        code, text, rate = fact
        place = by_code.get(code)
        if place is None:
            place = by_code[code] = Place()
            codes.add(code)
        place.add(text, rate, _ZERO + amount)  # _taxed's amount: Decimal(0) + the one amount
    allowances: dict[str, Place] = {}
    charges: dict[str, Place] = {}
    breakdown: dict[str, list[Node]] = {}
    for node in by_name.get("cac:TaxCategory", ()):
        parent = node.parent
        assert parent is not None
        if parent.name == "cac:TaxSubtotal":
            total = parent.parent
            if total is None or total.name != "cac:TaxTotal" or total.parent is not root:
                return None
            fact = _category(node, rates)
            if fact is None:
                return None
            code = fact[0]
            codes.add(code)
            found = breakdown.get(code)
            if found is None:
                breakdown[code] = [node]
            else:
                found.append(node)
        elif parent.name == "cac:AllowanceCharge" and parent.parent is root:
            kids = parent._kids
            indicators = kids.get("cbc:ChargeIndicator")
            amounts = kids.get("cbc:Amount")
            if (
                indicators is None
                or amounts is None
                or len(indicators) != 1
                or len(amounts) != 1
                or len(kids["cac:TaxCategory"]) != 1
            ):
                return None
            indicator = indicators[0].text
            if indicator == "true":
                places = charges
            elif indicator == "false":
                places = allowances
            else:
                return None
            fact = _category(node, rates)
            amount = decimal(amounts[0])
            if fact is None or amount is None:
                return None
            code, text, rate = fact
            codes.add(code)
            place = places.get(code)
            if place is None:
                place = places[code] = Place()
            place.add(text, rate, _ZERO + amount)
        else:
            return None
    return PlainVat(codes, by_code, allowances, charges, breakdown, party_ids(doc))
