"""The CIUS-RO screen: which BR-RO checks might fire on a document, decided in one read of it.

``ScreenedRuleSet.run`` calls only the checks named here, rule by rule, in registration order; the
others are cleared because the screen saw exactly what makes them hold (the right BT-24, a digit
in BT-1, a non-blank street...). Every test below is the check's own condition or a sufficient
one for it (e.g. the raw text equal to a code implies its normalize-space() is that code); when a
test is not met the check is named and decides itself, so findings and locations cannot change.
Documents of unusual shape (more than one seller or buyer party: schema-invalid) get ``None``:
every check runs as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from genius.fiscal.ro.efactura.subdivisions import BUCHAREST, BUCHAREST_SECTORS, RO_COUNTY_CODES
from genius.fiscal.ro.efactura.validate.ciusro import addresses, header, limits
from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RO_CIUS_ID, norm_first
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space

_Check = Callable[..., object]
_TAX_POINT_CODES: Final = ("3", "35", "432")
_DATE_ELEMENTS: Final = frozenset(element for _, element, _ in header.DATE_RULES)
_TAX_REPRESENTATIVE_CHECKS: Final[tuple[_Check, ...]] = (
    addresses.br_ro_140,
    addresses.br_ro_150,
    addresses.br_ro_160,
    addresses.br_ro_170,
)
_DELIVERY_CHECKS: Final[tuple[_Check, ...]] = (
    addresses.br_ro_180,
    addresses.br_ro_201,
    addresses.br_ro_202,
    addresses.br_ro_211,
    addresses.br_ro_212,
)
# (street check, city check, sector report, county report) of the seller and of the buyer.
_SELLER_ADDRESS_CHECKS: Final = (
    addresses.br_ro_081,
    addresses.br_ro_091,
    addresses.br_ro_100,
    addresses.br_ro_110,
)
_BUYER_ADDRESS_CHECKS: Final = (
    addresses.br_ro_082,
    addresses.br_ro_092,
    addresses.br_ro_101,
    addresses.br_ro_111,
)


_XML_SPACE: Final = " \t\r\n"
_DIGITS: Final = frozenset("0123456789")
# YYYY-MM-DD with a day its month always has (29 February is left to the check): a sufficient
# test for ``header.is_ro_date``.
_PLAIN_DATE: Final = re.compile(
    r"[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
# Texts that matched ``_PLAIN_DATE`` (invoices of a day share their dates): a set lookup instead of
# the regex. Only ever holds plain dates; emptied when full.
_KNOWN_DATES: Final[set[str]] = set()
_KNOWN_DATES_MAX: Final = 4096


class _Unusual(Exception):
    """More than one seller or buyer party (schema-invalid): the screen leaves every check to run."""


def _party(roles: list[Node] | None) -> Node | None:
    """The one ``role/cac:Party`` of a role (None when there is none); ``_Unusual`` for several."""
    if not roles:
        return None
    if len(roles) > 1:
        raise _Unusual
    parties = roles[0]._kids.get("cac:Party")
    if not parties:
        return None
    if len(parties) > 1:
        raise _Unusual
    return parties[0]


def _has_vat_id(party: Node) -> bool:
    """Some ``cac:PartyTaxScheme/cbc:CompanyID`` of the party is non-blank (BT-31 / BT-48)."""
    for scheme in party._kids.get("cac:PartyTaxScheme", ()):
        for node in scheme._kids.get("cbc:CompanyID", ()):
            if node.text.strip(_XML_SPACE):  # boolean(normalize-space(.))
                return True
    return False


def _has_legal_id(party: Node) -> bool:
    """Some ``cac:PartyLegalEntity/cbc:CompanyID`` element exists, even empty (BT-47)."""
    for entity in party._kids.get("cac:PartyLegalEntity", ()):  # noqa: SIM110 (no generator)
        if "cbc:CompanyID" in entity._kids:
            return True
    return False


def _address_doubts(party: Node | None, checks: tuple[_Check, ...], doubt: set[_Check]) -> None:
    """Street, city, sector and county of the seller's or buyer's first address."""
    street, city, sector, county = checks
    addresses = party._kids.get("cac:PostalAddress") if party is not None else None
    if not addresses:
        doubt.add(street)
        doubt.add(city)
        return  # the reports read no address: they cannot fire
    kids = addresses[0]._kids
    # The rules read every address on the path; the first one's first element, non-blank, suffices.
    # boolean(normalize-space(.)): some character is not an XML space.
    found = kids.get("cbc:StreetName")
    if not found or not found[0].text.strip(_XML_SPACE):
        doubt.add(street)
    cities = kids.get("cbc:CityName")
    city_text = cities[0].text if cities else ""
    if not city_text.strip(_XML_SPACE):
        doubt.add(city)
    # The reports read the first address (``root.find``); they need country RO.
    countries = kids.get("cac:Country")
    if not countries:
        return
    # The first country's first code is the first in document order (when it has none, find).
    codes = countries[0]._kids.get("cbc:IdentificationCode")
    code = codes[0].text if codes else norm_first(addresses[0], "cac:Country/cbc:IdentificationCode")
    if code != "RO" and normalize_space(code) != "RO":
        return
    subdivisions = kids.get("cbc:CountrySubentity")
    subdivision = subdivisions[0].text if subdivisions else ""
    # A raw code is its own normal form; any other text (" RO-B") is left to both reports.
    if subdivision not in RO_COUNTY_CODES:
        doubt.add(county)
        doubt.add(sector)
    elif subdivision == BUCHAREST and city_text not in BUCHAREST_SECTORS:
        doubt.add(sector)


def _header_doubts(doc: UblDocument, kids: dict[str, list[Node]], doubt: set[_Check]) -> None:
    """``kids``: the root's children by name."""
    by_name = doc.by_name
    found = kids.get("cbc:CustomizationID")
    if not found or found[0].text != RO_CIUS_ID:
        doubt.add(header.br_ro_001)
    found = kids.get("cbc:Note")
    if found and len(found) > 20:
        doubt.add(header.br_ro_a020)
    # normalize-space() only drops or merges spaces: the text has a digit iff its normal form has.
    found = kids.get("cbc:ID")
    if not found or (found[0].text[-1:] not in _DIGITS and header.DIGIT.search(found[0].text) is None):
        doubt.add(header.br_ro_010)
    found = by_name.get("cbc:InvoiceTypeCode")
    if found:
        for node in found:
            if node.text not in header.INVOICE_TYPES:
                doubt.add(header.br_ro_020_1)
                break
    found = by_name.get("cbc:CreditNoteTypeCode")
    if found:
        for node in found:
            if node.text != "381":
                doubt.add(header.br_ro_020_2)
                break
    found = kids.get("cbc:DocumentCurrencyCode")
    if not found or found[0].text != "RON":
        found = kids.get("cbc:TaxCurrencyCode")
        if not found or found[0].text != "RON":
            doubt.add(header.br_ro_030)
    found = by_name.get("cbc:DescriptionCode")
    if found:
        for node in found:
            parent = node.parent
            if (
                node.text not in _TAX_POINT_CODES
                and parent is not None
                and parent.name == "cac:InvoicePeriod"
            ):
                doubt.add(header.br_ro_040)
                break
    known = _KNOWN_DATES
    for element in by_name.keys() & _DATE_ELEMENTS:
        for node in by_name[element]:
            text = node.text
            if text in known:
                continue
            if _PLAIN_DATE.fullmatch(text) is None:
                doubt.add(header.br_ro_dates)
                break
            if len(known) >= _KNOWN_DATES_MAX:
                known.clear()
            known.add(text)


