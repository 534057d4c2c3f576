"""Field by field: values read exactly as written, and every bad field refused by its XPath."""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.parse import MAX_NUMBER_LENGTH, InvalidField, parse_xml

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
}

MINIMAL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
  <cbc:ID>GEN-0001</cbc:ID>
  <cbc:IssueDate>2026-03-31</cbc:IssueDate>
  <cbc:DueDate>2026-04-30</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note>Plata prin OP</cbc:Note>
  <cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress>
      <cbc:StreetName>Str. Lunga 1</cbc:StreetName><cbc:CityName>SECTOR1</cbc:CityName>
      <cbc:CountrySubentity>RO-B</cbc:CountrySubentity>
      <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>RO1234567</cbc:CompanyID>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Furnizor SRL</cbc:RegistrationName>
      <cbc:CompanyLegalForm>J40/1/2020, capital social 200 RON</cbc:CompanyLegalForm></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress>
      <cbc:StreetName>Bd. Eroilor 2</cbc:StreetName><cbc:CityName>Cluj-Napoca</cbc:CityName>
      <cbc:CountrySubentity>RO-CJ</cbc:CountrySubentity>
      <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>
    </cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Client SA</cbc:RegistrationName>
      <cbc:CompanyID>7654321</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="RON">19.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="RON">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="RON">19.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19.00</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="RON">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="RON">119.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="RON">119.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="H87">2.500</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="RON">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Surub M8</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="RON">40.0000</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""


