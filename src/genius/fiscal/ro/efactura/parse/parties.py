"""UBL parties -> model: seller/buyer (BG-4/BG-7), payee (BG-10), tax representative (BG-11),
delivery (BG-13), and their addresses and contacts (EN 16931-3-2 UBL syntax binding)."""

from __future__ import annotations

from typing import Final

from genius.fiscal.ro.efactura.model import (
    Address,
    Contact,
    Delivery,
    Identifier,
    Party,
    Payee,
    TaxRepresentative,
)
from genius.fiscal.ro.efactura.parse.errors import InvalidField
from genius.fiscal.ro.efactura.parse.nodes import Node

# EN 16931-3-2: BT-90 (bank assigned creditor identifier) is a seller or payee
# PartyIdentification/ID whose schemeID is "SEPA"; it is not a BT-29/BT-60 party identifier.
SEPA_SCHEME: Final = "SEPA"
# EN 16931-3-2: the seller's VAT identifier (BT-31) is the PartyTaxScheme whose TaxScheme/ID is
# "VAT"; any other PartyTaxScheme of the seller is its tax registration identifier (BT-32).
# Both codes are compared upper-cased, as the EN 16931 rules do (UBL-SR-12/13, UBL-SR-29).
VAT_SCHEME: Final = "VAT"


def _is(code: str | None, expected: str) -> bool:
    return code is not None and code.upper() == expected


def identifier(node: Node | None) -> Identifier | None:
    """An identifier element with its optional ``schemeID`` (BT-29-1, BT-157-1, ...)."""
    if node is None:
        return None
    value = node.value()
    if value is None:
        return None
    return Identifier(value=value, scheme=node.attribute("schemeID"))


def address(node: Node, term: str) -> Address:
    """BG-5 / BG-8 / BG-12 / BG-15 postal address."""
    lines = [line for n in node.children("cac:AddressLine") if (line := n.text("cbc:Line")) is not None]
    if len(lines) > 1:
        # EN 16931 has a single third address line (BT-162 and its siblings).
        raise InvalidField(f"{node.path}/cac:AddressLine", "appears more than once; at most once is allowed")
    country = node.required("cac:Country", f"{term} country")
    return Address(
        street=node.text("cbc:StreetName"),
        additional_street=node.text("cbc:AdditionalStreetName"),
        address_line_3=lines[0] if lines else None,
        city=node.text("cbc:CityName"),
        postal_code=node.text("cbc:PostalZone"),
        country_subdivision=node.text("cbc:CountrySubentity"),
        country_code=country.required_text("cbc:IdentificationCode", f"{term} country code"),
    )


def _contact(node: Node | None) -> Contact | None:
    if node is None:
        return None
    contact = Contact(
        name=node.text("cbc:Name"),
        telephone=node.text("cbc:Telephone"),
        email=node.text("cbc:ElectronicMail"),
    )
    return None if contact == Contact() else contact


def _tax_schemes(party: Node) -> list[tuple[Node, str | None, str]]:
    """Each PartyTaxScheme as (node, TaxScheme/ID, CompanyID), skipping empty ones."""
    found = []
    for scheme in party.children("cac:PartyTaxScheme"):
        company_id = scheme.text("cbc:CompanyID")
        if company_id is not None:
            found.append((scheme, scheme.text("cac:TaxScheme", "cbc:ID"), company_id))
    return found


def _only(found: list[tuple[Node, str | None, str]], what: str) -> str | None:
    if len(found) > 1:
        raise InvalidField(found[1][0].path, f"{what} is given more than once")
    return found[0][2] if found else None


