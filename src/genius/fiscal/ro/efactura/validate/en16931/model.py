"""EN 16931 model rules on the document root (BR-01..BR-16, BR-53, BR-66/67, BR-CO-03/15/18)."""

from __future__ import annotations

from collections.abc import Iterator

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, round2
from genius.fiscal.ro.efactura.validate.registry import RuleSet

RULES = RuleSet("en16931.model")


def _any_text(nodes: list[Node] | tuple[Node, ...]) -> bool:
    """XPath ``(path) != ''``: true when at least one selected element has non-empty text."""
    return any(n.text != "" for n in nodes)


def _required_text(doc: UblDocument, *paths: str) -> Iterator[Node]:
    if doc.is_ubl and not any(_any_text(doc.root.findall(p)) for p in paths):
        yield doc.root


@RULES.rule(
    "BR-01",
    "fatal",
    ro="Factura trebuie să aibă identificatorul specificației (BT-24, cbc:CustomizationID).",
    en="The invoice must have a Specification identifier (BT-24, cbc:CustomizationID).",
)
def br_01(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:CustomizationID")


@RULES.rule(
    "BR-02",
    "fatal",
    ro="Factura trebuie să aibă un număr (BT-1, cbc:ID).",
    en="The invoice must have an Invoice number (BT-1, cbc:ID).",
)
def br_02(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:ID")


@RULES.rule(
    "BR-03",
    "fatal",
    ro="Factura trebuie să aibă data emiterii (BT-2, cbc:IssueDate).",
    en="The invoice must have an Invoice issue date (BT-2, cbc:IssueDate).",
)
def br_03(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:IssueDate")


@RULES.rule(
    "BR-04",
    "fatal",
    ro="Factura trebuie să aibă codul tipului de factură "
    "(BT-3, cbc:InvoiceTypeCode / cbc:CreditNoteTypeCode).",
    en="The invoice must have an Invoice type code (BT-3, cbc:InvoiceTypeCode / cbc:CreditNoteTypeCode).",
)
def br_04(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode")


@RULES.rule(
    "BR-05",
    "fatal",
    ro="Factura trebuie să aibă codul monedei facturii (BT-5, cbc:DocumentCurrencyCode).",
    en="The invoice must have an Invoice currency code (BT-5, cbc:DocumentCurrencyCode).",
)
def br_05(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:DocumentCurrencyCode")


@RULES.rule(
    "BR-CO-15",
    "fatal",
    ro="Totalul facturii cu TVA (BT-112) trebuie să fie egal cu totalul fără TVA (BT-109) plus TVA totală "
    "(BT-110), iar TVA totală în moneda facturii trebuie să apară o singură dată (cac:TaxTotal/cbc:TaxAmount "
    "cu currencyID egal cu BT-5).",
    en="Invoice total amount with VAT (BT-112) must equal Invoice total amount without VAT (BT-109) plus "
    "Invoice total VAT amount (BT-110), and the VAT total in the invoice currency "
    "(cac:TaxTotal/cbc:TaxAmount with currencyID equal to BT-5) must appear exactly once.",
)
def br_co_15(doc: UblDocument) -> Iterator[Node]:
    if not doc.is_ubl:
        return
    root = doc.root
    totals = root.kids("cac:LegalMonetaryTotal")
    inclusive = [doc.decimal(n) for t in totals for n in t.kids("cbc:TaxInclusiveAmount")]
    exclusive = [doc.decimal(n) for t in totals for n in t.kids("cbc:TaxExclusiveAmount")]
    tax_amounts = [n for t in root.kids("cac:TaxTotal") for n in t.kids("cbc:TaxAmount")]
    for currency in root.kids("cbc:DocumentCurrencyCode"):
        vat = [doc.decimal(n) for n in tax_amounts if n.attr("currencyID") == currency.text]
        ok = len(vat) == 1 and any(
            inc == round2(exc + v)
            for inc in inclusive
            for exc in exclusive
            for v in vat
            if inc is not None and exc is not None and v is not None
        )
        if not ok:
            yield totals[0] if totals else root
            return
