"""Small documents that break EN 16931 rules one family at a time, with the rule ids ANAF's copy raises.

Each case edits the accepted sample invoice (or its credit-note twin); ``expected`` is the set
of fatal non-BR-RO ids, checked against our rules in test_en16931_rules and against ANAF's
XSLT in its oracle test, so the table cannot drift from ANAF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from .samples import INVOICE, NS, edit

Change = Callable[[etree._Element], object]

_WRAP = (
    '<w xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    f'xmlns:cac="{NS["cac"]}" xmlns:cbc="{NS["cbc"]}">'
)


def fragment(xml: str) -> list[etree._Element]:
    return list(etree.fromstring(f"{_WRAP}{xml}</w>"))


def add(parent: str, xml: str, index: int | None = None) -> Change:
    """Append (or insert at ``index``) the fragment's elements under every node at ``parent``."""

    def change(root: etree._Element) -> None:
        for node in root.xpath(parent, namespaces=NS):
            for position, element in enumerate(fragment(xml)):
                if index is None:
                    node.append(element)
                else:
                    node.insert(index + position, element)

    return change


def text(path: str, value: str) -> Change:
    def change(root: etree._Element) -> None:
        for node in root.xpath(path, namespaces=NS):
            node.text = value

    return change


def attr(path: str, name: str, value: str | None) -> Change:
    def change(root: etree._Element) -> None:
        for node in root.xpath(path, namespaces=NS):
            if value is None:
                node.attrib.pop(name, None)
            else:
                node.set(name, value)

    return change


def drop(path: str) -> Change:
    def change(root: etree._Element) -> None:
        for node in root.xpath(path, namespaces=NS):
            node.getparent().remove(node)

    return change


def rename(path: str, name: str) -> Change:
    def change(root: etree._Element) -> None:
        for node in root.xpath(path, namespaces=NS):
            node.tag = name

    return change


def credit_note(xml: str = INVOICE) -> str:
    """The sample invoice as a UBL CreditNote (type 381, CreditNoteLine, CreditedQuantity)."""
    cn = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    text_ = xml.replace("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", cn)
    text_ = text_.replace("<Invoice ", "<CreditNote ").replace("</Invoice>", "</CreditNote>")
    text_ = text_.replace("cbc:InvoiceTypeCode>380<", "cbc:CreditNoteTypeCode>381<").replace(
        "</cbc:InvoiceTypeCode>", "</cbc:CreditNoteTypeCode>"
    )
    text_ = text_.replace("cac:InvoiceLine>", "cac:CreditNoteLine>").replace(
        "cbc:InvoicedQuantity", "cbc:CreditedQuantity"
    )
    return text_.replace("<cbc:DueDate>2024-03-31</cbc:DueDate>\n", "")


@dataclass(frozen=True)
class Case:
    """``anaf``: "ok" when ANAF's XSLT runs; "ro-crash" when its CIUS-RO pattern stops with a dynamic
    error on the document (compare with its EN 16931 patterns alone); "crash" when even those stop."""

    name: str
    changes: tuple[Change, ...]
    expected: frozenset[str]
    base: str = INVOICE
    warnings: frozenset[str] = frozenset()
    anaf: str = "ok"

    def xml(self) -> str:
        xml = self.base
        for change in self.changes:
            xml = edit(xml, change)
        return xml


def case(
    name: str,
    *changes: Change,
    expected: set[str] | tuple[str, ...] = (),
    base: str = INVOICE,
    warnings: set[str] | tuple[str, ...] = (),
    anaf: str = "ok",
) -> Case:
    return Case(name, changes, frozenset(expected), base, frozenset(warnings), anaf)


ROOT = "/*"
SUPPLIER = "/*/cac:AccountingSupplierParty/cac:Party"
CUSTOMER = "/*/cac:AccountingCustomerParty/cac:Party"
LINE1 = "/*/*[local-name()='InvoiceLine' or local-name()='CreditNoteLine'][1]"
LINES = "/*/*[local-name()='InvoiceLine' or local-name()='CreditNoteLine']"
TOTALS = "/*/cac:LegalMonetaryTotal"
SUBTOTAL = "/*/cac:TaxTotal/cac:TaxSubtotal"

ALLOWANCE = (
    "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
    "<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>"
    '<cbc:Amount currencyID="RON">{amount}</cbc:Amount>'
    "<cac:TaxCategory><cbc:ID>{cat}</cbc:ID>{pct}<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
    "</cac:TaxCategory></cac:AllowanceCharge>"
)
CHARGE = ALLOWANCE.replace(">false<", ">true<").replace("Discount", "Freight")
LINE_ALLOWANCE = (
    "<cac:AllowanceCharge><cbc:ChargeIndicator>{ci}</cbc:ChargeIndicator>"
    "<cbc:AllowanceChargeReason>Line</cbc:AllowanceChargeReason>"
    '<cbc:Amount currencyID="RON">{amount}</cbc:Amount>'
    '<cbc:BaseAmount currencyID="RON">{base}</cbc:BaseAmount></cac:AllowanceCharge>'
)


def allowance(amount: str = "0.00", cat: str = "S", pct: str = "<cbc:Percent>19</cbc:Percent>") -> str:
    return ALLOWANCE.format(amount=amount, cat=cat, pct=pct)


def charge(amount: str = "0.00", cat: str = "S", pct: str = "<cbc:Percent>19</cbc:Percent>") -> str:
    return CHARGE.format(amount=amount, cat=cat, pct=pct)


