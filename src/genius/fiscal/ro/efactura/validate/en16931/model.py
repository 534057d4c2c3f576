"""EN 16931 model rules on the invoice as a whole: BR-01..08, 10, 16, 53, 66, 67, BR-CO-03/15/18/25."""

from __future__ import annotations

from collections.abc import Iterator

from genius.fiscal.ro.efactura.validate.document import Node, UblDocument, round2
from genius.fiscal.ro.efactura.validate.en16931.fastpath import Folded, decided_once
from genius.fiscal.ro.efactura.validate.en16931.selectors import as_double
from genius.fiscal.ro.efactura.validate.en16931.totals_fast import round2_equals
from genius.fiscal.ro.efactura.validate.registry import Hit, RuleSet

RULES = RuleSet("en16931.model")


def _any_text(nodes: list[Node] | tuple[Node, ...]) -> bool:
    """XPath ``(path) != ''``: true when at least one selected element has non-empty text."""
    # (Plain loops, not any(<generator>), in checks every document runs: a generator any() stops
    # early is closed by raising GeneratorExit into it, ~15x the cost of the loop.)
    for n in nodes:  # noqa: SIM110
        if n.text != "":
            return True
    return False


def _required_text(doc: UblDocument, *paths: str) -> Iterator[Node]:
    if not doc.is_ubl:
        return
    for p in paths:
        if _any_text(doc.root.findall(p)):
            return
    yield doc.root


def _required(doc: UblDocument, path: str) -> Iterator[Node]:
    if doc.is_ubl and not doc.root.has(path):
        yield doc.root


_NONE: tuple[Node, ...] = ()
_SELLER_NAME = "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
_BUYER_NAME = "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"


def _decide(doc: UblDocument) -> bool:
    """Every rule below without ``needs`` certainly passes (see fastpath.py); False: not sure."""
    if not doc.is_ubl:
        return False
    root = doc.root
    kids = root._kids
    get = kids.get
    if not (
        _any_text(get("cbc:CustomizationID", _NONE))  # BR-01
        and _any_text(get("cbc:ID", _NONE))  # BR-02
        and _any_text(get("cbc:IssueDate", _NONE))  # BR-03
        and (_any_text(get("cbc:InvoiceTypeCode", _NONE)) or _any_text(get("cbc:CreditNoteTypeCode", _NONE)))
        and _any_text(get("cbc:DocumentCurrencyCode", _NONE))  # BR-05
        and ("cac:InvoiceLine" in kids or "cac:CreditNoteLine" in kids)  # BR-16
        and _any_text(root.findall(_SELLER_NAME))  # BR-06
        and _any_text(root.findall(_BUYER_NAME))  # BR-07
        and root.findall("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")  # BR-08
        and root.findall("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")  # BR-10
        and root.findall("cac:TaxTotal/cac:TaxSubtotal")  # BR-CO-18
    ):
        return False
    # BR-CO-15 in the usual shape only: one total with one amount of each kind, one currency code, one
    # VAT total in that currency.
    totals = get("cac:LegalMonetaryTotal")
    currencies = get("cbc:DocumentCurrencyCode")
    if not totals or len(totals) != 1 or not currencies or len(currencies) != 1:
        return False
    total = totals[0]._kids
    inclusive = total.get("cbc:TaxInclusiveAmount")
    exclusive = total.get("cbc:TaxExclusiveAmount")
    if not inclusive or not exclusive or len(inclusive) != 1 or len(exclusive) != 1:
        return False
    currency = currencies[0].text
    vat: Node | None = None
    for tax_total in get("cac:TaxTotal", _NONE):
        for amount in tax_total._kids.get("cbc:TaxAmount", _NONE):
            if amount.el.get("currencyID") == currency:
                if vat is not None:
                    return False
                vat = amount
    if vat is None:
        return False
    decimal = doc.decimal
    inc, exc, v = decimal(inclusive[0]), decimal(exclusive[0]), decimal(vat)
    if inc is None or exc is None or v is None or not round2_equals(exc + v, inclusive[0], inc):
        return False
    # BR-CO-25 (invoices only): a positive amount due needs a due date or payment terms (NaN fails).
    if doc.is_invoice:
        for amount in total.get("cbc:PayableAmount", _NONE):
            value = as_double(amount.text)
            if value is not None and not value <= 0 and not (value > 0 and _has_terms(doc)):
                return False
    return True


