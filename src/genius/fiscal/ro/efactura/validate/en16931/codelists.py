"""EN 16931 code list rules BR-CL-01..26 of ANAF's copy; the code values live in ``data/en16931/*.csv``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_allowance, is_charge
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet

RULES = RuleSet("en16931.codelists")


@dataclass(frozen=True, slots=True)
class CodeList:
    """One code list; ``raw`` is the schematron's ``' A B C '`` string the tests search in."""

    name: str
    codes: tuple[str, ...]
    raw: str

    def has_token(self, value: str) -> bool:
        """``not(contains(v, ' ')) and contains(' A B C ', concat(' ', v, ' '))``."""
        return " " not in value and f" {value} " in self.raw

    def contains(self, value: str) -> bool:
        """``contains(' A B C ', value)``: plain substring search (BR-CL-08, BR-CO-09)."""
        return value in self.raw


@cache
def code_list(name: str) -> CodeList:
    """Load ``data/en16931/<name>.csv`` (column ``code``) once."""
    resource = files("genius.fiscal.ro.efactura").joinpath("data", "en16931", f"{name}.csv")
    with resource.open(encoding="utf-8") as handle:
        codes = tuple(row["code"] for row in csv.DictReader(handle))
    if not codes:
        raise ValueError(f"code list {name} is empty")
    return CodeList(name, codes, " " + " ".join(codes) + " ")


def vat_id_prefixes() -> CodeList:
    """BR-CO-09: ISO 3166 country codes plus EL (Greece's VAT prefix)."""
    countries = code_list("iso3166_countries")
    codes = (*countries.codes, "EL")
    return CodeList("vat_id_prefixes", codes, " " + " ".join(codes) + " ")


def _msg(rule_id: str, what_ro: str, what_en: str, list_name: str) -> Rule:
    return Rule(
        rule_id,
        "fatal",
        f"Valoarea „{{value}}” pentru {what_ro} nu este un cod din lista {list_name}: folosiți un cod valid.",
        f"The value '{{value}}' of {what_en} is not a code of the {list_name} list: use a valid code.",
    )


_RULES = (
    _msg("BR-CL-01", "tipul facturii (BT-3)", "the Invoice type code (BT-3)", "UNCL 1001"),
    _msg("BR-CL-03", "atributul currencyID", "the currencyID attribute", "ISO 4217"),
    _msg("BR-CL-04", "moneda facturii (BT-5)", "the Invoice currency code (BT-5)", "ISO 4217"),
    _msg(
        "BR-CL-05",
        "moneda de contabilizare a TVA (BT-6)",
        "the VAT accounting currency code (BT-6)",
        "ISO 4217",
    ),
    _msg(
        "BR-CL-06",
        "codul datei exigibilității TVA (BT-8)",
        "the Value added tax point date code (BT-8)",
        "UNCL 2005 (3, 35, 432)",
    ),
    _msg(
        "BR-CL-07",
        "schema identificatorului obiectului facturat (BT-18, schemeID)",
        "the scheme of the Invoiced object identifier (BT-18, schemeID)",
        "UNCL 1153",
    ),
    _msg(
        "BR-CL-10",
        "schema identificatorului de parte (schemeID)",
        "the party identifier scheme (schemeID)",
        "ISO 6523 ICD (SEPA only for the seller or payee)",
    ),
    _msg(
        "BR-CL-11",
        "schema identificatorului de înregistrare legală (schemeID)",
        "the legal registration identifier scheme (schemeID)",
        "ISO 6523 ICD",
    ),
    _msg(
        "BR-CL-13",
        "schema clasificării articolului (BT-158, listID)",
        "the Item classification scheme (BT-158, listID)",
        "UNCL 7143",
    ),
    _msg("BR-CL-14", "codul țării", "the country code", "ISO 3166-1 alpha-2"),
    _msg(
        "BR-CL-15",
        "țara de origine a articolului (BT-159)",
        "the Item country of origin (BT-159)",
        "ISO 3166-1 alpha-2",
    ),
    _msg(
        "BR-CL-16",
        "codul instrumentului de plată (BT-81)",
        "the Payment means type code (BT-81)",
        "UNCL 4461",
    ),
    _msg("BR-CL-17", "codul categoriei de TVA", "the VAT category code", "UNCL 5305"),
    _msg(
        "BR-CL-18",
        "codul categoriei de TVA a articolului (BT-151)",
        "the Invoiced item VAT category code (BT-151)",
        "UNCL 5305",
    ),
    _msg(
        "BR-CL-19",
        "codul motivului deducerii (BT-98, BT-140)",
        "the allowance reason code (BT-98, BT-140)",
        "UNCL 5189",
    ),
    _msg(
        "BR-CL-20",
        "codul motivului taxei suplimentare (BT-105, BT-145)",
        "the charge reason code (BT-105, BT-145)",
        "UNCL 7161",
    ),
    _msg(
        "BR-CL-21",
        "schema identificatorului standard al articolului (BT-157, schemeID)",
        "the Item standard identifier scheme (BT-157, schemeID)",
        "ISO 6523 ICD",
    ),
    _msg(
        "BR-CL-22",
        "codul motivului scutirii de TVA (BT-121)",
        "the VAT exemption reason code (BT-121)",
        "VATEX",
    ),
    _msg("BR-CL-23", "unitatea de măsură (unitCode)", "the unit of measure (unitCode)", "UN/ECE Rec 20/21"),
    _msg(
        "BR-CL-24",
        "tipul MIME al documentului atașat (mimeCode)",
        "the attached document MIME code (mimeCode)",
        "application/pdf, image/png, image/jpeg, text/csv, xlsx, ods",
    ),
    _msg(
        "BR-CL-25",
        "schema adresei electronice (BT-34, BT-49, schemeID)",
        "the electronic address scheme (BT-34, BT-49, schemeID)",
        "CEF EAS",
    ),
    _msg(
        "BR-CL-26",
        "schema identificatorului locului de livrare (BT-71, schemeID)",
        "the Deliver to location identifier scheme (BT-71, schemeID)",
        "ISO 6523 ICD",
    ),
)


