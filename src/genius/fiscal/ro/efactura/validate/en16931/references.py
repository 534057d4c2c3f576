"""EN 16931 rules on payment instructions, references, attachments and item identifiers.

BR-49, 50, 51 (warning), 52, 54, 55, 61, 64, 65.
"""

from __future__ import annotations

from collections.abc import Iterator

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded, decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import LINE_NAMES, matching
from genius.fiscal.ro.efactura.validate.registry import RuleSet

RULES = RuleSet("en16931.references")

_CREDIT_TRANSFER = ("30", "58")  # UNCL 4461: credit transfer, SEPA credit transfer


def _decide(doc: UblDocument) -> bool:
    """None of BR-49, BR-50, BR-61 fires: every payment means has a code, and an account with a
    non-empty cbc:ID in each of its accounts, or no account and no credit transfer code (one read
    of the payment means). False: not sure (fastpath.py)."""
    for means in doc.all("cac:PaymentMeans"):
        kids = means._kids
        codes = kids.get("cbc:PaymentMeansCode")
        if not codes:
            return False  # BR-49
        accounts = kids.get("cac:PayeeFinancialAccount")
        if accounts is None:
            if codes[0].norm in _CREDIT_TRANSFER:
                return False  # BR-61
            continue
        for account in accounts:  # BR-50, BR-61
            for i in account._kids.get("cbc:ID", ()):
                if i.text != "":
                    break
            else:
                return False
    return True


# The module's rules in one group check (fastpath.py): BR-49/50/61 (payment means are on nearly every
# invoice) skipped at once when _decide holds; the others run when their element occurs.
_RULES = Folded(decided_once("references.passes", _decide))


@_RULES.rule(
    "BR-49",
    "fatal",
    ro="Instrucțiunile de plată (BG-16) trebuie să conțină codul instrumentului de plată (BT-81, "
    "cbc:PaymentMeansCode).",
    en="The Payment instructions (BG-16) must contain the Payment means type code (BT-81, "
    "cbc:PaymentMeansCode).",
    needs=("cac:PaymentMeans",),
)
def br_49(doc: UblDocument) -> Iterator[Node]:
    return (p for p in doc.all("cac:PaymentMeans") if not p.kids("cbc:PaymentMeansCode"))


@_RULES.rule(
    "BR-50",
    "fatal",
    ro="Pentru transfer bancar (cod 30 sau 58) trebuie dat contul beneficiarului plății (BT-84, "
    "cac:PayeeFinancialAccount/cbc:ID).",
    en="For a credit transfer (code 30 or 58) the Payment account identifier (BT-84, "
    "cac:PayeeFinancialAccount/cbc:ID) must be given.",
    needs=("cac:PayeeFinancialAccount",),
)
def br_50(doc: UblDocument) -> Iterator[Node]:
    for account in doc.all("cac:PayeeFinancialAccount"):
        means = account.parent
        if means is None or means.name != "cac:PaymentMeans":
            continue
        # cac:PaymentMeans[cbc:PaymentMeansCode='30' or ...='58']: compared without normalize-space.
        for c in means.kids("cbc:PaymentMeansCode"):  # loops: no generator closed early
            if c.text in _CREDIT_TRANSFER:
                break
        else:
            continue
        for i in account.kids("cbc:ID"):
            if i.text != "":
                break
        else:
            yield account


@_RULES.rule(
    "BR-51",
    "warning",
    ro="Din motive de securitate, factura nu trebuie să conțină numărul complet al cardului (BT-87): dați "
    "cel mult ultimele 4-6 cifre (maximum 10 caractere).",
    en="For card payment security the invoice must not contain the full card primary account number (BT-87): "
    "give at most the last 4 to 6 digits (10 characters at most).",
    needs=("cac:CardAccount",),
    covered=False,
)
def br_51(doc: UblDocument) -> Iterator[Node]:
    for card in matching(doc, "cac:PaymentMeans/cac:CardAccount"):
        numbers = card.kids("cbc:PrimaryAccountNumberID")
        if numbers and len(numbers[0].string_value) > 10:
            yield numbers[0]


@_RULES.rule(
    "BR-52",
    "fatal",
    ro="Fiecare document justificativ (BG-24) trebuie să aibă o referință (BT-122, cbc:ID).",
    en="Each Additional supporting document (BG-24) must have a Supporting document reference (BT-122, "
    "cbc:ID).",
    needs=("cac:AdditionalDocumentReference",),
    covered=False,
)
def br_52(doc: UblDocument) -> Iterator[Node]:
    for reference in doc.all("cac:AdditionalDocumentReference"):
        if not any(i.text != "" for i in reference.kids("cbc:ID")):
            yield reference