# Every check the screen decides for (``ScreenedRuleSet`` always runs any other).
COVERED: Final[frozenset[_Check]] = frozenset(
    {
        header.br_ro_001,
        header.br_ro_a020,
        header.br_ro_010,
        header.br_ro_020_1,
        header.br_ro_020_2,
        header.br_ro_030,
        header.br_ro_040,
        header.br_ro_dates,
        header.br_ro_065,
        header.br_ro_120,
        *_SELLER_ADDRESS_CHECKS,
        *_BUYER_ADDRESS_CHECKS,
        *_TAX_REPRESENTATIVE_CHECKS,
        *_DELIVERY_CHECKS,
        limits.br_ro_lengths,
        limits.br_ro_a500,
    }
)


def doubtful_checks(doc: UblDocument) -> set[_Check] | None:
    """The CIUS-RO checks that might fire on ``doc`` (usually none), or None to run them all."""
    if not doc.is_ubl:
        return None
    kids = doc.root._kids
    try:
        seller = _party(kids.get("cac:AccountingSupplierParty"))
        buyer = _party(kids.get("cac:AccountingCustomerParty"))
    except _Unusual:
        return None
    doubt: set[_Check] = set()
    _header_doubts(doc, kids, doubt)
    # BR-RO-065 / 120 return early on a seller VAT id / a buyer legal or VAT id.
    if seller is None or not _has_vat_id(seller):
        doubt.add(header.br_ro_065)
    if buyer is None or not (_has_legal_id(buyer) or _has_vat_id(buyer)):
        doubt.add(header.br_ro_120)
    _address_doubts(seller, _SELLER_ADDRESS_CHECKS, doubt)
    _address_doubts(buyer, _BUYER_ADDRESS_CHECKS, doubt)
    by_name = doc.by_name
    # Rarer parts: their checks decide (each is skipped by its ``needs`` when its element is absent).
    if "cac:TaxRepresentativeParty" in by_name:
        doubt.update(_TAX_REPRESENTATIVE_CHECKS)
    if "cac:DeliveryLocation" in by_name:
        doubt.update(_DELIVERY_CHECKS)
    if "cac:BillingReference" in by_name:
        doubt.add(limits.br_ro_a500)
    if limits.screen_lengths(doc):
        doubt.add(limits.br_ro_lengths)
    return doubt
