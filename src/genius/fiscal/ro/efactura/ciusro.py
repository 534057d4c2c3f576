"""CIUS-RO (ANAF's national rules, schematron 1.0.9) and the EN 16931 rules checkable on the model.

:func:`check_rules` refuses, before any XML is written, what ANAF would reject: text lengths
(BR-RO-L...), counts (BR-RO-A...), Romanian county codes and Bucharest sectors (BR-RO-100..212),
currency (BR-RO-030), document type (BR-RO-020), tax point date code (BR-RO-040), required
addresses and identifiers (BR-RO-065/080/090/120/140/150/180/201/211), plus the EN 16931 rules a
builder must respect (BR-CO-09 VAT id prefix, BR-CO-25 due date or payment terms, BR-62/63
electronic address scheme, BR-x-10 exemption reasons). Arithmetic is :mod:`.compute`'s job.

Lengths are counted after collapsing whitespace, as the schematron's ``normalize-space`` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stdnum.ro import cf as ro_cf

from genius.fiscal.ro.efactura.errors import RuleViolation
from genius.fiscal.ro.efactura.model import (
    Address,
    Contact,
    DocumentKind,
    Invoice,
    Party,
)
from genius.kernel.errors import FieldProblem

# ISO 3166-2:RO subdivision codes ANAF accepts (ISO-3166-RO-CODES in RO16931-rules.sch).
# fmt: off
RO_COUNTY_CODES = frozenset({
    "RO-AB", "RO-AG", "RO-AR", "RO-B", "RO-BC", "RO-BH", "RO-BN", "RO-BR", "RO-BT", "RO-BV",
    "RO-BZ", "RO-CJ", "RO-CL", "RO-CS", "RO-CT", "RO-CV", "RO-DB", "RO-DJ", "RO-GJ", "RO-GL",
    "RO-GR", "RO-HD", "RO-HR", "RO-IF", "RO-IL", "RO-IS", "RO-MH", "RO-MM", "RO-MS", "RO-NT",
    "RO-OT", "RO-PH", "RO-SB", "RO-SJ", "RO-SM", "RO-SV", "RO-TL", "RO-TM", "RO-TR", "RO-VL",
    "RO-VN", "RO-VS",
})
# fmt: on
# Bucharest (RO-B) addresses use the sector as city name (SECTOR-RO-CODES).
BUCHAREST = "RO-B"
BUCHAREST_SECTORS = frozenset(f"SECTOR{n}" for n in range(1, 7))
# BR-RO-020: Invoice type codes (BT-3) ANAF accepts for each UBL document.
ALLOWED_TYPE_CODES = {
    DocumentKind.INVOICE: frozenset({"380", "384", "389", "751"}),
    DocumentKind.CREDIT_NOTE: frozenset({"381"}),
}
# BR-RO-040: tax point date codes (BT-8), UNTDID 2005 restricted to 3, 35, 432.
ALLOWED_TAX_POINT_DATE_CODES = frozenset({"3", "35", "432"})
# Categories that make BR-RO-065 / BR-RO-120 ask for the parties' tax identifiers.
TAXABLE_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
# Categories that need a VAT exemption reason text or code (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10) and the ones that must not have one (BR-S-10, BR-Z-10, BR-IG-10, BR-IP-10).
EXEMPT_RULES = {"E": "BR-E-10", "AE": "BR-AE-10", "K": "BR-IC-10", "G": "BR-G-10", "O": "BR-O-10"}
NOT_EXEMPT_RULES = {"S": "BR-S-10", "Z": "BR-Z-10", "L": "BR-IG-10", "M": "BR-IP-10"}
# BR-CO-09: a VAT identifier starts with the ISO 3166-1 alpha-2 country code (Greece uses "EL").
VAT_PREFIX = re.compile(r"^[A-Z]{2}")

# CIUS-RO maxima (BR-RO-A...): notes, item attributes, attachments, preceding invoices.
MAX_NOTES = 20
MAX_ITEM_ATTRIBUTES = 50
MAX_ATTACHMENTS = 50
MAX_PRECEDING_INVOICES = 500


@dataclass(frozen=True)
class _AddressRules:
    """The rule ids that apply to one kind of address (seller, buyer, tax representative, delivery)."""

    street_len: str
    additional_len: str
    line3_len: str
    city_len: str
    postcode_len: str
    street_required: str | None
    city_required: str | None
    subdivision_required: str | None
    sector: str
    county: str


SELLER_ADDRESS = _AddressRules(
    "BR-RO-L151",
    "BR-RO-L1002",
    "BR-RO-L1003",
    "BR-RO-L0501",
    "BR-RO-L0201",
    "BR-RO-081",
    "BR-RO-091",
    None,
    "BR-RO-100",
    "BR-RO-110",
)
BUYER_ADDRESS = _AddressRules(
    "BR-RO-L152",
    "BR-RO-L1007",
    "BR-RO-L1008",
    "BR-RO-L0502",
    "BR-RO-L0202",
    "BR-RO-082",
    "BR-RO-092",
    None,
    "BR-RO-101",
    "BR-RO-111",
)
TAX_REPRESENTATIVE_ADDRESS = _AddressRules(
    "BR-RO-L153",
    "BR-RO-L1012",
    "BR-RO-L1013",
    "BR-RO-L0503",
    "BR-RO-L0203",
    "BR-RO-140",
    "BR-RO-150",
    None,
    "BR-RO-160",
    "BR-RO-170",
)
DELIVERY_ADDRESS = _AddressRules(
    "BR-RO-L154",
    "BR-RO-L1014",
    "BR-RO-L1015",
    "BR-RO-L0504",
    "BR-RO-L0204",
    "BR-RO-180",
    "BR-RO-201",
    "BR-RO-211",
    "BR-RO-202",
    "BR-RO-212",
)


@dataclass
class _Problems:
    items: list[FieldProblem] = field(default_factory=list)

    def add(self, path: str, rule: str, message: str) -> None:
        self.items.append(FieldProblem(path, rule, f"{rule} {message}"))

    def max_len(self, value: str | None, path: str, limit: int, rule: str) -> None:
        if value is None:
            return
        length = len(" ".join(value.split()))  # the schematron measures normalize-space(.)
        if length > limit:
            self.add(path, rule, f"allows at most {limit} characters, got {length}")

    def max_count(self, values: Iterable[object], path: str, limit: int, rule: str) -> None:
        count = len(list(values))
        if count > limit:
            self.add(path, rule, f"allows at most {limit} entries, got {count}")


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def _check_address(problems: _Problems, address: Address, path: str, rules: _AddressRules) -> None:
    problems.max_len(address.street, f"{path}.street", 150, rules.street_len)
    problems.max_len(address.additional_street, f"{path}.additional_street", 100, rules.additional_len)
    problems.max_len(address.address_line_3, f"{path}.address_line_3", 100, rules.line3_len)
    problems.max_len(address.city, f"{path}.city", 50, rules.city_len)
    problems.max_len(address.postal_code, f"{path}.postal_code", 20, rules.postcode_len)
    if rules.street_required and _blank(address.street):
        problems.add(f"{path}.street", rules.street_required, "the street (address line 1) is required")
    if rules.city_required and _blank(address.city):
        problems.add(f"{path}.city", rules.city_required, "the city is required")
    if rules.subdivision_required and _blank(address.country_subdivision):
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


def _check_contact(
    problems: _Problems, contact: Contact | None, path: str, rules: tuple[str, str, str]
) -> None:
    if contact is None:
        return
    problems.max_len(contact.name, f"{path}.name", 100, rules[0])
    problems.max_len(contact.telephone, f"{path}.telephone", 100, rules[1])
    problems.max_len(contact.email, f"{path}.email", 100, rules[2])


def _check_vat_id(problems: _Problems, vat_id: str | None, path: str) -> None:
    if vat_id is None:
        return
    if not VAT_PREFIX.match(vat_id):
        problems.add(
            path, "BR-CO-09", f"a VAT identifier starts with its country code (e.g. RO, DE), got {vat_id!r}"
        )
    elif vat_id.startswith("RO") and not ro_cf.is_valid(vat_id[2:]):
        # A Romanian VAT code is "RO" + the CUI (2-10 digits ending in its check digit).
        problems.add(path, "RO-CUI", f"{vat_id!r} is not RO followed by a valid CUI (check digit)")


def _check_party(problems: _Problems, party: Party, path: str, *, seller: bool) -> None:
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
    _check_vat_id(problems, party.vat_id, f"{path}.vat_id")
    if party.electronic_address is not None and _blank(party.electronic_address.scheme):
        problems.add(
            f"{path}.electronic_address.scheme",
            "BR-62" if seller else "BR-63",
            "an electronic address needs its scheme (e.g. EM for e-mail, 9947 for a RO CUI)",
        )
    address_rules = SELLER_ADDRESS if seller else BUYER_ADDRESS
    _check_address(problems, party.address, f"{path}.address", address_rules)
    contact_rules = (
        ("BR-RO-L1004", "BR-RO-L1005", "BR-RO-L1006")
        if seller
        else ("BR-RO-L1009", "BR-RO-L1010", "BR-RO-L1011")
    )
    _check_contact(problems, party.contact, f"{path}.contact", contact_rules)


def _categories(invoice: Invoice) -> set[str]:
    found = {line.item.vat_category for line in invoice.lines}
    found.update(a.vat_category for a in invoice.allowances)
    found.update(c.vat_category for c in invoice.charges)
    return found


def _check_header(problems: _Problems, invoice: Invoice) -> None:
    problems.max_len(invoice.number, "number", 200, "BR-RO-L155")
    if not re.search(r"[0-9]", invoice.number):
        problems.add("number", "BR-RO-010", "the invoice number must contain at least one digit")
    allowed = ALLOWED_TYPE_CODES[invoice.document_kind]
    if invoice.type_code not in allowed:
        problems.add(
            "type_code",
            "BR-RO-020",
            f"a {invoice.document_kind.value} takes type code "
            f"{' or '.join(sorted(allowed))}, got {invoice.type_code!r}",
        )
    if invoice.currency != "RON" and invoice.vat_accounting_currency not in (None, "RON"):
        problems.add(
            "vat_accounting_currency",
            "BR-RO-030",
            f"must be RON when the invoice currency is {invoice.currency}",
        )
    if (
        invoice.tax_point_date_code is not None
        and invoice.tax_point_date_code not in ALLOWED_TAX_POINT_DATE_CODES
    ):
        problems.add(
            "tax_point_date_code", "BR-RO-040", f"must be 3, 35 or 432, got {invoice.tax_point_date_code!r}"
        )
    if invoice.tax_point_date is not None and invoice.tax_point_date_code is not None:
        problems.add(
            "tax_point_date_code", "BR-CO-03", "give the tax point date (BT-7) or its code (BT-8), not both"
        )
    for name, rule in (
        ("contract_reference", "BR-RO-L0302"),
        ("purchase_order_reference", "BR-RO-L0303"),
        ("sales_order_reference", "BR-RO-L0304"),
        ("receiving_advice_reference", "BR-RO-L0305"),
        ("despatch_advice_reference", "BR-RO-L0306"),
        ("tender_or_lot_reference", "BR-RO-L0307"),
    ):
        problems.max_len(getattr(invoice, name), name, 200, rule)
    if invoice.invoiced_object_id is not None:
        problems.max_len(invoice.invoiced_object_id.value, "invoiced_object_id.value", 200, "BR-RO-L0308")
    problems.max_len(invoice.buyer_accounting_reference, "buyer_accounting_reference", 100, "BR-RO-L1001")
    problems.max_len(invoice.payment_terms, "payment_terms", 300, "BR-RO-L301")
    problems.max_count(invoice.notes, "notes", MAX_NOTES, "BR-RO-A020")
    for index, note in enumerate(invoice.notes):
        problems.max_len(note.text, f"notes[{index}].text", 300, "BR-RO-L302")
    problems.max_count(invoice.preceding_invoices, "preceding_invoices", MAX_PRECEDING_INVOICES, "BR-RO-A500")
    for index, ref in enumerate(invoice.preceding_invoices):
        problems.max_len(ref.number, f"preceding_invoices[{index}].number", 200, "BR-RO-L156")
    payable = invoice.totals.payable_amount
    if payable is not None and payable > 0 and invoice.due_date is None and _blank(invoice.payment_terms):
        # ANAF's bundled EN 16931 rules still enforce BR-CO-25.
        problems.add(
            "due_date", "BR-CO-25", "an invoice with an amount due needs a due date or payment terms"
        )


def _check_other_parties(problems: _Problems, invoice: Invoice) -> None:
    if invoice.payee is not None:
        problems.max_len(invoice.payee.name, "payee.name", 200, "BR-RO-L205")
    representative = invoice.tax_representative
    if representative is not None:
        problems.max_len(representative.name, "tax_representative.name", 200, "BR-RO-L206")
        _check_vat_id(problems, representative.vat_id, "tax_representative.vat_id")
        _check_address(
            problems, representative.address, "tax_representative.address", TAX_REPRESENTATIVE_ADDRESS
        )
    delivery = invoice.delivery
    if delivery is not None:
        problems.max_len(delivery.party_name, "delivery.party_name", 200, "BR-RO-L207")
        if delivery.address is not None:
            _check_address(problems, delivery.address, "delivery.address", DELIVERY_ADDRESS)


def _check_tax_identifiers(problems: _Problems, invoice: Invoice) -> None:
    if not _categories(invoice) & TAXABLE_CATEGORIES:
        return
    seller = invoice.seller
    if _blank(seller.vat_id) and _blank(seller.tax_registration_id) and invoice.tax_representative is None:
        problems.add(
            "seller.vat_id",
            "BR-RO-065",
            "the seller needs a VAT id (BT-31) or tax registration id "
            "(BT-32), or a tax representative (BT-63)",
        )
    buyer = invoice.buyer
    if _blank(buyer.vat_id) and buyer.legal_registration_id is None:
        problems.add(
            "buyer.legal_registration_id",
            "BR-RO-120",
            "the buyer needs a legal registration id (BT-47: CUI, or CNP for a person) or a VAT id (BT-48)",
        )


def _check_payment(problems: _Problems, invoice: Invoice) -> None:
    for index, means in enumerate(invoice.payment_instructions):
        path = f"payment_instructions[{index}]"
        problems.max_len(means.means_text, f"{path}.means_text", 100, "BR-RO-L1016")
        problems.max_len(means.remittance_information, f"{path}.remittance_information", 140, "BR-RO-L140")
        for account_index, account in enumerate(means.credit_transfers):
            problems.max_len(
                account.account_name,
                f"{path}.credit_transfers[{account_index}].account_name",
                200,
                "BR-RO-L208",
            )
        if means.card is not None:
            problems.max_len(means.card.holder_name, f"{path}.card.holder_name", 200, "BR-RO-L209")
    # EN 16931 has one BG-16 per invoice; UBL-SR-44/46/47/54/55 hold the UBL blocks to that.
    instructions = invoice.payment_instructions
    for attr, rule, what in (
        ("means_code", "UBL-SR-47", "payment means code (BT-81)"),
        ("means_text", "UBL-SR-46", "payment means text (BT-82)"),
        ("remittance_information", "UBL-SR-44", "remittance information (BT-83)"),
    ):
        distinct = {getattr(m, attr) for m in instructions if getattr(m, attr) is not None}
        if len(distinct) > 1:
            problems.add(
                f"payment_instructions[1].{attr}", rule, f"an invoice has one {what}, got {len(distinct)}"
            )
    if sum(m.card is not None for m in instructions) > 1:
        problems.add("payment_instructions", "UBL-SR-54", "an invoice has at most one payment card (BG-18)")
    if sum(m.direct_debit is not None for m in instructions) > 1:
        problems.add("payment_instructions", "UBL-SR-55", "an invoice has at most one direct debit (BG-19)")
    if invoice.is_credit_note and invoice.due_date is not None and not invoice.payment_instructions:
        # UBL CreditNote has no DueDate: BT-9 travels as PaymentMeans/PaymentDueDate.
        problems.add(
            "due_date",
            "UBL-CreditNote",
            "a credit note carries its due date inside a payment "
            "instruction; add payment_instructions or use payment_terms",
        )


def _check_allowances_and_vat(problems: _Problems, invoice: Invoice) -> None:
    for kind, items, rule in (
        ("allowances", invoice.allowances, "BR-RO-L1017"),
        ("charges", invoice.charges, "BR-RO-L1018"),
    ):
        for index, item in enumerate(items):
            problems.max_len(item.reason, f"{kind}[{index}].reason", 100, rule)
            problems.max_len(item.reason_code, f"{kind}[{index}].reason_code", 100, rule)
    for index, entry in enumerate(invoice.vat_breakdown):
        path = f"vat_breakdown[{index}]"
        problems.max_len(entry.exemption_reason, f"{path}.exemption_reason", 100, "BR-RO-L1019")
        has_reason = not _blank(entry.exemption_reason) or not _blank(entry.exemption_reason_code)
        if entry.category in EXEMPT_RULES and not has_reason:
            problems.add(
                path,
                EXEMPT_RULES[entry.category],
                f"category {entry.category} needs an exemption reason text or VATEX code",
            )
        if entry.category in NOT_EXEMPT_RULES and has_reason:
            problems.add(
                path, NOT_EXEMPT_RULES[entry.category], f"category {entry.category} takes no exemption reason"
            )
    problems.max_count(invoice.attachments, "attachments", MAX_ATTACHMENTS, "BR-RO-A051")
    for index, attachment in enumerate(invoice.attachments):
        path = f"attachments[{index}]"
        problems.max_len(attachment.reference, f"{path}.reference", 200, "BR-RO-L0308")
        problems.max_len(attachment.description, f"{path}.description", 100, "BR-RO-L1020")
        problems.max_len(attachment.external_uri, f"{path}.external_uri", 200, "BR-RO-L210")
        problems.max_len(attachment.filename, f"{path}.filename", 200, "BR-RO-L211")


def _check_lines(problems: _Problems, invoice: Invoice) -> None:
    for index, line in enumerate(invoice.lines):
        path = f"lines[{index}]"
        problems.max_len(line.note, f"{path}.note", 300, "BR-RO-L303")
        problems.max_len(line.accounting_reference, f"{path}.accounting_reference", 100, "BR-RO-L1021")
        problems.max_len(line.item.name, f"{path}.item.name", 100, "BR-RO-L1024")
        problems.max_len(line.item.description, f"{path}.item.description", 200, "BR-RO-L212")
        problems.max_count(line.item.attributes, f"{path}.item.attributes", MAX_ITEM_ATTRIBUTES, "BR-RO-A052")
        for attr_index, attribute in enumerate(line.item.attributes):
            attr_path = f"{path}.item.attributes[{attr_index}]"
            problems.max_len(attribute.name, f"{attr_path}.name", 50, "BR-RO-L0505")
            problems.max_len(attribute.value, f"{attr_path}.value", 100, "BR-RO-L1025")
        for kind, items, rule in (
            ("allowances", line.allowances, "BR-RO-L1022"),
            ("charges", line.charges, "BR-RO-L1023"),
        ):
            for item_index, item in enumerate(items):
                problems.max_len(item.reason, f"{path}.{kind}[{item_index}].reason", 100, rule)
        if line.item.standard_id is not None and _blank(line.item.standard_id.scheme):
            problems.add(
                f"{path}.item.standard_id.scheme", "BR-64", "an item standard identifier needs its scheme"
            )
        for class_index, classification in enumerate(line.item.classifications):
            if _blank(classification.list_id):
                problems.add(
                    f"{path}.item.classifications[{class_index}].list_id",
                    "BR-65",
                    "an item classification needs its list id (e.g. STI for CPV)",
                )


def rule_problems(invoice: Invoice) -> list[FieldProblem]:
    """Every CIUS-RO / EN 16931 rule the model breaks (empty when none); see :func:`check_rules`."""
    problems = _Problems()
    _check_header(problems, invoice)
    _check_party(problems, invoice.seller, "seller", seller=True)
    _check_party(problems, invoice.buyer, "buyer", seller=False)
    _check_other_parties(problems, invoice)
    _check_tax_identifiers(problems, invoice)
    _check_payment(problems, invoice)
    _check_allowances_and_vat(problems, invoice)
    _check_lines(problems, invoice)
    return problems.items


def check_rules(invoice: Invoice) -> None:
    """Refuse, with every broken rule named, an invoice ANAF would reject (run after compute)."""
    problems = rule_problems(invoice)
    if problems:
        raise RuleViolation.from_problems("the invoice breaks CIUS-RO / EN 16931 rules", problems)


__all__ = ["BUCHAREST_SECTORS", "RO_COUNTY_CODES", "check_rules", "rule_problems"]