def _parent_is(node: Node, name: str) -> bool:
    return node.parent is not None and node.parent.name == name


def _text_checks(doc: UblDocument) -> Iterator[tuple[str, Node, str, CodeList]]:
    """(rule, node, value to look up, list) for the rules that test an element's text."""
    invoice_types = code_list("uncl1001_invoice_types")
    currencies = code_list("iso4217_currencies")
    countries = code_list("iso3166_countries")
    categories = code_list("uncl5305_vat_categories")
    for node in doc.all("cbc:InvoiceTypeCode"):
        yield "BR-CL-01", node, node.norm, invoice_types
    for node in doc.all("cbc:CreditNoteTypeCode"):
        yield "BR-CL-01", node, node.norm, code_list("uncl1001_credit_note_types")
    for node in doc.all("cbc:DocumentCurrencyCode"):
        yield "BR-CL-04", node, node.norm, currencies
    for node in doc.all("cbc:TaxCurrencyCode"):
        yield "BR-CL-05", node, node.norm, currencies
    for node in doc.all("cbc:DescriptionCode"):
        if _parent_is(node, "cac:InvoicePeriod"):
            yield "BR-CL-06", node, node.norm, code_list("uncl2005_vat_date_codes")
    for node in doc.all("cbc:IdentificationCode"):
        if _parent_is(node, "cac:Country"):
            yield "BR-CL-14", node, node.norm, countries
        elif _parent_is(node, "cac:OriginCountry"):
            yield "BR-CL-15", node, node.norm, countries
    for node in doc.all("cbc:PaymentMeansCode"):
        if _parent_is(node, "cac:PaymentMeans"):
            yield "BR-CL-16", node, node.norm, code_list("uncl4461_payment_means")
    for node in doc.all("cbc:ID"):
        if _parent_is(node, "cac:TaxCategory"):
            yield "BR-CL-17", node, node.norm, categories
        elif _parent_is(node, "cac:ClassifiedTaxCategory"):
            yield "BR-CL-18", node, node.norm, categories
    for node in doc.all("cbc:AllowanceChargeReasonCode"):
        charge = node.parent
        if charge is not None and charge.name == "cac:AllowanceCharge":
            if is_allowance(charge):
                yield "BR-CL-19", node, node.norm, code_list("uncl5189_allowance_reasons")
            elif is_charge(charge):
                yield "BR-CL-20", node, node.norm, code_list("uncl7161_charge_reasons")


