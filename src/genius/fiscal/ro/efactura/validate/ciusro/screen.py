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

from collections.abc import Callable
from typing import Final

from genius.fiscal.ro.efactura.subdivisions import BUCHAREST, BUCHAREST_SECTORS, RO_COUNTY_CODES
from genius.fiscal.ro.efactura.validate.ciusro import addresses, header, limits
from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RO_CIUS_ID, norm_first
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument

_Check = Callable[..., object]
_TAX_POINT_CODES: Final = ("3", "35", "432")
_DATE_ELEMENTS: Final = tuple(element for _, element, _ in header.DATE_RULES)
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


def _only_party(root: Node, role: str) -> tuple[bool, Node | None]:
    """(the role has at most one ``role/cac:Party`` path, that party or None)."""
    roles = root.kids(role)
    if not roles:
        return True, None
    if len(roles) > 1:
        return False, None
    parties = roles[0].kids("cac:Party")
    if len(parties) > 1:
        return False, None
    return True, parties[0] if parties else None


def _nonblank_first(node: Node | None, name: str) -> bool:
    """The first ``name`` child has non-blank text: enough for ``name[boolean(normalize-space(.))]``."""
    if node is None:
        return False
    found = node.first(name)
    return found is not None and bool(found.norm)


def _has_vat_id(party: Node | None) -> bool:
    """Some ``cac:PartyTaxScheme/cbc:CompanyID`` of the party is non-blank (BT-31 / BT-48)."""
    if party is None:
        return False
    for node in party.findall("cac:PartyTaxScheme/cbc:CompanyID"):  # noqa: SIM110 (no generator)
        if node.norm:
            return True
    return False


def _address_doubts(address: Node | None, checks: tuple[_Check, ...], doubt: set[_Check]) -> None:
    """Street, city, sector and county of the seller's or buyer's first address."""
    street, city, sector, county = checks
    # The rules read every address on the path; the first one's first element, non-blank, suffices.
    if not _nonblank_first(address, "cbc:StreetName"):
        doubt.add(street)
    if not _nonblank_first(address, "cbc:CityName"):
        doubt.add(city)
    # The reports read the first address (``root.find``): exactly their conditions.
    if address is None or norm_first(address, "cac:Country/cbc:IdentificationCode") != "RO":
        return
    subdivision = norm_first(address, "cbc:CountrySubentity")
    if subdivision not in RO_COUNTY_CODES:
        doubt.add(county)
    if subdivision == BUCHAREST and norm_first(address, "cbc:CityName") not in BUCHAREST_SECTORS:
        doubt.add(sector)


def _header_doubts(doc: UblDocument, root: Node, doubt: set[_Check]) -> None:
    by_name = doc.by_name
    ids = root.kids("cbc:CustomizationID")
    if not ids or ids[0].text != RO_CIUS_ID:
        doubt.add(header.br_ro_001)
    if len(root.kids("cbc:Note")) > 20:
        doubt.add(header.br_ro_a020)
    number = root.first("cbc:ID")
    # normalize-space() only drops or merges spaces: the text has a digit iff its normal form has.
    if number is None or header.DIGIT.search(number.text) is None:
        doubt.add(header.br_ro_010)
    for node in by_name.get("cbc:InvoiceTypeCode", ()):
        if node.text not in header.INVOICE_TYPES:
            doubt.add(header.br_ro_020_1)
            break
    for node in by_name.get("cbc:CreditNoteTypeCode", ()):
        if node.text != "381":
            doubt.add(header.br_ro_020_2)
            break
    tax = root.first("cbc:TaxCurrencyCode")
    document = root.first("cbc:DocumentCurrencyCode")
    if not ((tax is not None and tax.text == "RON") or (document is not None and document.text == "RON")):
        doubt.add(header.br_ro_030)
    for node in by_name.get("cbc:DescriptionCode", ()):
        parent = node.parent
        if parent is not None and parent.name == "cac:InvoicePeriod" and node.text not in _TAX_POINT_CODES:
            doubt.add(header.br_ro_040)
            break
    for element in _DATE_ELEMENTS:
        for node in by_name.get(element, ()):
            if not header.is_ro_date(node.text):
                doubt.add(header.br_ro_dates)
                break


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
    root = doc.root
    one_seller, seller = _only_party(root, "cac:AccountingSupplierParty")
    one_buyer, buyer = _only_party(root, "cac:AccountingCustomerParty")
    if not (one_seller and one_buyer):
        return None
    doubt: set[_Check] = set()
    _header_doubts(doc, root, doubt)
    # BR-RO-065 / 120 return early on a seller VAT id / a buyer legal or VAT id.
    if not _has_vat_id(seller):
        doubt.add(header.br_ro_065)
    if buyer is None or not (buyer.has("cac:PartyLegalEntity/cbc:CompanyID") or _has_vat_id(buyer)):
        doubt.add(header.br_ro_120)
    _address_doubts(seller.first("cac:PostalAddress") if seller else None, _SELLER_ADDRESS_CHECKS, doubt)
    _address_doubts(buyer.first("cac:PostalAddress") if buyer else None, _BUYER_ADDRESS_CHECKS, doubt)
    by_name = doc.by_name
    # Rarer parts: their checks decide (each is skipped by its ``needs`` when its element is absent).
    if "cac:TaxRepresentativeParty" in by_name:
        doubt.update(_TAX_REPRESENTATIVE_CHECKS)
    if "cac:DeliveryLocation" in by_name:
        doubt.update(_DELIVERY_CHECKS)
    if "cac:BillingReference" in by_name:
        doubt.add(limits.br_ro_a500)
    if limits.over_limits(doc):
        doubt.add(limits.br_ro_lengths)
    return doubt