def trading_party(party_holder: Node, *, seller: bool, sepa_is_creditor_id: bool) -> Party:
    """BG-4 seller (``AccountingSupplierParty``) or BG-7 buyer (``AccountingCustomerParty``).

    ``sepa_is_creditor_id``: a SEPA-scheme identifier of the seller is BT-90 (read with the direct
    debit), not a BT-29 identifier; only when the invoice has a direct debit to hold it.
    """
    who = "seller" if seller else "buyer"
    party = party_holder.required("cac:Party", f"BG-{4 if seller else 7} {who}")
    legal = party.required("cac:PartyLegalEntity", f"{who} legal entity")
    schemes = _tax_schemes(party)
    vat_id = _only(
        [s for s in schemes if _is(s[1], VAT_SCHEME)], f"BT-{31 if seller else 48} {who} VAT identifier"
    )
    others = [s for s in schemes if not _is(s[1], VAT_SCHEME)]
    if not seller and vat_id is None and len(others) == 1:
        # BT-48: a buyer's only PartyTaxScheme is its VAT identifier whatever its TaxScheme/ID says
        # (ANAF's own examples leave it empty).
        vat_id, others = others[0][2], []
    # BT-32 is defined for the seller; a buyer's second, non-VAT tax scheme is kept the same way.
    tax_registration_id = _only(others, f"{who} tax registration identifier (BT-32)")
    identifiers = [
        ident
        for node in party.children("cac:PartyIdentification")
        if (ident := identifier(node.child("cbc:ID"))) is not None
        and not (seller and sepa_is_creditor_id and _is(ident.scheme, SEPA_SCHEME))
    ]
    return Party(
        name=legal.required_text("cbc:RegistrationName", f"BT-{27 if seller else 44} {who} name"),
        trading_name=party.text("cac:PartyName", "cbc:Name"),
        identifiers=identifiers,
        legal_registration_id=identifier(legal.child("cbc:CompanyID")),
        vat_id=vat_id,
        tax_registration_id=tax_registration_id,
        additional_legal_info=legal.text("cbc:CompanyLegalForm") if seller else None,
        electronic_address=identifier(party.child("cbc:EndpointID")),
        address=address(
            party.required("cac:PostalAddress", f"BG-{5 if seller else 8} {who} address"), f"{who} address"
        ),
        contact=_contact(party.child("cac:Contact")),
    )


def sepa_creditor_id(party_holder: Node | None, *, nested: bool) -> tuple[str, str] | None:
    """BT-90 when the seller (``nested``: under cac:Party) or payee carries a SEPA identifier."""
    if party_holder is None:
        return None
    party = party_holder.child("cac:Party") if nested else party_holder
    if party is None:
        return None
    found = [
        (node.path, value)
        for holder in party.children("cac:PartyIdentification")
        if (node := holder.child("cbc:ID")) is not None
        and _is(node.attribute("schemeID"), SEPA_SCHEME)
        and (value := node.value()) is not None
    ]
    if len(found) > 1:
        raise InvalidField(found[1][0], "BT-90 bank assigned creditor identifier is given more than once")
    return found[0] if found else None


def payee(node: Node | None, *, sepa_is_creditor_id: bool) -> Payee | None:
    """BG-10 payee (``cac:PayeeParty``); a SEPA identifier there is BT-90 when the invoice has a
    direct debit to hold it."""
    if node is None:
        return None
    identifiers = [
        ident
        for holder in node.children("cac:PartyIdentification")
        if (ident := identifier(holder.child("cbc:ID"))) is not None
        and not (sepa_is_creditor_id and _is(ident.scheme, SEPA_SCHEME))
    ]
    if len(identifiers) > 1:
        raise InvalidField(
            f"{node.path}/cac:PartyIdentification", "BT-60 payee identifier is given more than once"
        )
    return Payee(
        name=node.required("cac:PartyName", "BT-59 payee name").required_text("cbc:Name", "BT-59 payee name"),
        identifier=identifiers[0] if identifiers else None,
        legal_registration_id=identifier(node.at("cac:PartyLegalEntity", "cbc:CompanyID")),
    )


def tax_representative(node: Node | None) -> TaxRepresentative | None:
    """BG-11 seller tax representative (``cac:TaxRepresentativeParty``)."""
    if node is None:
        return None
    schemes = _tax_schemes(node)
    vat_id = _only(schemes, "BT-63 tax representative VAT identifier")
    if vat_id is None:
        raise InvalidField(
            f"{node.path}/cac:PartyTaxScheme/cbc:CompanyID",
            "BT-63 tax representative VAT identifier is missing",
        )
    return TaxRepresentative(
        name=node.required("cac:PartyName", "BT-62 tax representative name").required_text(
            "cbc:Name", "BT-62 tax representative name"
        ),
        vat_id=vat_id,
        address=address(
            node.required("cac:PostalAddress", "BG-12 tax representative address"),
            "tax representative address",
        ),
    )


def delivery(node: Node | None) -> Delivery | None:
    """BG-13 delivery information with its BG-15 deliver-to address."""
    if node is None:
        return None
    location = node.child("cac:DeliveryLocation")
    address_node = location.child("cac:Address") if location is not None else None
    found = Delivery(
        party_name=node.text("cac:DeliveryParty", "cac:PartyName", "cbc:Name"),
        location_id=identifier(location.child("cbc:ID")) if location is not None else None,
        actual_delivery_date=node.date("cbc:ActualDeliveryDate"),
        address=address(address_node, "deliver-to address") if address_node is not None else None,
    )
    return None if found == Delivery() else found


__all__ = [
    "address",
    "delivery",
    "identifier",
    "payee",
    "sepa_creditor_id",
    "tax_representative",
    "trading_party",
]