@_RULES.rule(
    "BR-54",
    "fatal",
    ro="Fiecare atribut al articolului (BG-32) trebuie să aibă un nume (BT-160) și o valoare (BT-161).",
    en="Each Item attribute (BG-32) must have an Item attribute name (BT-160) and value (BT-161).",
    needs=("cac:AdditionalItemProperty",),
    covered=False,
)
def br_54(doc: UblDocument) -> Iterator[Node]:
    for prop in doc.all("cac:AdditionalItemProperty"):
        if not (prop.kids("cbc:Name") and prop.kids("cbc:Value")):
            yield prop


@_RULES.rule(
    "BR-55",
    "fatal",
    ro="Fiecare referință la o factură anterioară (BG-3) trebuie să conțină numărul facturii anterioare "
    "(BT-25, cac:InvoiceDocumentReference/cbc:ID).",
    en="Each Preceding invoice reference (BG-3) must contain the Preceding invoice number (BT-25, "
    "cac:InvoiceDocumentReference/cbc:ID).",
    needs=("cac:BillingReference",),
    covered=False,
)
def br_55(doc: UblDocument) -> Iterator[Node]:
    return (b for b in doc.all("cac:BillingReference") if not b.has("cac:InvoiceDocumentReference/cbc:ID"))


@_RULES.rule(
    "BR-61",
    "fatal",
    ro="Pentru transfer bancar (cod 30 sau 58 în BT-81) trebuie dat contul beneficiarului plății (BT-84, "
    "cac:PayeeFinancialAccount/cbc:ID).",
    en="For a credit transfer (code 30 or 58 in BT-81) the Payment account identifier (BT-84, "
    "cac:PayeeFinancialAccount/cbc:ID) must be given.",
    needs=("cac:PaymentMeans",),
)
def br_61(doc: UblDocument) -> Iterator[Node]:
    for means in doc.all("cac:PaymentMeans"):
        codes = means.kids("cbc:PaymentMeansCode")
        means_code = codes[0].norm if codes else ""
        if means_code in _CREDIT_TRANSFER and not means.has("cac:PayeeFinancialAccount/cbc:ID"):
            yield means


def _line_item(node: Node, leaf_parent: str) -> bool:
    """``(cac:InvoiceLine|cac:CreditNoteLine)/cac:Item/leaf_parent/node``."""
    parent = node.parent
    item = parent.parent if parent is not None else None
    line = item.parent if item is not None else None
    return (
        parent is not None
        and parent.name == leaf_parent
        and item is not None
        and item.name == "cac:Item"
        and line is not None
        and line.name in LINE_NAMES
    )


@_RULES.rule(
    "BR-64",
    "fatal",
    ro="Identificatorul standard al articolului (BT-157) trebuie să aibă atributul schemeID (de ex. 0160 "
    "pentru GTIN).",
    en="The Item standard identifier (BT-157) must have a schemeID attribute (e.g. 0160 for GTIN).",
    needs=("cac:StandardItemIdentification",),
    covered=False,
)
def br_64(doc: UblDocument) -> Iterator[Node]:
    # From the (few) cac:StandardItemIdentification down rather than over every cbc:ID of the document
    # (~50 per invoice). Their cbc:ID children come out in document order as long as no qualifying
    # identification lies inside another's cbc:ID; all sitting at /*/line/cac:Item/here guarantees that
    # (same depth), otherwise the scan over every cbc:ID decides.
    found: list[Node] = []
    root = doc.root
    for sii in doc.all("cac:StandardItemIdentification"):
        item = sii.parent
        if item is None or item.name != "cac:Item":
            continue
        line = item.parent
        if line is None or line.name not in LINE_NAMES:
            continue
        if line.parent is not root:
            yield from _br_64_scan(doc)
            return
        for node in sii.kids("cbc:ID"):
            if node.el.get("schemeID") is None:
                found.append(node)
    yield from found


def _br_64_scan(doc: UblDocument) -> Iterator[Node]:
    """BR-64 as its match pattern reads: every cbc:ID under an item's standard identification."""
    for node in doc.all("cbc:ID"):
        if node.attr("schemeID") is None and _line_item(node, "cac:StandardItemIdentification"):
            yield node


@_RULES.rule(
    "BR-65",
    "fatal",
    ro="Codul de clasificare al articolului (BT-158) trebuie să aibă atributul listID (de ex. STI pentru "
    "CPV).",
    en="The Item classification identifier (BT-158) must have a listID attribute (e.g. STI for CPV).",
    needs=("cbc:ItemClassificationCode",),
    covered=False,
)
def br_65(doc: UblDocument) -> Iterator[Node]:
    for node in doc.all("cbc:ItemClassificationCode"):
        if node.attr("listID") is None and _line_item(node, "cac:CommodityClassification"):
            yield node


_RULES.register(RULES)
