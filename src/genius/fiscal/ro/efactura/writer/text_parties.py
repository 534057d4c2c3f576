"""Fast path (:mod:`.text`) of the parties: seller, buyer, payee, tax representative, delivery.

Branch for branch what :mod:`.parties` writes into the tree.
"""

from __future__ import annotations

from typing import Any

from genius.fiscal.ro.efactura.model import Invoice
from genius.fiscal.ro.efactura.writer.elements import TAX_REGISTRATION_SCHEME, VAT_SCHEME
from genius.fiscal.ro.efactura.writer.text_parts import I1, I2, I3, I4, close, ident, leaf, opt


def _address(out: list[str], t: list[Any], indent: str, name: str, address: Any) -> None:
    inner = indent + "  "
    out.append(f"{indent}<{name}>")
    opt(out, t, inner, "cbc:StreetName", address.street)
    opt(out, t, inner, "cbc:AdditionalStreetName", address.additional_street)
    opt(out, t, inner, "cbc:CityName", address.city)
    opt(out, t, inner, "cbc:PostalZone", address.postal_code)
    opt(out, t, inner, "cbc:CountrySubentity", address.country_subdivision)
    if address.address_line_3 is not None:
        leaf(out, t, inner + "  ", "cbc:Line", address.address_line_3, f"{inner}<cac:AddressLine>")
        out.append(f"{inner}</cac:AddressLine>")
    leaf(out, t, inner + "  ", "cbc:IdentificationCode", address.country_code, f"{inner}<cac:Country>")
    out.append(f"{inner}</cac:Country>{indent}</{name}>")


def _tax_scheme(out: list[str], t: list[Any], indent: str, company_id: Any, scheme: str) -> None:
    inner = indent + "  "
    leaf(out, t, inner, "cbc:CompanyID", company_id, f"{indent}<cac:PartyTaxScheme>")
    out.append(
        f"{inner}<cac:TaxScheme>{inner}  <cbc:ID>{scheme}</cbc:ID>{inner}</cac:TaxScheme>"
        f"{indent}</cac:PartyTaxScheme>"
    )


def _party(out: list[str], t: list[Any], name: str, party: Any, creditor: Any) -> None:
    out.append(f"{I1}<{name}>{I2}<cac:Party>")
    endpoint = party.electronic_address
    if endpoint is not None:
        ident(out, t, I3, "cbc:EndpointID", endpoint.value, endpoint.scheme)
    for identifier in party.identifiers:
        out.append(f"{I3}<cac:PartyIdentification>")
        ident(out, t, I4, "cbc:ID", identifier.value, identifier.scheme)
        out.append(f"{I3}</cac:PartyIdentification>")
    if creditor is not None:
        t.append(creditor)
        out.append(
            f'{I3}<cac:PartyIdentification>{I4}<cbc:ID schemeID="SEPA">{creditor}</cbc:ID>'
            f"{I3}</cac:PartyIdentification>"
        )
    if party.trading_name is not None:
        leaf(out, t, I4, "cbc:Name", party.trading_name, f"{I3}<cac:PartyName>")
        out.append(f"{I3}</cac:PartyName>")
    _address(out, t, I3, "cac:PostalAddress", party.address)
    if party.vat_id is not None:
        _tax_scheme(out, t, I3, party.vat_id, VAT_SCHEME)
    if party.tax_registration_id is not None:
        _tax_scheme(out, t, I3, party.tax_registration_id, TAX_REGISTRATION_SCHEME)
    leaf(out, t, I4, "cbc:RegistrationName", party.name, f"{I3}<cac:PartyLegalEntity>")
    legal = party.legal_registration_id
    if legal is not None:
        ident(out, t, I4, "cbc:CompanyID", legal.value, legal.scheme)
    opt(out, t, I4, "cbc:CompanyLegalForm", party.additional_legal_info)
    out.append(f"{I3}</cac:PartyLegalEntity>")
    contact = party.contact
    if contact is not None:
        start = len(out)
        out.append(f"{I3}<cac:Contact>")
        opt(out, t, I4, "cbc:Name", contact.name)
        opt(out, t, I4, "cbc:Telephone", contact.telephone)
        opt(out, t, I4, "cbc:ElectronicMail", contact.email)
        close(out, start, I3, "cac:Contact")
    out.append(f"{I2}</cac:Party>{I1}</{name}>")


def parties(invoice: Invoice, out: list[str], t: list[Any]) -> None:
    creditor = next(
        (
            p.direct_debit.creditor_reference
            for p in invoice.payment_instructions
            if p.direct_debit is not None and p.direct_debit.creditor_reference is not None
        ),
        None,
    )
    payee = invoice.payee
    _party(out, t, "cac:AccountingSupplierParty", invoice.seller, creditor if payee is None else None)
    _party(out, t, "cac:AccountingCustomerParty", invoice.buyer, None)
    if payee is not None:
        out.append(f"{I1}<cac:PayeeParty>")
        if payee.identifier is not None:
            out.append(f"{I2}<cac:PartyIdentification>")
            ident(out, t, I3, "cbc:ID", payee.identifier.value, payee.identifier.scheme)
            out.append(f"{I2}</cac:PartyIdentification>")
        if creditor is not None:
            t.append(creditor)
            out.append(
                f'{I2}<cac:PartyIdentification>{I3}<cbc:ID schemeID="SEPA">{creditor}</cbc:ID>'
                f"{I2}</cac:PartyIdentification>"
            )
        leaf(out, t, I3, "cbc:Name", payee.name, f"{I2}<cac:PartyName>")
        out.append(f"{I2}</cac:PartyName>")
        if payee.legal_registration_id is not None:
            out.append(f"{I2}<cac:PartyLegalEntity>")
            ident(
                out,
                t,
                I3,
                "cbc:CompanyID",
                payee.legal_registration_id.value,
                payee.legal_registration_id.scheme,
            )
            out.append(f"{I2}</cac:PartyLegalEntity>")
        out.append(f"{I1}</cac:PayeeParty>")
    representative = invoice.tax_representative
    if representative is not None:
        leaf(
            out,
            t,
            I3,
            "cbc:Name",
            representative.name,
            f"{I1}<cac:TaxRepresentativeParty>{I2}<cac:PartyName>",
        )
        out.append(f"{I2}</cac:PartyName>")
        _address(out, t, I2, "cac:PostalAddress", representative.address)
        _tax_scheme(out, t, I2, representative.vat_id, VAT_SCHEME)
        out.append(f"{I1}</cac:TaxRepresentativeParty>")
    delivery = invoice.delivery
    if delivery is not None:
        start = len(out)
        out.append(f"{I1}<cac:Delivery>")
        date = delivery.actual_delivery_date
        if date is not None:
            leaf(out, t, I2, "cbc:ActualDeliveryDate", date.isoformat())
        if delivery.location_id is not None or delivery.address is not None:
            out.append(f"{I2}<cac:DeliveryLocation>")
            if delivery.location_id is not None:
                ident(out, t, I3, "cbc:ID", delivery.location_id.value, delivery.location_id.scheme)
            if delivery.address is not None:
                _address(out, t, I3, "cac:Address", delivery.address)
            out.append(f"{I2}</cac:DeliveryLocation>")
        if delivery.party_name is not None:
            leaf(
                out,
                t,
                I4,
                "cbc:Name",
                delivery.party_name,
                f"{I2}<cac:DeliveryParty>{I3}<cac:PartyName>",
            )
            out.append(f"{I3}</cac:PartyName>{I2}</cac:DeliveryParty>")
        close(out, start, I1, "cac:Delivery")
