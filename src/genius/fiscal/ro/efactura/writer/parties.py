"""UBL parties of the builder: seller, buyer, payee, tax representative, delivery (BG-4..BG-15)."""

from __future__ import annotations

from genius.fiscal.ro.efactura.model import Address, Invoice, Party
from genius.fiscal.ro.efactura.writer.elements import (
    TAX_REGISTRATION_SCHEME,
    VAT_SCHEME,
    el,
    identifier_el,
    iso_date,
    opt,
)
from genius.fiscal.ro.efactura.writer.tree import UblElement


def address_el(parent: UblElement, name: str, address: Address) -> None:
    element = el(parent, name)
    opt(element, "cbc:StreetName", address.street)
    opt(element, "cbc:AdditionalStreetName", address.additional_street)
    opt(element, "cbc:CityName", address.city)
    opt(element, "cbc:PostalZone", address.postal_code)
    opt(element, "cbc:CountrySubentity", address.country_subdivision)
    if address.address_line_3 is not None:
        el(el(element, "cac:AddressLine"), "cbc:Line", address.address_line_3)
    el(el(element, "cac:Country"), "cbc:IdentificationCode", address.country_code)


def tax_scheme_el(parent: UblElement, company_id: str, scheme: str) -> None:
    element = el(parent, "cac:PartyTaxScheme")
    el(element, "cbc:CompanyID", company_id)
    el(el(element, "cac:TaxScheme"), "cbc:ID", scheme)


def party_el(parent: UblElement, name: str, party: Party, creditor_reference: str | None) -> None:
    element = el(el(parent, name), "cac:Party")
    identifier_el(element, "cbc:EndpointID", party.electronic_address)  # BT-34 / BT-49
    for ident in party.identifiers:  # BT-29 / BT-46
        identifier_el(el(element, "cac:PartyIdentification"), "cbc:ID", ident)
    if creditor_reference is not None:  # BT-90 rides in the seller's identification, scheme SEPA
        el(el(element, "cac:PartyIdentification"), "cbc:ID", creditor_reference, schemeID="SEPA")
    if party.trading_name is not None:
        el(el(element, "cac:PartyName"), "cbc:Name", party.trading_name)  # BT-28 / BT-45
    address_el(element, "cac:PostalAddress", party.address)
    if party.vat_id is not None:
        tax_scheme_el(element, party.vat_id, VAT_SCHEME)  # BT-31 / BT-48
    if party.tax_registration_id is not None:
        tax_scheme_el(element, party.tax_registration_id, TAX_REGISTRATION_SCHEME)  # BT-32
    legal = el(element, "cac:PartyLegalEntity")
    el(legal, "cbc:RegistrationName", party.name)  # BT-27 / BT-44
    identifier_el(legal, "cbc:CompanyID", party.legal_registration_id)  # BT-30 / BT-47
    opt(legal, "cbc:CompanyLegalForm", party.additional_legal_info)  # BT-33
    if party.contact is not None:
        contact = el(element, "cac:Contact")
        opt(contact, "cbc:Name", party.contact.name)
        opt(contact, "cbc:Telephone", party.contact.telephone)
        opt(contact, "cbc:ElectronicMail", party.contact.email)


def parties_el(root: UblElement, invoice: Invoice) -> None:
    creditor = next(
        (
            p.direct_debit.creditor_reference
            for p in invoice.payment_instructions
            if p.direct_debit is not None and p.direct_debit.creditor_reference is not None
        ),
        None,
    )
    # BT-90 goes with the payee when there is one, otherwise with the seller (EN 16931-3-2).
    party_el(root, "cac:AccountingSupplierParty", invoice.seller, creditor if invoice.payee is None else None)
    party_el(root, "cac:AccountingCustomerParty", invoice.buyer, None)
    if invoice.payee is not None:
        payee = el(root, "cac:PayeeParty")
        if invoice.payee.identifier is not None:
            identifier_el(el(payee, "cac:PartyIdentification"), "cbc:ID", invoice.payee.identifier)  # BT-60
        if creditor is not None:
            el(el(payee, "cac:PartyIdentification"), "cbc:ID", creditor, schemeID="SEPA")
        el(el(payee, "cac:PartyName"), "cbc:Name", invoice.payee.name)  # BT-59
        if invoice.payee.legal_registration_id is not None:  # BT-61
            identifier_el(
                el(payee, "cac:PartyLegalEntity"), "cbc:CompanyID", invoice.payee.legal_registration_id
            )
    if invoice.tax_representative is not None:  # BG-11
        representative = el(root, "cac:TaxRepresentativeParty")
        el(el(representative, "cac:PartyName"), "cbc:Name", invoice.tax_representative.name)
        address_el(representative, "cac:PostalAddress", invoice.tax_representative.address)
        tax_scheme_el(representative, invoice.tax_representative.vat_id, VAT_SCHEME)
    if invoice.delivery is not None:  # BG-13
        delivery = el(root, "cac:Delivery")
        opt(delivery, "cbc:ActualDeliveryDate", iso_date(invoice.delivery.actual_delivery_date))
        if invoice.delivery.location_id is not None or invoice.delivery.address is not None:
            location = el(delivery, "cac:DeliveryLocation")
            identifier_el(location, "cbc:ID", invoice.delivery.location_id)
            if invoice.delivery.address is not None:
                address_el(location, "cac:Address", invoice.delivery.address)
        if invoice.delivery.party_name is not None:
            el(
                el(el(delivery, "cac:DeliveryParty"), "cac:PartyName"),
                "cbc:Name",
                invoice.delivery.party_name,
            )
