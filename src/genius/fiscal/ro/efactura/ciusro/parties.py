"""CIUS-RO / EN 16931 checks of the parties: names, addresses, county codes, sectors, tax identifiers."""

from __future__ import annotations

from stdnum.ro import cf as ro_cf

from genius.fiscal.ro.efactura.ciusro.codes import (
    BUCHAREST,
    BUCHAREST_SECTORS,
    BUYER_ADDRESS,
    DELIVERY_ADDRESS,
    RO_COUNTY_CODES,
    SELLER_ADDRESS,
    TAX_REPRESENTATIVE_ADDRESS,
    TAXABLE_CATEGORIES,
    VAT_PREFIX,
    AddressRules,
)
from genius.fiscal.ro.efactura.ciusro.problems import Problems, blank
from genius.fiscal.ro.efactura.model import Address, Contact, Invoice, Party


def check_address(problems: Problems, address: Address, path: str, rules: AddressRules) -> None:
    problems.max_len(address.street, f"{path}.street", 150, rules.street_len)
    problems.max_len(address.additional_street, f"{path}.additional_street", 100, rules.additional_len)
    problems.max_len(address.address_line_3, f"{path}.address_line_3", 100, rules.line3_len)
    problems.max_len(address.city, f"{path}.city", 50, rules.city_len)
    problems.max_len(address.postal_code, f"{path}.postal_code", 20, rules.postcode_len)
    if rules.street_required and blank(address.street):
        problems.add(f"{path}.street", rules.street_required, "the street (address line 1) is required")
    if rules.city_required and blank(address.city):
        problems.add(f"{path}.city", rules.city_required, "the city is required")
    if rules.subdivision_required and blank(address.country_subdivision):
        problems.add(
            f"{path}.country_subdivision", rules.subdivision_required, "the country subdivision is required"
        )
    if address.country_code != "RO":
        return
    subdivision = (address.country_subdivision or "").strip()
    if subdivision not in RO_COUNTY_CODES:
        problems.add(
            f"{path}.country_subdivision",
            rules.county,
            f"a Romanian address needs an ISO 3166-2:RO county code (RO-CJ, RO-B, ...), got {subdivision!r}",
        )
    elif subdivision == BUCHAREST and (address.city or "").strip() not in BUCHAREST_SECTORS:
        problems.add(
            f"{path}.city",
            rules.sector,
            f"a Bucharest (RO-B) address needs the city SECTOR1..SECTOR6, got {address.city!r}",
        )


def check_contact(
    problems: Problems, contact: Contact | None, path: str, rules: tuple[str, str, str]
) -> None:
    if contact is None:
        return
    problems.max_len(contact.name, f"{path}.name", 100, rules[0])
    problems.max_len(contact.telephone, f"{path}.telephone", 100, rules[1])
    problems.max_len(contact.email, f"{path}.email", 100, rules[2])


def check_vat_id(problems: Problems, vat_id: str | None, path: str) -> None:
    if vat_id is None:
        return
    if not VAT_PREFIX.match(vat_id):
        problems.add(
            path, "BR-CO-09", f"a VAT identifier starts with its country code (e.g. RO, DE), got {vat_id!r}"
        )
    elif vat_id.startswith("RO") and not ro_cf.is_valid(vat_id[2:]):
        # A Romanian VAT code is "RO" + the CUI (2-10 digits ending in its check digit).
        problems.add(path, "RO-CUI", f"{vat_id!r} is not RO followed by a valid CUI (check digit)")


def check_party(problems: Problems, party: Party, path: str, *, seller: bool) -> None:
    name_rule, trading_rule = ("BR-RO-L201", "BR-RO-L202") if seller else ("BR-RO-L203", "BR-RO-L204")
    problems.max_len(party.name, f"{path}.name", 200, name_rule)
    problems.max_len(party.trading_name, f"{path}.trading_name", 200, trading_rule)
    if seller:
        problems.max_len(party.additional_legal_info, f"{path}.additional_legal_info", 1000, "BR-RO-L1000")
    else:
        # EN 16931 has no buyer tax registration id nor buyer legal info (BT-32/BT-33 are seller-only).
        if party.tax_registration_id is not None:
            problems.add(
                f"{path}.tax_registration_id",
                "EN16931",
                "only the seller has a tax registration id "
                "(BT-32); give the buyer's CUI/CNP as legal_registration_id (BT-47)",
            )
        if party.additional_legal_info is not None:
            problems.add(
                f"{path}.additional_legal_info",
                "EN16931",
                "only the seller has additional legal info (BT-33)",
            )
        if len(party.identifiers) > 1:
            problems.add(f"{path}.identifiers", "EN16931", "the buyer has at most one identifier (BT-46)")
    check_vat_id(problems, party.vat_id, f"{path}.vat_id")
    if party.electronic_address is not None and blank(party.electronic_address.scheme):
        problems.add(
            f"{path}.electronic_address.scheme",
            "BR-62" if seller else "BR-63",
            "an electronic address needs its scheme (e.g. EM for e-mail, 9947 for a RO CUI)",
        )
    address_rules = SELLER_ADDRESS if seller else BUYER_ADDRESS
    check_address(problems, party.address, f"{path}.address", address_rules)
    contact_rules = (
        ("BR-RO-L1004", "BR-RO-L1005", "BR-RO-L1006")
        if seller
        else ("BR-RO-L1009", "BR-RO-L1010", "BR-RO-L1011")
    )
    check_contact(problems, party.contact, f"{path}.contact", contact_rules)


def check_other_parties(problems: Problems, invoice: Invoice) -> None:
    if invoice.payee is not None:
        problems.max_len(invoice.payee.name, "payee.name", 200, "BR-RO-L205")
    representative = invoice.tax_representative
    if representative is not None:
        problems.max_len(representative.name, "tax_representative.name", 200, "BR-RO-L206")
        check_vat_id(problems, representative.vat_id, "tax_representative.vat_id")
        check_address(
            problems, representative.address, "tax_representative.address", TAX_REPRESENTATIVE_ADDRESS
        )
    delivery = invoice.delivery
    if delivery is not None:
        problems.max_len(delivery.party_name, "delivery.party_name", 200, "BR-RO-L207")
        if delivery.address is not None:
            check_address(problems, delivery.address, "delivery.address", DELIVERY_ADDRESS)


def check_tax_identifiers(problems: Problems, invoice: Invoice) -> None:
    if not categories(invoice) & TAXABLE_CATEGORIES:
        return
    seller = invoice.seller
    if blank(seller.vat_id) and blank(seller.tax_registration_id) and invoice.tax_representative is None:
        problems.add(
            "seller.vat_id",
            "BR-RO-065",
            "the seller needs a VAT id (BT-31) or tax registration id "
            "(BT-32), or a tax representative (BT-63)",
        )
    buyer = invoice.buyer
    if blank(buyer.vat_id) and buyer.legal_registration_id is None:
        problems.add(
            "buyer.legal_registration_id",
            "BR-RO-120",
            "the buyer needs a legal registration id (BT-47: CUI, or CNP for a person) or a VAT id (BT-48)",
        )


def categories(invoice: Invoice) -> set[str]:
    found = {line.item.vat_category for line in invoice.lines}
    found.update(a.vat_category for a in invoice.allowances)
    found.update(c.vat_category for c in invoice.charges)
    return found