def _has_terms(doc: UblDocument) -> bool:
    """BR-CO-25's ``cbc:DueDate`` or ``cac:PaymentTerms/cbc:Note`` (anywhere, as its test reads)."""
    if doc.all("cbc:DueDate"):
        return True
    for terms in doc.all("cac:PaymentTerms"):  # noqa: SIM110 (a loop: no generator closed early)
        if terms.kids("cbc:Note"):
            return True
    return False


# One group check for the module (registered at the end): the rules without ``needs`` are skipped at
# once when _decide says none fires; the others (covered=False) always run.
_RULES = Folded(decided_once("model.passes", _decide))


@_RULES.rule(
    "BR-01",
    "fatal",
    ro="Factura trebuie să aibă identificatorul specificației (BT-24, cbc:CustomizationID).",
    en="The invoice must have a Specification identifier (BT-24, cbc:CustomizationID).",
)
def br_01(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:CustomizationID")


@_RULES.rule(
    "BR-02",
    "fatal",
    ro="Factura trebuie să aibă un număr (BT-1, cbc:ID).",
    en="The invoice must have an Invoice number (BT-1, cbc:ID).",
)
def br_02(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:ID")


@_RULES.rule(
    "BR-03",
    "fatal",
    ro="Factura trebuie să aibă data emiterii (BT-2, cbc:IssueDate).",
    en="The invoice must have an Invoice issue date (BT-2, cbc:IssueDate).",
)
def br_03(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:IssueDate")


@_RULES.rule(
    "BR-04",
    "fatal",
    ro="Factura trebuie să aibă codul tipului de factură "
    "(BT-3, cbc:InvoiceTypeCode / cbc:CreditNoteTypeCode).",
    en="The invoice must have an Invoice type code (BT-3, cbc:InvoiceTypeCode / cbc:CreditNoteTypeCode).",
)
def br_04(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode")


@_RULES.rule(
    "BR-05",
    "fatal",
    ro="Factura trebuie să aibă codul monedei facturii (BT-5, cbc:DocumentCurrencyCode).",
    en="The invoice must have an Invoice currency code (BT-5, cbc:DocumentCurrencyCode).",
)
def br_05(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, "cbc:DocumentCurrencyCode")


@_RULES.rule(
    "BR-06",
    "fatal",
    ro="Factura trebuie să conțină numele vânzătorului (BT-27, "
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName).",
    en="The invoice must contain the Seller name (BT-27, "
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName).",
)
def br_06(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, _SELLER_NAME)


@_RULES.rule(
    "BR-07",
    "fatal",
    ro="Factura trebuie să conțină numele cumpărătorului (BT-44, "
    "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName).",
    en="The invoice must contain the Buyer name (BT-44, "
    "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName).",
)
def br_07(doc: UblDocument) -> Iterator[Node]:
    return _required_text(doc, _BUYER_NAME)


@_RULES.rule(
    "BR-08",
    "fatal",
    ro="Factura trebuie să conțină adresa poștală a vânzătorului (BG-5, cac:PostalAddress).",
    en="The invoice must contain the Seller postal address (BG-5, cac:PostalAddress).",
)
def br_08(doc: UblDocument) -> Iterator[Node]:
    return _required(doc, "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")


@_RULES.rule(
    "BR-10",
    "fatal",
    ro="Factura trebuie să conțină adresa poștală a cumpărătorului (BG-8, cac:PostalAddress).",
    en="The invoice must contain the Buyer postal address (BG-8, cac:PostalAddress).",
)
def br_10(doc: UblDocument) -> Iterator[Node]:
    return _required(doc, "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")


@_RULES.rule(
    "BR-16",
    "fatal",
    ro="Factura trebuie să aibă cel puțin o linie (BG-25, cac:InvoiceLine / cac:CreditNoteLine).",
    en="The invoice must have at least one Invoice line (BG-25, cac:InvoiceLine / cac:CreditNoteLine).",
)
def br_16(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl and not (doc.root.kids("cac:InvoiceLine") or doc.root.kids("cac:CreditNoteLine")):
        yield doc.root


@_RULES.rule(
    "BR-53",
    "fatal",
    ro="Când este dat codul monedei de contabilizare a TVA (BT-6, {currency}), trebuie dat și totalul TVA în "
    'această monedă (BT-111): un cac:TaxTotal/cbc:TaxAmount cu currencyID="{currency}".',
    en="When the VAT accounting currency code (BT-6, {currency}) is given, the invoice total VAT amount in "
    "that "
    'currency (BT-111) must be given too: a cac:TaxTotal/cbc:TaxAmount with currencyID="{currency}".',
    needs=("cbc:TaxCurrencyCode",),
    covered=False,
)
def br_53(doc: UblDocument) -> Iterator[Hit]:
    if not doc.is_ubl:
        return
    for currency in doc.root.kids("cbc:TaxCurrencyCode"):
        amounts = [a for t in doc.all("cac:TaxTotal") for a in t.kids("cbc:TaxAmount")]
        if not any(a.attr("currencyID") == currency.text for a in amounts):
            yield Hit(currency, {"currency": currency.text})


@_RULES.rule(
    "BR-66",
    "fatal",
    ro="Factura poate conține cel mult un cont de card de plată (BG-18, cac:PaymentMeans/cac:CardAccount).",
    en="The invoice may contain at most one Payment card account (BG-18, cac:PaymentMeans/cac:CardAccount).",
    needs=("cac:CardAccount",),
    covered=False,
)
def br_66(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        cards = doc.root.findall("cac:PaymentMeans/cac:CardAccount")
        if len(cards) > 1:
            yield cards[1]


@_RULES.rule(
    "BR-67",
    "fatal",
    ro="Factura poate conține cel mult un mandat de debitare directă (BG-19, "
    "cac:PaymentMeans/cac:PaymentMandate).",
    en="The invoice may contain at most one Direct debit mandate (BG-19, "
    "cac:PaymentMeans/cac:PaymentMandate).",
    needs=("cac:PaymentMandate",),
    covered=False,
)
def br_67(doc: UblDocument) -> Iterator[Node]:
    if doc.is_ubl:
        mandates = doc.root.findall("cac:PaymentMeans/cac:PaymentMandate")
        if len(mandates) > 1:
            yield mandates[1]


@_RULES.rule(
    "BR-CO-03",
    "fatal",
    ro="Data exigibilității TVA (BT-7, cbc:TaxPointDate) și codul datei exigibilității (BT-8, "
    "cac:InvoicePeriod/cbc:DescriptionCode) se exclud reciproc: păstrați doar unul.",
    en="Value added tax point date (BT-7, cbc:TaxPointDate) and its code (BT-8, "
    "cac:InvoicePeriod/cbc:DescriptionCode) are mutually exclusive: keep only one.",
    needs=("cbc:TaxPointDate",),
    covered=False,
)
def br_co_03(doc: UblDocument) -> Iterator[Node]:
    if (
        doc.is_ubl
        and doc.root.kids("cbc:TaxPointDate")
        and doc.root.has("cac:InvoicePeriod/cbc:DescriptionCode")
    ):
        yield doc.root.kids("cbc:TaxPointDate")[0]


@_RULES.rule(
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


@_RULES.rule(
    "BR-CO-18",
    "fatal",
    ro="Factura trebuie să aibă cel puțin un grup de defalcare a TVA (BG-23, cac:TaxTotal/cac:TaxSubtotal).",
    en="The invoice must have at least one VAT breakdown group (BG-23, cac:TaxTotal/cac:TaxSubtotal).",
)
def br_co_18(doc: UblDocument) -> Iterator[Node]:
    return _required(doc, "cac:TaxTotal/cac:TaxSubtotal")


@_RULES.rule(
    "BR-CO-25",
    "fatal",
    ro="Când suma de plată (BT-115) este pozitivă, trebuie dată data scadenței (BT-9, cbc:DueDate) sau "
    "termenii de plată (BT-20, cac:PaymentTerms/cbc:Note).",
    en="When the Amount due for payment (BT-115) is positive, the Payment due date (BT-9, cbc:DueDate) or "
    "the Payment terms (BT-20, cac:PaymentTerms/cbc:Note) must be given.",
)
def br_co_25(doc: UblDocument) -> Iterator[Node]:
    # ANAF's copy binds this to /ubl:Invoice only: credit notes are not checked.
    if not doc.is_invoice:
        return
    for amount in doc.root.findall("cac:LegalMonetaryTotal/cbc:PayableAmount"):
        value = as_double(amount.text)
        if value is None:
            continue
        has_terms = bool(doc.all("cbc:DueDate")) or any(
            t.kids("cbc:Note") for t in doc.all("cac:PaymentTerms")
        )
        if not ((value > 0 and has_terms) or value <= 0):
            yield amount


_RULES.register(RULES)
