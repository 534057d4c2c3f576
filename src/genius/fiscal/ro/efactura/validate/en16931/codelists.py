"""EN 16931 code list rules BR-CL-01..26 of ANAF's copy; the code values live in ``data/en16931/*.csv``
(loaded by ``codelist_data.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, normalize_space
from genius.fiscal.ro.efactura.validate.en16931.codelist_data import CodeList, code_list
from genius.fiscal.ro.efactura.validate.en16931.codelist_data import vat_id_prefixes as vat_id_prefixes
from genius.fiscal.ro.efactura.validate.en16931.selectors import is_allowance, is_charge
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule, RuleSet

RULES = RuleSet("en16931.codelists")


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


# element -> (required parent or None, rule, code list, what is checked: "" = the text, else an attribute)
_CHECKS: dict[str, tuple[tuple[str | None, str, str, str], ...]] = {
    "cbc:InvoiceTypeCode": ((None, "BR-CL-01", "uncl1001_invoice_types", ""),),
    "cbc:CreditNoteTypeCode": ((None, "BR-CL-01", "uncl1001_credit_note_types", ""),),
    "cbc:DocumentCurrencyCode": ((None, "BR-CL-04", "iso4217_currencies", ""),),
    "cbc:TaxCurrencyCode": ((None, "BR-CL-05", "iso4217_currencies", ""),),
    "cbc:DescriptionCode": (("cac:InvoicePeriod", "BR-CL-06", "uncl2005_vat_date_codes", ""),),
    "cbc:IdentificationCode": (
        ("cac:Country", "BR-CL-14", "iso3166_countries", ""),
        ("cac:OriginCountry", "BR-CL-15", "iso3166_countries", ""),
    ),
    "cbc:PaymentMeansCode": (("cac:PaymentMeans", "BR-CL-16", "uncl4461_payment_means", ""),),
    "cbc:ID": (
        ("cac:TaxCategory", "BR-CL-17", "uncl5305_vat_categories", ""),
        ("cac:ClassifiedTaxCategory", "BR-CL-18", "uncl5305_vat_categories", ""),
        ("cac:PartyIdentification", "BR-CL-10", "iso6523_icd", "schemeID"),
        ("cac:StandardItemIdentification", "BR-CL-21", "iso6523_icd", "schemeID"),
        ("cac:DeliveryLocation", "BR-CL-26", "iso6523_icd", "schemeID"),
    ),
    "cbc:CompanyID": (("cac:PartyLegalEntity", "BR-CL-11", "iso6523_icd", "schemeID"),),
    "cbc:ItemClassificationCode": (
        ("cac:CommodityClassification", "BR-CL-13", "uncl7143_item_classification", "listID"),
    ),
    "cbc:EndpointID": ((None, "BR-CL-25", "eas_endpoint_schemes", "schemeID"),),
}
_REFERENCES = ("cac:AdditionalDocumentReference", "cac:DocumentReference")


def _sepa_allowed(node: Node, scheme: str) -> bool:
    """BR-CL-10: SEPA (bank assigned creditor id) is also allowed for the seller and the payee."""
    return scheme == "SEPA" and any(
        a.name in ("cac:AccountingSupplierParty", "cac:PayeeParty") for a in node.ancestors()
    )


# _CHECKS by element and then by its parent's name (None: any parent), so a node meets only the
# checks that apply to it; order within a node as in _CHECKS.
_Check = tuple[str, str, str]  # (rule, code list, what is checked)
_BY_PARENT: dict[str, tuple[dict[str, tuple[_Check, ...]], tuple[_Check, ...]]] = {}
for _name, _checks in _CHECKS.items():
    _parents: dict[str, list[_Check]] = {}
    for _required, _rule_id, _list_name, _what in _checks:
        if _required is not None:
            _parents.setdefault(_required, []).append((_rule_id, _list_name, _what))
    assert all(r is not None for r, *_ in _checks) or all(r is None for r, *_ in _checks)
    _BY_PARENT[_name] = (
        {parent: tuple(found) for parent, found in _parents.items()},
        tuple((r, ln, w) for req, r, ln, w in _checks if req is None),
    )


_BoundCheck = tuple[str, CodeList, str]  # (rule, loaded code list, what is checked)


def _bind(checks: tuple[_Check, ...]) -> tuple[_BoundCheck, ...]:
    return tuple((rule_id, code_list(list_name), what) for rule_id, list_name, what in checks)


@cache
def _bound() -> dict[str, tuple[dict[str, tuple[_BoundCheck, ...]], tuple[_BoundCheck, ...]]]:
    """_BY_PARENT with each code list loaded (one lookup per document, not per node)."""
    return {
        name: ({parent: _bind(found) for parent, found in by_parent.items()}, _bind(anywhere))
        for name, (by_parent, anywhere) in _BY_PARENT.items()
    }


# _CHECKS flattened for the pass test. Rows on the text: (required parent or None, element, codes).
_TextPlan = tuple[tuple[str | None, str, frozenset[str]], ...]
# Rows on an attribute: attribute -> element -> (codes wherever it is, or None; codes by its parent).
_AttributePlan = dict[str, dict[str, tuple[frozenset[str] | None, dict[str, frozenset[str]]]]]


@cache
def _text_plan() -> _TextPlan:
    return tuple(
        (required, name, code_list(list_name).tokens)
        for name, checks in _CHECKS.items()
        for required, _rule_id, list_name, what in checks
        if not what
    )


@cache
def _attribute_plan() -> _AttributePlan:
    plan: _AttributePlan = {}
    for name, checks in _CHECKS.items():
        for required, _rule_id, list_name, what in checks:
            if not what:
                continue
            anywhere, by_parent = plan.setdefault(what, {}).get(name, (None, {}))
            tokens = code_list(list_name).tokens
            if required is None:
                assert anywhere is None and not by_parent, f"{name}/@{what}: two rows"
                anywhere = tokens
            else:
                assert anywhere is None and required not in by_parent, f"{name}/@{what}: two rows"
                by_parent[required] = tokens
            plan[what][name] = (anywhere, by_parent)
    return plan


def _table_passes(doc: UblDocument) -> bool:
    """True when no element of ``_CHECKS`` can break its rule: every checked text (attribute) is a
    code of its list as it stands, so ``_table_hits`` would find nothing. Texts: reads only the
    elements the table names, through their parents (the 12 coded cbc:ID of a 10-line invoice, not
    its 47), in plain loops over the parents' ``_kids`` (``all(map(...))`` in C measured slower:
    a few objects made per row, for the one or two elements a row usually has). Attributes: reads
    the document's attribute index (``//@schemeID``: a few elements), not each element's
    attribute. False on any doubt (an unnormalised value, SEPA): then ``_table_hits`` decides,
    element by element."""
    present = doc.by_name
    for required, name, tokens in _text_plan():
        if required is None:
            nodes = present.get(name)
            if not nodes:
                continue
            for node in nodes:
                if node.text not in tokens:
                    return False
            continue
        parents = present.get(required)
        if not parents:
            continue
        for parent in parents:
            nodes = parent._kids.get(name)
            if not nodes:
                continue
            for node in nodes:
                if node.text not in tokens:
                    return False
    for attribute, by_element in _attribute_plan().items():
        for node, value in doc.attributes(attribute):
            rows = by_element.get(node.name)
            if rows is None:
                continue
            anywhere, by_parent = rows
            if anywhere is None:
                parent = node.parent
                if parent is None:
                    continue
                anywhere = by_parent.get(parent.name)
                if anywhere is None:
                    continue
            if value not in anywhere:
                return False
    return True


def _table_hits(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    """The rules of ``_CHECKS``, element by element in document order per checked name."""
    present = doc.by_name
    for name, (by_parent, anywhere) in _bound().items():
        nodes = present.get(name)
        if not nodes:
            continue
        for node in nodes:
            if anywhere:
                checks = anywhere
            else:
                parent = node.parent
                checks = by_parent.get(parent.name, ()) if parent is not None else ()
            for rule_id, codes, what in checks:
                if not what:
                    text = node.text
                    if text not in codes.tokens and not codes.accepts(text):
                        yield rule_id, Hit(node, {"value": text})
                    continue
                value = node.el.get(what)
                if value is None or value in codes.tokens:
                    continue
                if not codes.accepts(value) and not (
                    rule_id == "BR-CL-10" and _sepa_allowed(node, normalize_space(value))
                ):
                    yield rule_id, Hit(node, {"value": value}, attribute=what)


@cache
def _group_lists() -> tuple[CodeList, CodeList, CodeList, tuple[str, ...]]:
    """The lists ``code_lists`` reads on every document, looked up once."""
    return (
        code_list("iso4217_currencies"),
        code_list("vatex_exemption_reasons"),
        code_list("unece_rec20_rec21_units"),
        code_list("mime_codes").codes,
    )


@RULES.group(_RULES)
def code_lists(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    if not _table_passes(doc):
        yield from _table_hits(doc)
    present = doc.by_name
    currencies, exemptions, units, mimes = _group_lists()
    for node in present.get("cbc:AllowanceChargeReasonCode", ()):
        charge = node.parent
        if charge is None or charge.name != "cac:AllowanceCharge":
            continue
        if is_allowance(charge) and not code_list("uncl5189_allowance_reasons").has_token(node.norm):
            yield "BR-CL-19", Hit(node, {"value": node.text})
        elif is_charge(charge) and not code_list("uncl7161_charge_reasons").has_token(node.norm):
            yield "BR-CL-20", Hit(node, {"value": node.text})
    known = currencies.tokens
    for node, value in doc.attributes("currencyID"):
        if value not in known and not currencies.accepts(value):
            yield "BR-CL-03", Hit(node, {"value": value}, attribute="currencyID")
    for name in _REFERENCES:
        for reference in present.get(name, ()):
            # cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]
            if not any(c.text == "130" for c in reference.kids("cbc:DocumentTypeCode")):
                continue
            for node in reference.kids("cbc:ID"):
                scheme = node.attr("schemeID")
                if scheme is not None and not code_list("uncl1153_reference_qualifiers").has_token(
                    normalize_space(scheme)
                ):
                    yield "BR-CL-07", Hit(node, {"value": scheme}, attribute="schemeID")
    for node in present.get("cbc:TaxExemptionReasonCode", ()):
        # BR-CL-22 looks the code up upper-cased: vatex-eu-o is accepted. A text that is a code
        # once upper-cased has no whitespace (nor has its normalised form): nothing to normalise.
        if node.text.upper() in exemptions.tokens:
            continue
        if " " in node.norm or not exemptions.has_token(normalize_space(node.text.upper())):
            yield "BR-CL-22", Hit(node, {"value": node.text})
    unit_codes = units.tokens
    for node, value in doc.attributes("unitCode"):
        if value not in unit_codes and not units.accepts(value):
            yield "BR-CL-23", Hit(node, {"value": value}, attribute="unitCode")
    for node in present.get("cbc:EmbeddedDocumentBinaryObject", ()):
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
