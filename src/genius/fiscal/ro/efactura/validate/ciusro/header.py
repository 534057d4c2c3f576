"""CIUS-RO rules on the document header: BT-24, BT-1, type codes, currencies, dates, VAT identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from genius.fiscal.ro.efactura.validate.ciusro.ruleset import RO_CIUS_ID, RULES
from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.registry import Hit, Rule

# Rule decorators keep "id", flag on one line like the schematron; the formatter stays off.
# fmt: off
_FATAL: Final = "fatal"


@RULES.rule(
    "BR-RO-001", _FATAL,
    ro="Identificatorul specificației (BT-24, cbc:CustomizationID) trebuie să fie exact "
    f"„{RO_CIUS_ID}” (CIUS-RO 1.0.9); acum este „{{value}}”.",
    en=f"The Specification identifier (BT-24, cbc:CustomizationID) must be exactly '{RO_CIUS_ID}' "
    "(CIUS-RO 1.0.9); it is '{value}'.",
)
def br_ro_001(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    ids = doc.root.kids("cbc:CustomizationID")
    # ``cbc:CustomizationID = $RO-CIUS-ID``: an exact string comparison, surrounding spaces included.
    for n in ids:  # a loop: no generator closed early
        if n.text == RO_CIUS_ID:
            return
    yield Hit(ids[0] if ids else None, {"value": ids[0].text if ids else ""})


@RULES.rule(
    "BR-RO-A020", _FATAL,
    ro="Factura poate avea cel mult 20 de comentarii (BG-1, cbc:Note); are {count}. Uniți sau ștergeți "
    "comentariile în plus.",
    en="An invoice may have at most 20 Invoice notes (BG-1, cbc:Note); it has {count}. Merge or remove "
    "the extra notes.",
)
def br_ro_a020(doc: UblDocument) -> Iterator[Hit]:
    if doc.is_ubl:
        notes = doc.root.kids("cbc:Note")
        if len(notes) > 20:
            yield Hit(notes[20], {"count": len(notes)})


DIGIT: Final = re.compile(r"[0-9]")


@RULES.rule(
    "BR-RO-010", _FATAL,
    ro="Numărul facturii (BT-1, cbc:ID) trebuie să conțină cel puțin o cifră; acum este „{value}”.",
    en="The Invoice number (BT-1, cbc:ID) must contain at least one digit; it is '{value}'.",
)
def br_ro_010(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    node = doc.root.first("cbc:ID")
    value = node.norm if node is not None else ""
    if not DIGIT.search(value):
        yield Hit(node, {"value": value})


INVOICE_TYPES: Final = frozenset({"380", "384", "389", "751"})


@RULES.rule(
    "BR-RO-020_1", _FATAL,
    ro="Codul tipului facturii (BT-3, cbc:InvoiceTypeCode) trebuie să fie 380 (factură), 384 (factură "
    "corectată), 389 (autofactură) sau 751 (factură în scopuri contabile); acum este „{value}”. "
    "Pentru o notă de creditare (381) folosiți documentul CreditNote.",
    en="The Invoice type code (BT-3, cbc:InvoiceTypeCode) must be 380 (invoice), 384 (corrected invoice), "
    "389 (self-billed invoice) or 751 (invoice for accounting purposes); it is '{value}'. For a credit "
    "note (381) use a CreditNote document.",
    needs=("cbc:InvoiceTypeCode",),
)
def br_ro_020_1(doc: UblDocument) -> Iterator[Hit]:
    for node in doc.all("cbc:InvoiceTypeCode"):
        if node.norm not in INVOICE_TYPES:
            yield Hit(node, {"value": node.norm})


@RULES.rule(
    "BR-RO-020_2", _FATAL,
    ro="Codul tipului notei de creditare (BT-3, cbc:CreditNoteTypeCode) trebuie să fie 381; acum este "
    "„{value}”.",
    en="The Credit note type code (BT-3, cbc:CreditNoteTypeCode) must be 381; it is '{value}'.",
    needs=("cbc:CreditNoteTypeCode",),
)
def br_ro_020_2(doc: UblDocument) -> Iterator[Hit]:
    for node in doc.all("cbc:CreditNoteTypeCode"):
        if node.norm != "381":
            yield Hit(node, {"value": node.norm})


@RULES.rule(
    "BR-RO-030", _FATAL,
    ro="Dacă moneda facturii (BT-5) nu este RON, moneda de contabilizare a TVA (BT-6, cbc:TaxCurrencyCode) "
    "trebuie să fie RON (și TVA totală să fie dată și în RON, BT-111). Acum BT-5 este „{document}” "
    "și BT-6 este „{tax}”.",
    en="When the Invoice currency (BT-5) is not RON, the VAT accounting currency (BT-6, "
    "cbc:TaxCurrencyCode) must be RON (with the VAT total also given in RON, BT-111). Now BT-5 is "
    "'{document}' and BT-6 is '{tax}'.",
)
def br_ro_030(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    root = doc.root
    tax = root.first("cbc:TaxCurrencyCode")
    document = root.first("cbc:DocumentCurrencyCode")
    tax_code = tax.norm if tax is not None else ""
    document_code = document.norm if document is not None else ""
    # The four alternatives of the schematron reduce to: BT-6 is RON or BT-5 is RON.
    if tax_code != "RON" and document_code != "RON":
        yield Hit(tax or document, {"document": document_code, "tax": tax_code})


@RULES.rule(
    "BR-RO-040", _FATAL,
    ro="Codul datei de exigibilitate a TVA (BT-8, cac:InvoicePeriod/cbc:DescriptionCode) trebuie să fie "
    "3 (data emiterii), 35 (data livrării) sau 432 (data plății); acum este „{value}”.",
    en="The Value added tax point date code (BT-8, cac:InvoicePeriod/cbc:DescriptionCode) must be 3 "
    "(issue date), 35 (actual delivery date) or 432 (paid to date); it is '{value}'.",
    needs=("cbc:DescriptionCode",),
)
def br_ro_040(doc: UblDocument) -> Iterator[Hit]:
    for node in doc.all("cbc:DescriptionCode"):
        parent = node.parent
        if parent is not None and parent.name == "cac:InvoicePeriod" and node.norm not in ("3", "35", "432"):
            yield Hit(node, {"value": node.norm})


# --- dates: YYYY-MM-DD, exactly ten characters (BR-RO-DT*) ---------------------------------------

_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DAYS: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_ro_date(text: str) -> bool:
    """``string-length(text()) = 10 and (string(.) castable as xs:date)``.

    With exactly ten characters only ``YYYY-MM-DD`` can be castable (no time zone, no sign, no
    spaces). Year 0000 is castable in Saxon (XSD 1.1 dates), so it is accepted here too.
    """
    match = _DATE.fullmatch(text)
    if match is None:
        return False
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= _DAYS[month - 1]


# (rule id, element, BT terms for the message)
DATE_RULES: Final = (
    ("BR-RO-DT001", "cbc:IssueDate", "BT-2, BT-26"),
    ("BR-RO-DT002", "cbc:TaxPointDate", "BT-7"),
    ("BR-RO-DT003", "cbc:DueDate", "BT-9"),
    ("BR-RO-DT003_CN", "cbc:PaymentDueDate", "BT-9"),
    ("BR-RO-DT004", "cbc:ActualDeliveryDate", "BT-72"),
    ("BR-RO-DT005", "cbc:StartDate", "BT-73, BT-134"),
    ("BR-RO-DT006", "cbc:EndDate", "BT-74, BT-135"),
)


@RULES.group(
    [
        Rule(
            rule_id,
            _FATAL,
            f"Data ({terms}, {element}) trebuie scrisă AAAA-LL-ZZ (de exemplu 2024-03-31), fără oră, "
            "fus orar sau spații, și trebuie să fie o dată reală; acum este „{value}”.",
            f"The date ({terms}, {element}) must be written YYYY-MM-DD (e.g. 2024-03-31), without time, "
            "time zone or spaces, and must be a real calendar date; it is '{value}'.",
        )
        for rule_id, element, terms in DATE_RULES
    ]
)
def br_ro_dates(doc: UblDocument) -> Iterator[tuple[str, Hit]]:
    for rule_id, element, _terms in DATE_RULES:
        for node in doc.all(element):
            # text(): the element's own text node(s); an empty element has none (length 0).
            if not is_ro_date(node.text):
                yield rule_id, Hit(node, {"value": node.text})


# --- VAT identifiers required by the VAT categories in use (BR-RO-065, BR-RO-120) ----------------

_TAXED_CATEGORIES: Final = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})


def _precedes(first: Node, second: Node) -> bool:
    siblings = first.parent.children if first.parent is not None else []
    return siblings.index(first) < siblings.index(second)


def uses_vat_category(doc: UblDocument) -> bool:
    """The shared left part of BR-RO-065 / BR-RO-120, as ANAF wrote it.

    A document-level allowance (ChargeIndicator text 'false') whose TaxCategory/ID is one of
    S, Z, E, AE, K, G, L, M and is followed by TaxScheme/ID 'VAT'; a document-level charge
    (text 'true') with such a category; or an Invoice line (not a CreditNote line: the XSLT names
    only ``cac:InvoiceLine``) with such a ClassifiedTaxCategory. Comparisons are exact strings.
    """
    root = doc.root
    for charge in root.kids("cac:AllowanceCharge"):
        indicators = {n.text for n in charge.kids("cbc:ChargeIndicator")}
        for category in charge.kids("cac:TaxCategory"):
            for id_node in category.kids("cbc:ID"):
                if id_node.text not in _TAXED_CATEGORIES:
                    continue
                if "true" in indicators:
                    return True
                if "false" in indicators and any(
                    _precedes(id_node, scheme) and any(s.text == "VAT" for s in scheme.kids("cbc:ID"))
                    for scheme in category.kids("cac:TaxScheme")
                ):
                    return True
    for line in root.kids("cac:InvoiceLine"):
        for id_node in line.findall("cac:Item/cac:ClassifiedTaxCategory/cbc:ID"):
            if id_node.text in _TAXED_CATEGORIES:
                return True
    return False


@RULES.rule(
    "BR-RO-065", _FATAL,
    ro="Factura folosește o categorie de TVA (S, Z, E, AE, K, G, L sau M), deci trebuie completat codul "
    "de înregistrare în scopuri de TVA al vânzătorului (BT-31, cac:AccountingSupplierParty/cac:Party/"
    "cac:PartyTaxScheme/cbc:CompanyID) sau al reprezentantului său fiscal (BT-63).",
    en="The invoice uses a VAT category (S, Z, E, AE, K, G, L or M), so the Seller VAT identifier (BT-31, "
    "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID) or the Seller tax "
    "representative VAT identifier (BT-63) must be given.",
)
def br_ro_065(doc: UblDocument) -> Iterator[Node]:
    if not doc.is_ubl:
        return
    root = doc.root
    # Any BT-63 element counts (even empty); BT-31 must be non-blank.
    if root.has("cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID"):
        return
    seller_vat_ids = root.findall("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID")
    for n in seller_vat_ids:  # a loop: no generator closed early
        if n.norm:
            return
    if uses_vat_category(doc):
        yield root.find("cac:AccountingSupplierParty/cac:Party") or root


@RULES.rule(
    "BR-RO-120", _FATAL,
    ro="Factura folosește o categorie de TVA (S, Z, E, AE, K, G, L sau M), deci trebuie completat "
    "identificatorul de înregistrare legală al cumpărătorului (BT-47, cac:PartyLegalEntity/cbc:CompanyID: "
    "CUI/CIF sau CNP) sau codul său de TVA (BT-48, cac:PartyTaxScheme/cbc:CompanyID).",
    en="The invoice uses a VAT category (S, Z, E, AE, K, G, L or M), so the Buyer legal registration "
    "identifier (BT-47, cac:PartyLegalEntity/cbc:CompanyID: CUI/CIF or CNP) or the Buyer VAT identifier "
    "(BT-48, cac:PartyTaxScheme/cbc:CompanyID) must be given.",
)
def br_ro_120(doc: UblDocument) -> Iterator[Node]:
    if not doc.is_ubl:
        return
    root = doc.root
    party = root.find("cac:AccountingCustomerParty/cac:Party")
    if party is not None:
        # Any BT-47 element counts (even empty); BT-48 must be non-blank.
        if party.has("cac:PartyLegalEntity/cbc:CompanyID"):
            return
        if any(n.norm for n in party.findall("cac:PartyTaxScheme/cbc:CompanyID")):
            return
    if uses_vat_category(doc):
        yield party or root.first("cac:AccountingCustomerParty") or root