def line_category(cat: str, pct: str | None) -> tuple[Change, ...]:
    """Every line and the breakdown in category ``cat`` with rate ``pct`` (None: no rate)."""
    changes: list[Change] = [
        text(f"{LINES}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", cat),
        text(f"{SUBTOTAL}/cac:TaxCategory/cbc:ID", cat),
    ]
    if pct is None:
        changes += [
            drop(f"{LINES}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
            drop(f"{SUBTOTAL}/cac:TaxCategory/cbc:Percent"),
        ]
    else:
        changes += [
            text(f"{LINES}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", pct),
            text(f"{SUBTOTAL}/cac:TaxCategory/cbc:Percent", pct),
        ]
    return tuple(changes)


def zero_vat() -> tuple[Change, ...]:
    """VAT amounts 0 and totals without VAT, for the zero-rated and exempt categories."""
    return (
        text("/*/cac:TaxTotal/cbc:TaxAmount", "0.00"),
        text(f"{SUBTOTAL}/cbc:TaxAmount", "0.00"),
        text(f"{TOTALS}/cbc:TaxInclusiveAmount", "200.00"),
        text(f"{TOTALS}/cbc:PayableAmount", "200.00"),
    )


REASON = "<cbc:TaxExemptionReason>Scutit conform art. 292</cbc:TaxExemptionReason>"
BUYER_VAT = (
    "<cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID>"
    "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
)

CASES: tuple[Case, ...] = (
    # -- document (BR-01..16, BR-53, BR-66/67, BR-CO-03/18/25) --------------------------------------
    case("no customization id", drop("/*/cbc:CustomizationID"), expected={"BR-01"}),
    case("empty issue date", text("/*/cbc:IssueDate", ""), expected={"BR-03"}),
    case("no type code", drop("/*/cbc:InvoiceTypeCode"), expected={"BR-04"}),
    case("no currency", drop("/*/cbc:DocumentCurrencyCode"), expected={"BR-05"}),
    case("no seller name", drop(f"{SUPPLIER}/cac:PartyLegalEntity/cbc:RegistrationName"), expected={"BR-06"}),
    case(
        "no buyer name", text(f"{CUSTOMER}/cac:PartyLegalEntity/cbc:RegistrationName", ""), expected={"BR-07"}
    ),
    case("no seller address", drop(f"{SUPPLIER}/cac:PostalAddress"), expected={"BR-08"}),
    case("no seller country", drop(f"{SUPPLIER}/cac:PostalAddress/cac:Country"), expected={"BR-09"}),
    case("no buyer address", drop(f"{CUSTOMER}/cac:PostalAddress"), expected={"BR-10"}),
    case(
        "no buyer country",
        text(f"{CUSTOMER}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", ""),
        expected={"BR-11", "BR-CL-14"},
    ),
    case("no lines", drop(LINES), expected={"BR-16", "BR-CO-10", "BR-S-01", "BR-S-08"}),
    case(
        "VAT currency without VAT total in it",
        add(ROOT, "<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>", 6),
        expected={"BR-53"},
    ),
    case(
        "two card accounts",
        add(
            ROOT,
            "<cac:PaymentMeans><cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>"
            "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID>"
            "<cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount></cac:PaymentMeans>" * 2,
        ),
        expected={"BR-66", "UBL-SR-47"},
    ),
    case(
        "two mandates",
        add(
            ROOT,
            "<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>"
            "<cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate></cac:PaymentMeans>" * 2,
        ),
        expected={"BR-67", "UBL-SR-47"},
    ),
    case(
        "tax point date and its code",
        add(ROOT, "<cbc:TaxPointDate>2024-03-01</cbc:TaxPointDate>"),
        add(ROOT, "<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod>"),
        expected={"BR-CO-03"},
    ),
    case("no VAT breakdown", drop(SUBTOTAL), expected={"BR-CO-18", "BR-S-01"}),
    case("amount due without due date", drop("/*/cbc:DueDate"), expected={"BR-CO-25"}),
    case("credit note without due date", base=credit_note()),
    # -- totals (BR-12..15, BR-CO-10..17, BR-45..48) --------------------------------------------------
    case(
        "no line total", drop(f"{TOTALS}/cbc:LineExtensionAmount"), expected={"BR-12", "BR-CO-10", "BR-CO-13"}
    ),
    case(
        "no total without VAT",
        drop(f"{TOTALS}/cbc:TaxExclusiveAmount"),
        expected={"BR-13", "BR-CO-13", "BR-CO-15"},
    ),
    case(
        "no total with VAT",
        drop(f"{TOTALS}/cbc:TaxInclusiveAmount"),
        expected={"BR-14", "BR-CO-15", "BR-CO-16"},
    ),
    case("no amount due", drop(f"{TOTALS}/cbc:PayableAmount"), expected={"BR-15", "BR-CO-16"}),
    case(
        "line total differs",
        text(f"{LINE1}/cbc:LineExtensionAmount", "151.00"),
        expected={"BR-CO-10", "BR-S-08"},
    ),
    case("allowance total missing", add(ROOT, allowance("10.00"), 12), expected={"BR-CO-11", "BR-S-08"}),
    case("charge total missing", add(ROOT, charge("10.00"), 12), expected={"BR-CO-12", "BR-S-08"}),
    case(
        "total without VAT wrong",
        text(f"{TOTALS}/cbc:TaxExclusiveAmount", "201.00"),
        expected={"BR-CO-13", "BR-CO-15"},
    ),
    case(
        "VAT total wrong", text("/*/cac:TaxTotal/cbc:TaxAmount", "38.50"), expected={"BR-CO-14", "BR-CO-15"}
    ),
    case("amount due wrong", text(f"{TOTALS}/cbc:PayableAmount", "230.00"), expected={"BR-CO-16"}),
    case(
        "prepaid and rounding",
        add(
            TOTALS,
            '<cbc:PrepaidAmount currencyID="RON">38.00</cbc:PrepaidAmount>'
            '<cbc:PayableRoundingAmount currencyID="RON">0.01</cbc:PayableRoundingAmount>',
        ),
        text(f"{TOTALS}/cbc:PayableAmount", "200.01"),
    ),
    case(
        "breakdown VAT off by more than 1",
        text(f"{SUBTOTAL}/cbc:TaxAmount", "40.00"),
        text("/*/cac:TaxTotal/cbc:TaxAmount", "40.00"),
        text(f"{TOTALS}/cbc:TaxInclusiveAmount", "240.00"),
        text(f"{TOTALS}/cbc:PayableAmount", "240.00"),
        expected={"BR-CO-17", "BR-S-09"},
    ),
    case(
        "breakdown without amounts",
        drop(f"{SUBTOTAL}/cbc:TaxableAmount"),
        drop(f"{SUBTOTAL}/cbc:TaxAmount"),
        expected={"BR-45", "BR-46", "BR-CO-14", "BR-CO-17", "BR-S-08", "BR-S-09"},
    ),
    case(
        "breakdown without category",
        drop(f"{SUBTOTAL}/cac:TaxCategory"),
        expected={"BR-47", "BR-48", "BR-CO-17", "BR-S-01"},
    ),
    case(
        "breakdown without rate",
        drop(f"{SUBTOTAL}/cac:TaxCategory/cbc:Percent"),
        expected={"BR-48", "BR-CO-17", "BR-S-09"},
    ),
    # -- lines (BR-21..28, BR-CO-04, UBL-SR-48) -------------------------------------------------------
    case("line without id", text(f"{LINE1}/cbc:ID", ""), expected={"BR-21"}),
    case("line without quantity", drop(f"{LINE1}/cbc:InvoicedQuantity"), expected={"BR-22", "BR-23"}),
    case(
        "quantity without unit", attr(f"{LINE1}/cbc:InvoicedQuantity", "unitCode", None), expected={"BR-23"}
    ),
    case(
        "line without net amount",
        drop(f"{LINE1}/cbc:LineExtensionAmount"),
        expected={"BR-24", "BR-CO-10", "BR-S-08"},
    ),
    case("item without name", drop(f"{LINE1}/cac:Item/cbc:Name"), expected={"BR-25"}),
    case("line without price", drop(f"{LINE1}/cac:Price"), expected={"BR-26"}),
    case("negative price", text(f"{LINE1}/cac:Price/cbc:PriceAmount", "-75.00"), expected={"BR-27"}),
    case(
        "negative gross price",
        add(
            f"{LINE1}/cac:Price",
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false"
            '</cbc:ChargeIndicator><cbc:Amount currencyID="RON">5.00</cbc:Amount>'
            '<cbc:BaseAmount currencyID="RON">-80.00</cbc:BaseAmount></cac:AllowanceCharge>',
        ),
        expected={"BR-28"},
    ),
    case(
        "line without VAT category",
        drop(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory"),
        expected={"BR-CO-04", "BR-S-08", "UBL-SR-48"},
    ),
    case(
        "line VAT category not VAT scheme",
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cac:TaxScheme/cbc:ID", "GST"),
        expected={"BR-CO-04"},
    ),
    # -- periods (BR-29/30, BR-CO-19/20) ---------------------------------------------------------------
    case(
        "invoice period ends before it starts",
        add(
            ROOT,
            "<cac:InvoicePeriod><cbc:StartDate>2024-03-10"
            "</cbc:StartDate><cbc:EndDate>2024-03-01</cbc:EndDate></cac:InvoicePeriod>",
            6,
        ),
        expected={"BR-29"},
    ),
    case("empty invoice period", add(ROOT, "<cac:InvoicePeriod/>", 6), expected={"BR-CO-19"}),
    case(
        "line period ends before it starts",
        add(
            LINE1,
            "<cac:InvoicePeriod><cbc:StartDate>2024-03-10"
            "</cbc:StartDate><cbc:EndDate>2024-03-01</cbc:EndDate></cac:InvoicePeriod>",
            3,
        ),
        expected={"BR-30"},
    ),
    case("empty line period", add(LINE1, "<cac:InvoicePeriod/>", 3), expected={"BR-CO-20"}),
    # -- allowances and charges (BR-31..44, BR-CO-21..24) -----------------------------------------------
    case(
        "document allowance without amount, category, reason",
        add(
            ROOT,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator></cac:AllowanceCharge>",
            12,
        ),
        expected={"BR-31", "BR-32", "BR-33", "BR-CO-11", "BR-CO-21"},
    ),
    case(
        "document charge without amount, category, reason",
        add(
            ROOT,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator></cac:AllowanceCharge>",
            12,
        ),
        expected={"BR-36", "BR-37", "BR-38", "BR-CO-12", "BR-CO-22"},
    ),
    case(
        "line allowance without amount and reason",
        add(
            LINE1,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator></cac:AllowanceCharge>",
            4,
        ),
        expected={"BR-41", "BR-42", "BR-CO-23"},
    ),
    case(
        "line charge without amount and reason",
        add(
            LINE1,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator></cac:AllowanceCharge>",
            4,
        ),
        expected={"BR-43", "BR-44", "BR-CO-24"},
    ),
    case(
        "allowance and charge balanced",
        add(ROOT, allowance("10.00") + charge("10.00"), 12),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">10.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">10.00</cbc:ChargeTotalAmount>',
            2,
        ),
    ),
    # -- decimals (BR-DEC-*, BR-DEC-RO-*, UBL-DT-01) ------------------------------------------------------
    case(
        "document allowance and charge with 3 decimals",
        add(ROOT, allowance("0.001") + charge("0.001"), 12),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">0.00</cbc:ChargeTotalAmount>',
            2,
        ),
        add("/*/cac:AllowanceCharge", '<cbc:BaseAmount currencyID="RON">1.001</cbc:BaseAmount>'),
        expected={
            "BR-DEC-01",
            "BR-DEC-02",
            "BR-DEC-05",
            "BR-DEC-06",
            "BR-DEC-RO-01",
            "BR-DEC-RO-02",
            "BR-DEC-RO-05",
            "BR-DEC-RO-06",
            "UBL-DT-01",
        },
    ),
    case(
        "credit note allowance with 3 decimals",
        add(ROOT, allowance("0.001"), 12),
        add(TOTALS, '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>', 2),
        base=credit_note(),
        expected={"BR-DEC-01", "UBL-DT-01"},
    ),
    case(
        "line allowance and charge with 3 decimals",
        add(
            LINE1,
            LINE_ALLOWANCE.format(ci="false", amount="0.001", base="1.001")
            + LINE_ALLOWANCE.format(ci="true", amount="0.001", base="1.001"),
            4,
        ),
        expected={
            "BR-DEC-24",
            "BR-DEC-25",
            "BR-DEC-27",
            "BR-DEC-28",
            "BR-DEC-RO-24",
            "BR-DEC-RO-25",
            "BR-DEC-RO-27",
            "BR-DEC-RO-28",
            "UBL-DT-01",
        },
    ),
    case(
        "totals with 3 decimals",
        text(f"{TOTALS}/cbc:PayableAmount", "238.001"),
        text(f"{TOTALS}/cbc:TaxInclusiveAmount", "238.001"),
        expected={"BR-CO-15", "BR-DEC-14", "BR-DEC-18", "BR-DEC-RO-14", "BR-DEC-RO-18", "UBL-DT-01"},
    ),
    case(
        "breakdown with 3 decimals",
        text(f"{SUBTOTAL}/cbc:TaxableAmount", "200.001"),
        expected={"BR-DEC-19", "BR-DEC-RO-1009", "UBL-DT-01"},
    ),
    case(
        "line amount with 3 decimals",
        text(f"{LINE1}/cbc:LineExtensionAmount", "150.001"),
        expected={"BR-DEC-23", "UBL-DT-01"},
    ),
    case("price may have more decimals", text(f"{LINE1}/cac:Price/cbc:PriceAmount", "75.0001")),
    # -- VAT categories ---------------------------------------------------------------------------------
    case("exempt without reason", *line_category("E", "0"), *zero_vat(), expected={"BR-E-10"}),
    case(
        "exempt with reason",
        *line_category("E", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
    ),
    case(
        "exempt line with a rate",
        *line_category("E", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "5"),
        expected={"BR-E-05"},
    ),
    case(
        "zero rated with reason",
        *line_category("Z", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        expected={"BR-Z-10"},
    ),
    case(
        "reverse charge without buyer id",
        *line_category("AE", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        drop(f"{CUSTOMER}/cac:PartyLegalEntity/cbc:CompanyID"),
        expected={"BR-AE-02"},
    ),
    case(
        "reverse charge breakdown with VAT",
        *line_category("AE", "0"),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        expected={"BR-AE-09", "BR-CO-17"},
    ),
    case(
        "intra-community without delivery",
        *line_category("K", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        add(CUSTOMER, BUYER_VAT, 2),
        expected={"BR-IC-11", "BR-IC-12"},
    ),
    case(
        "intra-community without buyer VAT id",
        *line_category("K", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        add(
            ROOT,
            "<cac:Delivery><cbc:ActualDeliveryDate>2024-03-01"
            "</cbc:ActualDeliveryDate><cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>DE"
            "</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery>",
            10,
        ),
        expected={"BR-IC-02"},
    ),
    case(
        "export without seller VAT id",
        *line_category("G", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        text(f"{SUPPLIER}/cac:PartyTaxScheme/cac:TaxScheme/cbc:ID", "TAX"),
        expected={"BR-G-02"},
    ),
    case(
        "not subject to VAT with VAT ids and a rate",
        *line_category("O", "0"),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        expected={"BR-O-02", "BR-O-05"},
    ),
    case(
        "not subject to VAT mixed with standard",
        *line_category("O", None),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        drop(f"{SUPPLIER}/cac:PartyTaxScheme"),
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "S"),
        expected={"BR-O-08", "BR-O-12", "BR-S-01", "BR-S-02", "BR-S-05"},
    ),
    case(
        "O allowance and charge among S",
        add(ROOT, allowance("0.00", "O", "") + charge("0.00", "O", ""), 12),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">0.00</cbc:ChargeTotalAmount>',
            2,
        ),
        expected={"BR-O-01", "BR-O-03", "BR-O-04"},
    ),
    case(
        "standard rate zero on allowance and charge",
        add(
            ROOT,
            allowance("0.00", "S", "<cbc:Percent>0</cbc:Percent>")
            + charge("0.00", "S", "<cbc:Percent>0</cbc:Percent>"),
            12,
        ),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">0.00</cbc:ChargeTotalAmount>',
            2,
        ),
        expected={"BR-S-06", "BR-S-07"},
    ),
    case("standard line without seller VAT id", drop(f"{SUPPLIER}/cac:PartyTaxScheme"), expected={"BR-S-02"}),
    case(
        "standard line rate zero",
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", "0"),
        expected={"BR-S-05", "BR-S-08"},
    ),
    case(
        "standard with exemption reason", add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2), expected={"BR-S-10"}
    ),
    case(
        "IGIC and IPSI lines",
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "L"),
        text(f"{LINES}[2]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "M"),
        expected={"BR-IG-01", "BR-IP-01", "BR-S-01", "BR-S-08"},
    ),
    case(
        "split payment",
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "B"),
        expected={"BR-B-01", "BR-B-02", "BR-S-08"},
    ),
    # -- code lists (BR-CL-*) -------------------------------------------------------------------------------
    case("unknown type code", text("/*/cbc:InvoiceTypeCode", "999"), expected={"BR-CL-01"}),
    case(
        "credit note with invoice type code",
        text("/*/cbc:CreditNoteTypeCode", "380"),
        base=credit_note(),
        expected={"BR-CL-01"},
    ),
    case(
        "unknown currencies",
        text("/*/cbc:DocumentCurrencyCode", "XXX"),
        attr(f"{TOTALS}/cbc:PayableAmount", "currencyID", "LEI"),
        add(ROOT, "<cbc:TaxCurrencyCode>ROL</cbc:TaxCurrencyCode>", 6),
        expected={"BR-53", "BR-CL-03", "BR-CL-05", "BR-CO-15"},
    ),
    case(
        "unknown period code",
        add(ROOT, "<cac:InvoicePeriod><cbc:DescriptionCode>5</cbc:DescriptionCode></cac:InvoicePeriod>", 6),
        expected={"BR-CL-06"},
    ),
    case(
        "invoiced object with unknown scheme",
        add(
            ROOT,
            '<cac:AdditionalDocumentReference><cbc:ID schemeID="Q9Q">'
            "OBJ-1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>",
            8,
        ),
        expected={"BR-CL-07"},
    ),
    case(
        "unknown identifier schemes",
        add(
            SUPPLIER,
            '<cac:PartyIdentification><cbc:ID schemeID="9999">X</cbc:ID></cac:PartyIdentification>',
            0,
        ),
        attr(f"{CUSTOMER}/cac:PartyLegalEntity/cbc:CompanyID", "schemeID", "0000"),
        add(
            f"{LINE1}/cac:Item",
            '<cac:StandardItemIdentification><cbc:ID schemeID="GTIN">'
            "123</cbc:ID></cac:StandardItemIdentification>",
            1,
        ),
        expected={"BR-CL-10", "BR-CL-11", "BR-CL-21"},
    ),
    case(
        "SEPA identifier on the buyer",
        add(
            CUSTOMER,
            '<cac:PartyIdentification><cbc:ID schemeID="SEPA">X</cbc:ID></cac:PartyIdentification>',
            0,
        ),
        expected={"BR-CL-10"},
    ),
    case(
        "SEPA identifier on the seller",
        add(
            SUPPLIER,
            '<cac:PartyIdentification><cbc:ID schemeID="SEPA">X</cbc:ID></cac:PartyIdentification>',
            0,
        ),
    ),
    case(
        "unknown classification list",
        add(
            f"{LINE1}/cac:Item",
            "<cac:CommodityClassification>"
            "<cbc:ItemClassificationCode "
            'listID="CPV">123</cbc:ItemClassificationCode></cac:CommodityClassification>',
        ),
        expected={"BR-CL-13"},
    ),
    case(
        "unknown countries",
        text(f"{SUPPLIER}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", "ROU"),
        add(
            f"{LINE1}/cac:Item",
            "<cac:OriginCountry><cbc:IdentificationCode>XX</cbc:IdentificationCode></cac:OriginCountry>",
        ),
        expected={"BR-CL-14", "BR-CL-15"},
    ),
    case(
        "unknown payment means", text("/*/cac:PaymentMeans/cbc:PaymentMeansCode", "99"), expected={"BR-CL-16"}
    ),
    case(
        "unknown VAT categories",
        text(f"{LINE1}/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", "X"),
        text(f"{SUBTOTAL}/cac:TaxCategory/cbc:ID", "Y"),
        expected={"BR-CL-17", "BR-CL-18", "BR-S-01"},
    ),
    case(
        "unknown allowance and charge reason codes",
        add(
            ROOT,
            allowance("0.00").replace(
                "<cbc:AllowanceChargeReason>",
                "<cbc:AllowanceChargeReasonCode>999</cbc:AllowanceChargeReasonCode>"
                "<cbc:AllowanceChargeReason>",
            )
            + charge("0.00").replace(
                "<cbc:AllowanceChargeReason>",
                "<cbc:AllowanceChargeReasonCode>QQ9</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>",
            ),
            12,
        ),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">0.00</cbc:ChargeTotalAmount>',
            2,
        ),
        expected={"BR-CL-19", "BR-CL-20"},
    ),
    case(
        "unknown exemption code, lower case accepted",
        add(
            f"{SUBTOTAL}/cac:TaxCategory",
            "<cbc:TaxExemptionReasonCode>vatex-eu-o</cbc:TaxExemptionReasonCode>",
            2,
        ),
        add(
            f"{SUBTOTAL}/cac:TaxCategory",
            "<cbc:TaxExemptionReasonCode>VATEX-RO-1</cbc:TaxExemptionReasonCode>",
            2,
        ),
        expected={"BR-CL-22", "BR-S-10"},
    ),
    case("unknown unit", attr(f"{LINE1}/cbc:InvoicedQuantity", "unitCode", "BUC"), expected={"BR-CL-23"}),
    case(
        "attachment with unknown MIME type and no file name",
        add(
            ROOT,
            "<cac:AdditionalDocumentReference>"
            '<cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/zip">'
            "AAAA</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>",
            8,
        ),
        expected={"BR-CL-24", "UBL-DT-07"},
    ),
    case(
        "unknown endpoint and delivery location schemes",
        add(SUPPLIER, '<cbc:EndpointID schemeID="EMAIL">a@b.ro</cbc:EndpointID>', 0),
        add(
            ROOT,
            '<cac:Delivery><cac:DeliveryLocation><cbc:ID schemeID="XX">L1'
            "</cbc:ID></cac:DeliveryLocation></cac:Delivery>",
            10,
        ),
        expected={"BR-CL-25", "BR-CL-26"},
    ),
    case(
        "note subject code",
        add(ROOT, "<cbc:Note>#Q1Q#Text</cbc:Note><cbc:Note>#AAI#Text</cbc:Note>", 5),
        expected={"BR-CL-08"},
    ),
    # -- UBL syntax (UBL-SR-*, UBL-DT-*, UBL-CR-666/673) -----------------------------------------------
    case(
        "repeated header references",
        add(
            ROOT,
            "<cac:ContractDocumentReference><cbc:ID>C1</cbc:ID>"
            "</cac:ContractDocumentReference>" * 2 + "<cac:ReceiptDocumentReference><cbc:ID>R1</cbc:ID>"
            "</cac:ReceiptDocumentReference>" * 2 + "<cac:DespatchDocumentReference><cbc:ID>D1</cbc:ID>"
            "</cac:DespatchDocumentReference>"
            * 2
            + "<cac:ProjectReference><cbc:ID>P1</cbc:ID></cac:ProjectReference>" * 2,
            8,
        ),
        expected={"UBL-SR-01", "UBL-SR-02", "UBL-SR-03", "UBL-SR-39"},
        anaf="ro-crash",
    ),
    case(
        "two invoiced objects with attachment and description",
        add(
            ROOT,
            "<cac:AdditionalDocumentReference>"
            "<cbc:ID>O1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cbc:DocumentDescription>a"
            "</cbc:DocumentDescription><cbc:DocumentDescription>b</cbc:DocumentDescription><cac:Attachment>"
            "<cbc:EmbeddedDocumentBinaryObject>AA</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"
            "</cac:AdditionalDocumentReference>" * 2,
            8,
        ),
        expected={"UBL-CR-666", "UBL-CR-673", "UBL-DT-06", "UBL-DT-07", "UBL-SR-04", "UBL-SR-33"},
        anaf="ro-crash",
    ),
    case(
        "supporting document with another type code",
        add(
            ROOT,
            "<cac:AdditionalDocumentReference>"
            "<cbc:ID>X</cbc:ID><cbc:DocumentTypeCode>916</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>",
            8,
        ),
        expected={"UBL-SR-43"},
    ),
    case(
        "repeated payment terms, periods and deliveries",
        add(
            ROOT, "<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod>" * 2, 6
        ),
        add(
            ROOT,
            "<cac:Delivery><cac:DeliveryParty>"
            "<cac:PartyName><cbc:Name>A</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName>"
            "</cac:DeliveryParty></cac:Delivery>" * 2,
            10,
        ),
        add(ROOT, "<cac:PaymentTerms><cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note></cac:PaymentTerms>", 12),
        expected={"UBL-SR-05", "UBL-SR-08", "UBL-SR-24", "UBL-SR-25", "UBL-SR-49"},
        anaf="ro-crash",
    ),
    case(
        "repeated seller and buyer data",
        add(
            f"{SUPPLIER}/cac:PartyLegalEntity",
            "<cbc:RegistrationName>X"
            "</cbc:RegistrationName><cbc:CompanyID>Y</cbc:CompanyID><cbc:CompanyLegalForm>a</cbc:CompanyLegalForm>"
            "<cbc:CompanyLegalForm>b</cbc:CompanyLegalForm>",
        ),
        add(SUPPLIER, "<cac:PartyName><cbc:Name>A</cbc:Name></cac:PartyName>" * 2, 0),
        add(
            SUPPLIER,
            "<cac:PartyTaxScheme><cbc:CompanyID>RO1</cbc:CompanyID><cac:TaxScheme>"
            "<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>J1</cbc:CompanyID>"
            "<cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>J2"
            "</cbc:CompanyID><cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
            2,
        ),
        add(
            f"{CUSTOMER}/cac:PartyLegalEntity",
            "<cbc:RegistrationName>X</cbc:RegistrationName><cbc:CompanyID>Z</cbc:CompanyID>",
        ),
        add(
            CUSTOMER,
            "<cac:PartyIdentification><cbc:ID>1</cbc:ID></cac:PartyIdentification>"
            "<cac:PartyIdentification><cbc:ID>2</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name>A"
            "</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName>"
            + BUYER_VAT
            * 2,
            0,
        ),
        expected={
            "UBL-SR-09",
            "UBL-SR-10",
            "UBL-SR-11",
            "UBL-SR-12",
            "UBL-SR-13",
            "UBL-SR-14",
            "UBL-SR-15",
            "UBL-SR-16",
            "UBL-SR-17",
            "UBL-SR-18",
            "UBL-SR-40",
            "UBL-SR-42",
        },
        anaf="ro-crash",
    ),
    case(
        "two codes in one payment means",
        add("/*/cac:PaymentMeans", "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", 1),
        anaf="crash",
        expected={"UBL-SR-27"},
    ),
    case(
        "repeated payment data",
        attr("/*/cac:PaymentMeans/cbc:PaymentMeansCode", "name", "a"),
        add(
            "/*/cac:PaymentMeans",
            "<cbc:PaymentDueDate>2024-03-31</cbc:PaymentDueDate><cbc:PaymentID>P1</cbc:PaymentID><cbc:PaymentID>P2"
            "</cbc:PaymentID><cac:PaymentMandate><cbc:ID>M1</cbc:ID><cbc:ID>M2</cbc:ID></cac:PaymentMandate>",
            1,
        ),
        add(
            ROOT,
            '<cac:PaymentMeans><cbc:PaymentMeansCode name="b">31</cbc:PaymentMeansCode>'
            "<cbc:PaymentDueDate>2024-03-31</cbc:PaymentDueDate><cbc:PaymentID>P3</cbc:PaymentID></cac:PaymentMeans>",
            12,
        ),
        expected={"UBL-SR-26", "UBL-SR-28", "UBL-SR-44", "UBL-SR-45", "UBL-SR-46", "UBL-SR-47"},
        warnings={"UBL-CR-412"},
        anaf="ro-crash",
    ),
    case(
        "repeated line data",
        add(LINE1, "<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>", 1),
        add(
            LINE1,
            "<cac:InvoicePeriod><cbc:StartDate>2024-03-01</cbc:StartDate></cac:InvoicePeriod>"
            * 2
            + "<cac:OrderLineReference><cbc:LineID>1</cbc:LineID><cbc:LineID>2</cbc:LineID>"
            "</cac:OrderLineReference>",
            4,
        ),
        add(
            f"{LINE1}/cac:Item", "<cbc:Description>a</cbc:Description><cbc:Description>b</cbc:Description>", 0
        ),
        add(
            f"{LINE1}/cac:Price",
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>"
            '<cbc:Amount currencyID="RON">1.00</cbc:Amount><cbc:Amount currencyID="RON">1.00</cbc:Amount>'
            '<cbc:BaseAmount currencyID="RON">76.00</cbc:BaseAmount></cac:AllowanceCharge>',
        ),
        expected={"UBL-SR-34", "UBL-SR-35", "UBL-SR-36", "UBL-SR-37", "UBL-SR-50"},
        anaf="ro-crash",
    ),
    case(
        "repeated allowance and charge reasons, exemption reasons",
        add(
            ROOT,
            allowance("0.00").replace(
                "Discount</cbc:AllowanceChargeReason>",
                "Discount</cbc:AllowanceChargeReason><cbc:AllowanceChargeReason>x"
                "</cbc:AllowanceChargeReason>",
            )
            + charge("0.00").replace(
                "Freight</cbc:AllowanceChargeReason>",
                "Freight</cbc:AllowanceChargeReason><cbc:AllowanceChargeReason>x</cbc:AllowanceChargeReason>",
            ),
            12,
        ),
        add(
            TOTALS,
            '<cbc:AllowanceTotalAmount currencyID="RON">0.00</cbc:AllowanceTotalAmount>'
            '<cbc:ChargeTotalAmount currencyID="RON">0.00</cbc:ChargeTotalAmount>',
            2,
        ),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON * 2, 2),
        expected={"BR-S-10", "UBL-SR-30", "UBL-SR-31", "UBL-SR-32"},
    ),
    case(
        "two preceding invoice references in one",
        add(
            ROOT,
            "<cac:BillingReference><cac:InvoiceDocumentReference>"
            "<cbc:ID>F1</cbc:ID></cac:InvoiceDocumentReference><cac:InvoiceDocumentReference><cbc:ID>F2</cbc:ID>"
            "</cac:InvoiceDocumentReference></cac:BillingReference>",
            7,
        ),
        expected={"UBL-SR-06"},
        anaf="ro-crash",
    ),
    case(
        "two SEPA creditor ids",
        add(
            SUPPLIER,
            '<cac:PartyIdentification><cbc:ID schemeID="SEPA">A</cbc:ID>'
            '</cac:PartyIdentification><cac:PartyIdentification><cbc:ID schemeID="sepa">B</cbc:ID>'
            "</cac:PartyIdentification>",
            0,
        ),
        expected={"BR-CL-10", "UBL-SR-29"},
    ),
    case(
        "binary object without MIME code",
        add(
            ROOT,
            "<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID>"
            "<cac:Attachment><cbc:EmbeddedDocumentBinaryObject "
            'filename="a.pdf">AA</cbc:EmbeddedDocumentBinaryObject>'
            "</cac:Attachment></cac:AdditionalDocumentReference>",
            8,
        ),
        expected={"UBL-DT-06"},
    ),
    case(
        "unused attributes",
        attr("/*/cbc:ID", "schemeName", "x"),
        attr("/*/cbc:ID", "schemeAgencyName", "x"),
        attr("/*/cbc:ID", "schemeDataURI", "x"),
        attr("/*/cbc:ID", "schemeURI", "x"),
        attr("/*/cbc:IssueDate", "format", "x"),
        attr(f"{LINE1}/cbc:InvoicedQuantity", "unitCodeListIdentifier", "x"),
        attr(f"{LINE1}/cbc:InvoicedQuantity", "unitCodeListAgencyIdentifier", "x"),
        attr(f"{LINE1}/cbc:InvoicedQuantity", "unitCodeListAgencyName", "x"),
        attr("/*/cbc:InvoiceTypeCode", "listAgencyName", "x"),
        attr("/*/cbc:InvoiceTypeCode", "listName", "x"),
        attr("/*/cbc:InvoiceTypeCode", "name", "x"),
        attr(f"{LINE1}/cac:Item/cbc:Name", "languageID", "ro"),
        attr("/*/cbc:InvoiceTypeCode", "listURI", "x"),
        attr("/*/cbc:InvoiceTypeCode", "listSchemeURI", "x"),
        attr(f"{LINE1}/cac:Item/cbc:Name", "languageLocaleID", "x"),
        attr("/*/cbc:ID", "schemeAgencyID", "x"),
        attr(f"{TOTALS}/cbc:PayableAmount", "currencyCodeListVersionID", "x"),
        attr("/*/cbc:InvoiceTypeCode", "listAgencyID", "x"),
        warnings={
            "UBL-DT-08",
            "UBL-DT-09",
            "UBL-DT-10",
            "UBL-DT-11",
            "UBL-DT-12",
            "UBL-DT-13",
            "UBL-DT-14",
            "UBL-DT-15",
            "UBL-DT-16",
            "UBL-DT-17",
            "UBL-DT-18",
            "UBL-DT-19",
            "UBL-DT-20",
            "UBL-DT-21",
            "UBL-DT-22",
            "UBL-DT-24",
            "UBL-DT-27",
            "UBL-DT-28",
        },
    ),
    case(
        "unused binary object attributes",
        add(
            ROOT,
            "<cac:AdditionalDocumentReference><cbc:ID>A1</cbc:ID><cac:Attachment>"
            '<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf" uri="x" '
            'characterSetCode="UTF-8" encodingCode="Base64">AA</cbc:EmbeddedDocumentBinaryObject>'
            "</cac:Attachment></cac:AdditionalDocumentReference>",
            8,
        ),
        warnings={"UBL-DT-23", "UBL-DT-25", "UBL-DT-26"},
    ),
    case(
        "tax representative with a nested party",
        add(
            ROOT,
            "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>Rep</cbc:Name></cac:PartyName>"
            "<cac:PostalAddress><cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>"
            "</cac:PostalAddress><cac:PartyTaxScheme><cbc:CompanyID>RO999</cbc:CompanyID><cac:TaxScheme>"
            "<cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:Party><cac:PartyName><cbc:Name>A"
            "</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName><cac:PartyTaxScheme>"
            "<cbc:CompanyID>RO1</cbc:CompanyID></cac:PartyTaxScheme><cac:PartyTaxScheme><cbc:CompanyID>RO2"
            "</cbc:CompanyID></cac:PartyTaxScheme></cac:Party></cac:TaxRepresentativeParty>",
            9,
        ),
        expected={"UBL-SR-22", "UBL-SR-23"},
    ),
    case(
        "payment means name is allowed", attr("/*/cac:PaymentMeans/cbc:PaymentMeansCode", "name", "Transfer")
    ),
    # -- parties and references (BR-17..20, 49..57, 61..65, BR-CO-09, BR-CO-26) -----------------------------
    case(
        "payee equal to seller",
        add(
            ROOT,
            "<cac:PayeeParty><cac:PartyName><cbc:Name>Furnizor SRL</cbc:Name>"
            "</cac:PartyName></cac:PayeeParty>",
            9,
        ),
        expected={"UBL-SR-19", "UBL-SR-20", "UBL-SR-21"},
    ),
    case(
        "payee without name",
        add(
            ROOT,
            "<cac:PayeeParty><cac:PartyIdentification><cbc:ID>P1</cbc:ID>"
            "</cac:PartyIdentification></cac:PayeeParty>",
            9,
        ),
        expected={"BR-17", "UBL-SR-19", "UBL-SR-20", "UBL-SR-21"},
    ),
    case(
        "tax representative incomplete",
        add(
            ROOT,
            "<cac:TaxRepresentativeParty><cac:PostalAddress>"
            "<cac:Country><cbc:IdentificationCode></cbc:IdentificationCode></cac:Country></cac:PostalAddress>"
            "</cac:TaxRepresentativeParty>",
            9,
        ),
        expected={"BR-18", "BR-20", "BR-56", "BR-CL-14"},
    ),
    case(
        "tax representative without address",
        add(
            ROOT,
            "<cac:TaxRepresentativeParty><cac:PartyName>"
            "<cbc:Name>Rep</cbc:Name></cac:PartyName><cac:PartyTaxScheme><cbc:CompanyID>RO999</cbc:CompanyID>"
            "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme></cac:TaxRepresentativeParty>",
            9,
        ),
        expected={"BR-19"},
    ),
    case("payment means without code", drop("/*/cac:PaymentMeans/cbc:PaymentMeansCode"), expected={"BR-49"}),
    case(
        "credit transfer without account",
        drop("/*/cac:PaymentMeans/cac:PayeeFinancialAccount"),
        expected={"BR-61"},
    ),
    case(
        "credit transfer with empty account",
        text("/*/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", ""),
        expected={"BR-50"},
    ),
    case(
        "full card number",
        add(
            ROOT,
            "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"
            "<cac:CardAccount><cbc:PrimaryAccountNumberID>4111111111111111</cbc:PrimaryAccountNumberID>"
            "<cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount></cac:PaymentMeans>",
            11,
        ),
        expected={"BR-61"},
        warnings={"BR-51"},
    ),
    case(
        "supporting document without id",
        add(ROOT, "<cac:AdditionalDocumentReference><cbc:ID></cbc:ID></cac:AdditionalDocumentReference>", 8),
        expected={"BR-52"},
    ),
    case(
        "item attribute without value",
        add(
            f"{LINE1}/cac:Item",
            "<cac:AdditionalItemProperty><cbc:Name>Color</cbc:Name></cac:AdditionalItemProperty>",
        ),
        expected={"BR-54"},
    ),
    case(
        "preceding invoice without number",
        add(
            ROOT,
            "<cac:BillingReference><cac:InvoiceDocumentReference>"
            "<cbc:IssueDate>2024-01-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>",
            7,
        ),
        expected={"BR-55", "UBL-SR-07"},
    ),
    case(
        "deliver-to address without country",
        add(
            ROOT,
            "<cac:Delivery><cac:DeliveryLocation><cac:Address>"
            "<cbc:CityName>Iasi</cbc:CityName></cac:Address></cac:DeliveryLocation></cac:Delivery>",
            10,
        ),
        expected={"BR-57"},
    ),
    case(
        "electronic addresses without scheme",
        add(SUPPLIER, "<cbc:EndpointID>a@b.ro</cbc:EndpointID>", 0),
        add(CUSTOMER, "<cbc:EndpointID>c@d.ro</cbc:EndpointID>", 0),
        expected={"BR-62", "BR-63"},
    ),
    case(
        "item identifiers without scheme",
        add(
            f"{LINE1}/cac:Item",
            "<cac:StandardItemIdentification><cbc:ID>1"
            "</cbc:ID></cac:StandardItemIdentification><cac:CommodityClassification><cbc:ItemClassificationCode>2"
            "</cbc:ItemClassificationCode></cac:CommodityClassification>",
        ),
        expected={"BR-64", "BR-65"},
    ),
    case(
        "VAT id without country prefix",
        text(f"{SUPPLIER}/cac:PartyTaxScheme/cbc:CompanyID", "1234567"),
        expected={"BR-CO-09"},
    ),
    case("VAT id with Greek prefix", text(f"{SUPPLIER}/cac:PartyTaxScheme/cbc:CompanyID", "EL123456789")),
    case(
        "seller without any identifier",
        drop(f"{SUPPLIER}/cac:PartyTaxScheme"),
        drop(f"{SUPPLIER}/cac:PartyLegalEntity/cbc:CompanyID"),
        *line_category("O", None),
        *zero_vat(),
        add(f"{SUBTOTAL}/cac:TaxCategory", REASON, 2),
        expected={"BR-CO-26"},
    ),
)