# (rule, element name, required parent names or None, attribute) for the scheme/list attribute rules.
_ATTRIBUTE_CHECKS = (
    ("BR-CL-10", "cbc:ID", ("cac:PartyIdentification",), "schemeID", "iso6523_icd"),
    ("BR-CL-11", "cbc:CompanyID", ("cac:PartyLegalEntity",), "schemeID", "iso6523_icd"),
    (
        "BR-CL-13",
        "cbc:ItemClassificationCode",
        ("cac:CommodityClassification",),
        "listID",
        "uncl7143_item_classification",
    ),
    ("BR-CL-21", "cbc:ID", ("cac:StandardItemIdentification",), "schemeID", "iso6523_icd"),
    ("BR-CL-25", "cbc:EndpointID", None, "schemeID", "eas_endpoint_schemes"),
    ("BR-CL-26", "cbc:ID", ("cac:DeliveryLocation",), "schemeID", "iso6523_icd"),
)


@RULES.group(_RULES)
def code_lists(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    for rule_id, node, value, codes in _text_checks(doc):
        if not codes.has_token(value):
            yield rule_id, Hit(node, {"value": node.text})
    for node, value in doc.attributes("currencyID"):
        if not code_list("iso4217_currencies").has_token(normalize_space(value)):
            yield "BR-CL-03", Hit(node, {"value": value}, attribute="currencyID")
    for node in doc.all("cbc:ID"):
        scheme = node.attr("schemeID")
        parent = node.parent
        if (
            scheme is None
            or parent is None
            or parent.name not in ("cac:AdditionalDocumentReference", "cac:DocumentReference")
        ):
            continue
        if any(c.text == "130" for c in parent.kids("cbc:DocumentTypeCode")) and not code_list(
            "uncl1153_reference_qualifiers"
        ).has_token(normalize_space(scheme)):
            yield "BR-CL-07", Hit(node, {"value": scheme}, attribute="schemeID")
    for rule_id, name, parents, attribute, list_name in _ATTRIBUTE_CHECKS:
        for node in doc.all(name):
            value = node.attr(attribute)
            if value is None or (parents is not None and not (node.parent and node.parent.name in parents)):
                continue
            scheme = normalize_space(value)
            if code_list(list_name).has_token(scheme):
                continue
            # BR-CL-10: SEPA (creditor id) is also allowed for the seller and the payee.
            if (
                rule_id == "BR-CL-10"
                and scheme == "SEPA"
                and any(a.name in ("cac:AccountingSupplierParty", "cac:PayeeParty") for a in node.ancestors())
            ):
                continue
            yield rule_id, Hit(node, {"value": value}, attribute=attribute)
    exemptions = code_list("vatex_exemption_reasons")
    for node in doc.all("cbc:TaxExemptionReasonCode"):
        # BR-CL-22 looks the code up upper-cased: vatex-eu-o is accepted.
        if " " in node.norm or not exemptions.has_token(normalize_space(node.text.upper())):
            yield "BR-CL-22", Hit(node, {"value": node.text})
    units = code_list("unece_rec20_rec21_units")
    for node, value in doc.attributes("unitCode"):
        if not units.has_token(normalize_space(value)):
            yield "BR-CL-23", Hit(node, {"value": value}, attribute="unitCode")
    mimes = code_list("mime_codes").codes
    for node in doc.all("cbc:EmbeddedDocumentBinaryObject"):
        mime = node.attr("mimeCode")
        if mime is not None and mime not in mimes:
            yield "BR-CL-24", Hit(node, {"value": mime}, attribute="mimeCode")


@RULES.rule(
    "BR-CL-08",
    "fatal",
    ro="Codul de subiect „#{value}#” din nota facturii (BT-22) nu este în lista UNCL 4451: folosiți un cod "
    "valid (de ex. #AAI#) sau scrieți nota fără #...#.",
    en="The subject code '#{value}#' in the Invoice note (BT-22) is not in UNCL 4451: use a valid code (e.g. "
    "#AAI#) or write the note without #...#.",
)
def br_cl_08(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    subjects = code_list("uncl4451_note_subjects")
    for note in doc.root.kids("cbc:Note"):
        text = note.string_value
        _, hash1, after = text.partition("#")
        if not hash1:
            continue
        subject, hash2, _ = after.partition("#")
        subject = subject if hash2 else ""  # substring-before gives '' without a second '#'
        if len(subject) == 3 and not subjects.contains(subject):
            yield Hit(note, {"value": subject})