def _mutate(change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(MINIMAL)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _one(root: etree._Element, xpath: str) -> etree._Element:
    found = root.xpath(xpath, namespaces=NS)
    assert len(found) == 1, xpath
    return found[0]


def _set_text(xpath: str, text: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        _one(root, xpath).text = text

    return change


def _remove(xpath: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = _one(root, xpath)
        element.getparent().remove(element)

    return change


def _duplicate(xpath: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        element = _one(root, xpath)
        element.addnext(etree.fromstring(etree.tostring(element)))

    return change


def test_minimal_invoice_reads_exactly_as_written() -> None:
    invoice = parse_xml(MINIMAL)
    assert (invoice.number, invoice.issue_date, invoice.due_date) == (
        "GEN-0001",
        date(2026, 3, 31),
        date(2026, 4, 30),
    )
    line = invoice.lines[0]
    assert str(line.quantity) == "2.500" and line.unit_code == "H87"
    assert str(line.price.net_price) == "40.0000"
    assert str(invoice.vat_breakdown[0].rate) == "19.00"
    assert invoice.seller.additional_legal_info == "J40/1/2020, capital social 200 RON"
    assert invoice.buyer.legal_registration_id is not None
    assert invoice.buyer.legal_registration_id.value == "7654321"
    assert invoice.buyer.vat_id is None
    assert invoice.notes[0].text == "Plata prin OP"


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (_remove("/inv:Invoice/cbc:ID"), "/Invoice/cbc:ID", "BT-1 invoice number is missing"),
        (_set_text("/inv:Invoice/cbc:ID", "  "), "/Invoice/cbc:ID", "BT-1 invoice number is empty"),
        (_remove("/inv:Invoice/cbc:IssueDate"), "/Invoice/cbc:IssueDate", "BT-2"),
        (_set_text("/inv:Invoice/cbc:IssueDate", "31.03.2026"), "/Invoice/cbc:IssueDate", "YYYY-MM-DD"),
        (
            _set_text("/inv:Invoice/cbc:IssueDate", "2026-02-30"),
            "/Invoice/cbc:IssueDate",
            "not a calendar date",
        ),
        (_duplicate("/inv:Invoice/cbc:IssueDate"), "/Invoice/cbc:IssueDate", "appears 2 times"),
        (_remove("/inv:Invoice/cbc:InvoiceTypeCode"), "/Invoice/cbc:InvoiceTypeCode", "BT-3"),
        (_remove("/inv:Invoice/cbc:DocumentCurrencyCode"), "/Invoice/cbc:DocumentCurrencyCode", "BT-5"),
        (
            _set_text("//cac:LegalMonetaryTotal/cbc:PayableAmount", "1e3"),
            "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
            "not a decimal",
        ),
        (
            _set_text("//cac:LegalMonetaryTotal/cbc:PayableAmount", "NaN"),
            "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
            "not a decimal",
        ),
        (
            _set_text("//cac:LegalMonetaryTotal/cbc:PayableAmount", "1,19"),
            "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
            "not a decimal",
        ),
        (
            _set_text("//cac:LegalMonetaryTotal/cbc:PayableAmount", "9" * (MAX_NUMBER_LENGTH + 1)),
            "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
            "too long",
        ),
        (
            _remove("//cac:AccountingSupplierParty//cbc:RegistrationName"),
            "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
            "BT-27 seller name is missing",
        ),
        (
            _remove("//cac:AccountingCustomerParty"),
            "/Invoice/cac:AccountingCustomerParty",
            "BG-7 buyer is missing",
        ),
        (
            _remove("//cac:AccountingCustomerParty//cbc:IdentificationCode"),
            "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
            "buyer address country code is missing",
        ),
        (
            _remove("//cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode/.."),
            "/Invoice/cac:InvoiceLine/cbc:InvoicedQuantity",
            "BT-129",
        ),
        (
            _remove("//cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory"),
            "/Invoice/cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory",
            "BG-30",
        ),
        (
            _set_text("//cac:InvoiceLine/cbc:InvoicedQuantity", "two"),
            "/Invoice/cac:InvoiceLine/cbc:InvoicedQuantity",
            "'two' is not a decimal",
        ),
        (
            _duplicate("//cac:InvoiceLine/cac:Price"),
            "/Invoice/cac:InvoiceLine/cac:Price",
            "appears 2 times",
        ),
    ],
)
def test_bad_fields_are_refused_by_xpath(
    change: Callable[[etree._Element], None], path: str, fragment: str
) -> None:
    with pytest.raises(InvalidField) as raised:
        parse_xml(_mutate(change))
    assert raised.value.problems[0].field == path
    assert fragment in raised.value.message
    assert raised.value.message.startswith(path)


def test_the_line_index_is_in_the_xpath() -> None:
    def two_lines_second_without_unit(root: etree._Element) -> None:
        line = _one(root, "//cac:InvoiceLine")
        second = etree.fromstring(etree.tostring(line))
        del second.find("cbc:InvoicedQuantity", NS).attrib["unitCode"]
        line.addnext(second)

    with pytest.raises(InvalidField) as raised:
        parse_xml(_mutate(two_lines_second_without_unit))
    assert raised.value.field == "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity/@unitCode"
    assert "BT-130" in raised.value.message


def test_leaf_with_nested_elements_is_refused() -> None:
    def nest(root: etree._Element) -> None:
        etree.SubElement(_one(root, "/inv:Invoice/cbc:ID"), f"{{{NS['cbc']}}}ID").text = "x"

    with pytest.raises(InvalidField) as raised:
        parse_xml(_mutate(nest))
    assert raised.value.field == "/Invoice/cbc:ID"


def test_bad_base64_attachment_is_refused() -> None:
    def attach(root: etree._Element) -> None:
        reference = etree.fromstring(
            b'<cac:AdditionalDocumentReference xmlns:cac="'
            + NS["cac"].encode()
            + b'" xmlns:cbc="'
            + NS["cbc"].encode()
            + b'"><cbc:ID>A1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" '
            b'filename="a.csv">@@not base64@@</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>'
            b"</cac:AdditionalDocumentReference>"
        )
        _one(root, "/inv:Invoice/cac:AccountingSupplierParty").addprevious(reference)

    with pytest.raises(InvalidField) as raised:
        parse_xml(_mutate(attach))
    assert raised.value.field == (
        "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
    )


def test_base64_with_line_breaks_decodes_to_bytes() -> None:
    payload = bytes(range(256)) * 3
    wrapped = "\n".join(textwrap.wrap(base64.b64encode(payload).decode(), 76))

    def attach(root: etree._Element) -> None:
        reference = etree.SubElement(root, f"{{{NS['cac']}}}AdditionalDocumentReference")
        etree.SubElement(reference, f"{{{NS['cbc']}}}ID").text = "A1"
        holder = etree.SubElement(reference, f"{{{NS['cac']}}}Attachment")
        binary = etree.SubElement(
            holder,
            f"{{{NS['cbc']}}}EmbeddedDocumentBinaryObject",
            mimeCode="application/pdf",
            filename="f.pdf",
        )
        binary.text = wrapped

    attachment = parse_xml(_mutate(attach)).attachments[0]
    assert attachment.content == payload
    assert (attachment.mime_code, attachment.filename) == ("application/pdf", "f.pdf")


@pytest.mark.parametrize(
    ("written", "value"), [("+1.50", Decimal("1.50")), ("-0.5", Decimal("-0.5")), (".5", Decimal("0.5"))]
)
def test_decimal_forms_of_xs_decimal(written: str, value: Decimal) -> None:
    invoice = parse_xml(_mutate(_set_text("//cac:LegalMonetaryTotal/cbc:PayableAmount", written)))
    assert invoice.totals.payable_amount == value


def test_currency_ids_of_two_tax_totals_pick_bt_110_and_bt_111() -> None:
    def foreign_currency(root: etree._Element) -> None:
        _one(root, "/inv:Invoice/cbc:DocumentCurrencyCode").text = "EUR"
        tax_currency = etree.Element(f"{{{NS['cbc']}}}TaxCurrencyCode")
        tax_currency.text = "RON"
        _one(root, "/inv:Invoice/cbc:DocumentCurrencyCode").addnext(tax_currency)
        for amount in root.xpath("//*[@currencyID]"):
            amount.set("currencyID", "EUR")
        accounting = etree.Element(f"{{{NS['cac']}}}TaxTotal")
        etree.SubElement(accounting, f"{{{NS['cbc']}}}TaxAmount", currencyID="RON").text = "94.53"
        _one(root, "/inv:Invoice/cac:TaxTotal").addprevious(accounting)  # order does not matter

    invoice = parse_xml(_mutate(foreign_currency))
    assert (invoice.currency, invoice.vat_accounting_currency) == ("EUR", "RON")
    assert (invoice.totals.vat_total, invoice.totals.vat_total_accounting) == (
        Decimal("19.00"),
        Decimal("94.53"),
    )
    assert len(invoice.vat_breakdown) == 1


def test_two_tax_totals_in_the_invoice_currency_are_refused() -> None:
    with pytest.raises(InvalidField) as raised:
        parse_xml(_mutate(_duplicate("/inv:Invoice/cac:TaxTotal")))
    assert raised.value.field == "/Invoice/cac:TaxTotal[2]"


def test_a_credit_note_reads_bt9_from_payment_means() -> None:
    text = (
        MINIMAL.replace(b"xsd:Invoice-2", b"xsd:CreditNote-2")
        .replace(b"<Invoice ", b"<CreditNote ")
        .replace(b"</Invoice>", b"</CreditNote>")
        .replace(b"InvoiceTypeCode>380", b"CreditNoteTypeCode>381")
        .replace(b"InvoiceTypeCode>", b"CreditNoteTypeCode>")
        .replace(b"InvoiceLine>", b"CreditNoteLine>")
        .replace(b"InvoicedQuantity", b"CreditedQuantity")
        .replace(b"<cbc:DueDate>2026-04-30</cbc:DueDate>", b"")
        .replace(
            b"<cac:TaxTotal>",
            b"<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>"
            b"<cbc:PaymentDueDate>2026-05-15</cbc:PaymentDueDate>"
            b"<cac:PayeeFinancialAccount><cbc:ID>RO49AAAA1B31007593840000</cbc:ID></cac:PayeeFinancialAccount>"
            b"</cac:PaymentMeans><cac:TaxTotal>",
        )
    )
    credit = parse_xml(text)
    assert credit.is_credit_note and credit.type_code == "381"
    assert credit.due_date == date(2026, 5, 15)
    assert str(credit.lines[0].quantity) == "2.500"
    assert credit.payment_instructions[0].credit_transfers[0].account_id == "RO49AAAA1B31007593840000"


def test_invoice_elements_inside_a_credit_note_are_not_read_as_lines() -> None:
    text = (
        MINIMAL.replace(b"xsd:Invoice-2", b"xsd:CreditNote-2")
        .replace(b"<Invoice ", b"<CreditNote ")
        .replace(b"</Invoice>", b"</CreditNote>")
    )
    with pytest.raises(InvalidField) as raised:  # InvoiceTypeCode is not CreditNoteTypeCode
        parse_xml(text)
    assert raised.value.field == "/CreditNote/cbc:CreditNoteTypeCode"


def _with_sepa_id_and_means(code: str, mandate: bool) -> bytes:
    def change(root: etree._Element) -> None:
        party = _one(root, "//cac:AccountingSupplierParty/cac:Party")
        holder = etree.Element(f"{{{NS['cac']}}}PartyIdentification")
        etree.SubElement(holder, f"{{{NS['cbc']}}}ID", schemeID="sepa").text = "RO98ZZZ014523"
        party.insert(0, holder)
        means = etree.Element(f"{{{NS['cac']}}}PaymentMeans")
        etree.SubElement(means, f"{{{NS['cbc']}}}PaymentMeansCode").text = code
        if mandate:
            holder = etree.SubElement(means, f"{{{NS['cac']}}}PaymentMandate")
            etree.SubElement(holder, f"{{{NS['cbc']}}}ID").text = "MANDAT-7"
        _one(root, "/inv:Invoice/cac:TaxTotal").addprevious(means)

    return _mutate(change)


@pytest.mark.parametrize(("code", "mandate"), [("59", False), ("49", True), ("30", True)])
def test_a_sepa_identifier_is_bt90_when_there_is_a_direct_debit(code: str, mandate: bool) -> None:
    invoice = parse_xml(_with_sepa_id_and_means(code, mandate))
    debit = invoice.payment_instructions[0].direct_debit
    assert debit is not None and debit.creditor_reference == "RO98ZZZ014523"
    assert debit.mandate_reference == ("MANDAT-7" if mandate else None)
    assert invoice.seller.identifiers == []


def test_a_sepa_identifier_without_a_direct_debit_stays_a_party_identifier() -> None:
    invoice = parse_xml(_with_sepa_id_and_means("30", mandate=False))
    assert invoice.payment_instructions[0].direct_debit is None
    assert [(i.value, i.scheme) for i in invoice.seller.identifiers] == [("RO98ZZZ014523", "sepa")]


def test_order_reference_na_beside_a_sales_order_means_no_purchase_order() -> None:
    def change(root: etree._Element) -> None:
        order = etree.Element(f"{{{NS['cac']}}}OrderReference")
        etree.SubElement(order, f"{{{NS['cbc']}}}ID").text = "NA"
        etree.SubElement(order, f"{{{NS['cbc']}}}SalesOrderID").text = "SO-9"
        _one(root, "/inv:Invoice/cac:AccountingSupplierParty").addprevious(order)

    invoice = parse_xml(_mutate(change))
    assert (invoice.purchase_order_reference, invoice.sales_order_reference) == (None, "SO-9")
