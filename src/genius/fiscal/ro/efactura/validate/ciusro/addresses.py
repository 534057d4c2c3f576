"""CIUS-RO address rules: street and city required, county (ISO 3166-2:RO) and Bucharest sector codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

from genius.fiscal.ro.efactura.subdivisions import BUCHAREST, BUCHAREST_SECTORS, RO_COUNTY_CODES
from genius.fiscal.ro.efactura.validate.ciusro.ruleset import (
    RULES,
    deepest,
    has_nonblank,
    invoice_only,
    norm_first,
)
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.registry import Hit

# Rule decorators keep "id", flag on one line like the schematron; the formatter stays off.
# fmt: off
_FATAL: Final = "fatal"
_SUPPLIER: Final = "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress"
_CUSTOMER: Final = "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress"


def _missing(doc: UblDocument, address_path: str, element: str) -> Iterator[Node]:
    """Root-context assert ``<address>/<element>[boolean(normalize-space(.))]``."""
    if doc.is_ubl and not has_nonblank(doc.root, f"{address_path}/{element}"):
        yield deepest(doc.root, f"{address_path}/{element}")


def _sector_report(address: Node | None) -> Iterator[Hit]:
    """Report: country RO, subdivision RO-B and the city is not SECTOR1..SECTOR6."""
    if address is None:
        return
    city = norm_first(address, "cbc:CityName")
    if (
        norm_first(address, "cac:Country/cbc:IdentificationCode") == "RO"
        and norm_first(address, "cbc:CountrySubentity") == BUCHAREST
        and city not in BUCHAREST_SECTORS
    ):
        yield Hit(address.first("cbc:CityName") or address, {"value": city})


def _county_report(address: Node | None) -> Iterator[Hit]:
    """Report: country RO and the subdivision is not an ISO 3166-2:RO code."""
    if address is None:
        return
    subdivision = norm_first(address, "cbc:CountrySubentity")
    country = norm_first(address, "cac:Country/cbc:IdentificationCode")
    if country == "RO" and subdivision not in RO_COUNTY_CODES:
        yield Hit(address.first("cbc:CountrySubentity") or address, {"value": subdivision})


def _lacking(addresses: list[Node], element: str) -> Iterator[Node]:
    """The addresses (tax representative's, deliver-to) without a non-blank ``element``."""
    return (address for address in addresses if not has_nonblank(address, element))


def _each(addresses: list[Node], report: Callable[[Node | None], Iterator[Hit]]) -> Iterator[Hit]:
    """``report`` (sector or county) over every address of a kind that may repeat."""
    for address in addresses:
        yield from report(address)


def _address(doc: UblDocument, path: str) -> Node | None:
    """The address a root-context report reads; a missing address reads as empty strings."""
    return doc.root.find(path) if doc.is_ubl else None


_SECTOR_RO: Final = (
    "este RO-B (Municipiul București), deci localitatea ({city}) trebuie să fie codul sectorului: "
    "SECTOR1, SECTOR2, SECTOR3, SECTOR4, SECTOR5 sau SECTOR6; acum este „{{value}}”."
)
_SECTOR_EN: Final = (
    "is RO-B (Bucharest), so the city ({city}) must be the sector code SECTOR1, SECTOR2, SECTOR3, "
    "SECTOR4, SECTOR5 or SECTOR6; it is '{{value}}'."
)
_COUNTY_RO: Final = (
    "este RO, deci subdiviziunea țării ({sub}) trebuie să fie codul ISO 3166-2:RO al județului "
    "(de exemplu RO-CJ pentru Cluj, RO-B pentru București); acum este „{{value}}”."
)
_COUNTY_EN: Final = (
    "is RO, so the country subdivision ({sub}) must be the county's ISO 3166-2:RO code (e.g. RO-CJ for "
    "Cluj, RO-B for Bucharest); it is '{{value}}'."
)

# --- seller and buyer (root context, invoices and credit notes) ----------------------------------


@RULES.rule(
    "BR-RO-081", _FATAL,
    ro="Adresa vânzătorului trebuie să aibă strada (BT-35, cac:PostalAddress/cbc:StreetName).",
    en="The Seller address must have a street (Seller address line 1, BT-35, "
    "cac:PostalAddress/cbc:StreetName).",
)
def br_ro_081(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, _SUPPLIER, "cbc:StreetName")


@RULES.rule(
    "BR-RO-082", _FATAL,
    ro="Adresa cumpărătorului trebuie să aibă strada (BT-50, cac:PostalAddress/cbc:StreetName).",
    en="The Buyer address must have a street (Buyer address line 1, BT-50, "
    "cac:PostalAddress/cbc:StreetName).",
)
def br_ro_082(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, _CUSTOMER, "cbc:StreetName")


@RULES.rule(
    "BR-RO-091", _FATAL,
    ro="Adresa vânzătorului trebuie să aibă localitatea (BT-37, cac:PostalAddress/cbc:CityName).",
    en="The Seller address must have a city (Seller city, BT-37, cac:PostalAddress/cbc:CityName).",
)
def br_ro_091(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, _SUPPLIER, "cbc:CityName")


@RULES.rule(
    "BR-RO-092", _FATAL,
    ro="Adresa cumpărătorului trebuie să aibă localitatea (BT-52, cac:PostalAddress/cbc:CityName).",
    en="The Buyer address must have a city (Buyer city, BT-52, cac:PostalAddress/cbc:CityName).",
)
def br_ro_092(doc: UblDocument) -> Iterator[Node]:
    return _missing(doc, _CUSTOMER, "cbc:CityName")


@RULES.rule(
    "BR-RO-100", _FATAL,
    ro="Subdiviziunea țării vânzătorului (BT-39) " + _SECTOR_RO.format(city="BT-37"),
    en="The Seller country subdivision (BT-39) " + _SECTOR_EN.format(city="BT-37"),
)
def br_ro_100(doc: UblDocument) -> Iterator[Hit]:
    return _sector_report(_address(doc, _SUPPLIER))


@RULES.rule(
    "BR-RO-101", _FATAL,
    ro="Subdiviziunea țării cumpărătorului (BT-54) " + _SECTOR_RO.format(city="BT-52"),
    en="The Buyer country subdivision (BT-54) " + _SECTOR_EN.format(city="BT-52"),
)
def br_ro_101(doc: UblDocument) -> Iterator[Hit]:
    return _sector_report(_address(doc, _CUSTOMER))


@RULES.rule(
    "BR-RO-110", _FATAL,
    ro="Codul țării vânzătorului (BT-40) " + _COUNTY_RO.format(sub="BT-39"),
    en="The Seller country code (BT-40) " + _COUNTY_EN.format(sub="BT-39"),
)
def br_ro_110(doc: UblDocument) -> Iterator[Hit]:
    return _county_report(_address(doc, _SUPPLIER))


@RULES.rule(
    "BR-RO-111", _FATAL,
    ro="Codul țării cumpărătorului (BT-55) " + _COUNTY_RO.format(sub="BT-54"),
    en="The Buyer country code (BT-55) " + _COUNTY_EN.format(sub="BT-54"),
)
def br_ro_111(doc: UblDocument) -> Iterator[Hit]:
    return _county_report(_address(doc, _CUSTOMER))


# --- seller's tax representative (BG-12; invoices only, see invoice_only) -------------------------


def _tax_representative_addresses(doc: UblDocument) -> list[Node]:
    if not invoice_only(doc):
        return []
    return doc.root.findall("cac:TaxRepresentativeParty/cac:PostalAddress")


@RULES.rule(
    "BR-RO-140", _FATAL,
    ro="Adresa reprezentantului fiscal al vânzătorului (BG-12) trebuie să aibă strada "
    "(BT-64, cbc:StreetName).",
    en="The Seller tax representative address (BG-12) must have a street (BT-64, cbc:StreetName).",
    needs=("cac:TaxRepresentativeParty",),
)
def br_ro_140(doc: UblDocument) -> Iterator[Node]:
    return _lacking(_tax_representative_addresses(doc), "cbc:StreetName")


@RULES.rule(
    "BR-RO-150", _FATAL,
    ro="Adresa reprezentantului fiscal al vânzătorului (BG-12) trebuie să aibă localitatea "
    "(BT-66, cbc:CityName).",
    en="The Seller tax representative address (BG-12) must have a city (BT-66, cbc:CityName).",
    needs=("cac:TaxRepresentativeParty",),
)
def br_ro_150(doc: UblDocument) -> Iterator[Node]:
    return _lacking(_tax_representative_addresses(doc), "cbc:CityName")


@RULES.rule(
    "BR-RO-160", _FATAL,
    ro="Subdiviziunea țării reprezentantului fiscal (BT-68) " + _SECTOR_RO.format(city="BT-66"),
    en="The Seller tax representative country subdivision (BT-68) " + _SECTOR_EN.format(city="BT-66"),
    needs=("cac:TaxRepresentativeParty",),
)
def br_ro_160(doc: UblDocument) -> Iterator[Hit]:
    return _each(_tax_representative_addresses(doc), _sector_report)


@RULES.rule(
    "BR-RO-170", _FATAL,
    ro="Codul țării reprezentantului fiscal (BT-69) " + _COUNTY_RO.format(sub="BT-68"),
    en="The Seller tax representative country code (BT-69) " + _COUNTY_EN.format(sub="BT-68"),
    needs=("cac:TaxRepresentativeParty",),
)
def br_ro_170(doc: UblDocument) -> Iterator[Hit]:
    return _each(_tax_representative_addresses(doc), _county_report)


# --- deliver-to address (BG-15; invoices only, see invoice_only) ---------------------------------


def _delivery_addresses(doc: UblDocument) -> list[Node]:
    if not invoice_only(doc):
        return []
    return doc.root.findall("cac:Delivery/cac:DeliveryLocation/cac:Address")


@RULES.rule(
    "BR-RO-180", _FATAL,
    ro="Adresa de livrare (BG-15) trebuie să aibă strada (BT-75, cbc:StreetName).",
    en="The Deliver-to address (BG-15) must have a street (BT-75, cbc:StreetName).",
    needs=("cac:DeliveryLocation",),
)
def br_ro_180(doc: UblDocument) -> Iterator[Node]:
    return _lacking(_delivery_addresses(doc), "cbc:StreetName")


@RULES.rule(
    "BR-RO-201", _FATAL,
    ro="Adresa de livrare (BG-15) trebuie să aibă localitatea (BT-77, cbc:CityName).",
    en="The Deliver-to address (BG-15) must have a city (BT-77, cbc:CityName).",
    needs=("cac:DeliveryLocation",),
)
def br_ro_201(doc: UblDocument) -> Iterator[Node]:
    return _lacking(_delivery_addresses(doc), "cbc:CityName")


@RULES.rule(
    "BR-RO-202", _FATAL,
    ro="Subdiviziunea țării de livrare (BT-79) " + _SECTOR_RO.format(city="BT-77"),
    en="The Deliver-to country subdivision (BT-79) " + _SECTOR_EN.format(city="BT-77"),
    needs=("cac:DeliveryLocation",),
)
def br_ro_202(doc: UblDocument) -> Iterator[Hit]:
    return _each(_delivery_addresses(doc), _sector_report)


@RULES.rule(
    "BR-RO-211", _FATAL,
    ro="Adresa de livrare (BG-15) trebuie să aibă subdiviziunea țării (BT-79, cbc:CountrySubentity), "
    "de exemplu codul județului RO-CJ.",
    en="The Deliver-to address (BG-15) must have a country subdivision (BT-79, cbc:CountrySubentity), "
    "e.g. the county code RO-CJ.",
    needs=("cac:DeliveryLocation",),
)
def br_ro_211(doc: UblDocument) -> Iterator[Node]:
    return _lacking(_delivery_addresses(doc), "cbc:CountrySubentity")


@RULES.rule(
    "BR-RO-212", _FATAL,
    ro="Codul țării de livrare (BT-80) " + _COUNTY_RO.format(sub="BT-79"),
    en="The Deliver-to country code (BT-80) " + _COUNTY_EN.format(sub="BT-79"),
    needs=("cac:DeliveryLocation",),
)
def br_ro_212(doc: UblDocument) -> Iterator[Hit]:
    return _each(_delivery_addresses(doc), _county_report)
