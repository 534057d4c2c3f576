"""Small UBL documents for the validator's unit tests, and helpers to break them one rule at a time."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from genius.fiscal.ro.efactura.validate.document import NAMESPACES, UblDocument
from genius.fiscal.ro.efactura.validate.findings import Finding
from genius.fiscal.ro.efactura.validate.registry import rule_sets

# A two-line CIUS-RO invoice that ANAF's rule set accepts (checked by test_samples_are_accepted).
INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1</cbc:CustomizationID>
  <cbc:ID>GEN-2024-0001</cbc:ID>
  <cbc:IssueDate>2024-03-01</cbc:IssueDate>
  <cbc:DueDate>2024-03-31</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>RON</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cac:PostalAddress>
        <cbc:StreetName>Str. Exemplu 1</cbc:StreetName>
        <cbc:CityName>SECTOR1</cbc:CityName>
        <cbc:CountrySubentity>RO-B</cbc:CountrySubentity>
        <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>RO1234567</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Furnizor SRL</cbc:RegistrationName>
        <cbc:CompanyID>J40/1/2020</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cac:PostalAddress>
        <cbc:StreetName>Str. Client 2</cbc:StreetName>
        <cbc:CityName>Cluj-Napoca</cbc:CityName>
        <cbc:CountrySubentity>RO-CJ</cbc:CountrySubentity>
        <cac:Country><cbc:IdentificationCode>RO</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Client SA</cbc:RegistrationName>
        <cbc:CompanyID>7654321</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cac:PayeeFinancialAccount><cbc:ID>RO49AAAA1B31007593840000</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="RON">38.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="RON">200.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="RON">38.00</cbc:TaxAmount>
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="RON">200.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="RON">200.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="RON">238.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="RON">238.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="H87">2</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="RON">150.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Produs A</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="RON">75.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
  <cac:InvoiceLine>
    <cbc:ID>2</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="RON">50.00</cbc:LineExtensionAmount>
    <cac:Item>
      <cbc:Name>Serviciu B</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>19</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="RON">50.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""

NS = {**NAMESPACES, "ubl": NAMESPACES["ubl"]}


def tree(xml: str = INVOICE) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


def serialize(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def edit(xml: str, change: Callable[[etree._Element], object]) -> str:
    """Apply ``change`` to a parsed copy of ``xml`` and return the new XML text."""
    root = tree(xml)
    change(root)
    return serialize(root)


def el(root: etree._Element, xpath: str) -> etree._Element:
    """The single element at ``xpath`` (prefixes cbc/cac/ext; the root is ``/*``)."""
    found = root.xpath(xpath, namespaces=NS)
    assert len(found) >= 1, f"test setup: nothing at {xpath}"
    return found[0]


def remove(xpath: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for node in root.xpath(xpath, namespaces=NS):
            node.getparent().remove(node)

    return change


def set_text(xpath: str, text: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        for node in root.xpath(xpath, namespaces=NS):
            node.text = text

    return change


def en16931_findings(xml: str) -> list[Finding]:
    """Findings of every EN 16931 rule module (ANAF's bundled copy); BR-RO-* rules left out."""
    doc = UblDocument(tree(xml))
    return [f for rules in rule_sets() if rules.name.startswith("en16931") for f in rules.run(doc)]


def fired(xml: str) -> set[str]:
    """Ids of every EN 16931 rule (any flag) raised on ``xml``."""
    return {f.rule_id for f in en16931_findings(xml)}


def fatal(xml: str) -> set[str]:
    return {f.rule_id for f in en16931_findings(xml) if f.flag == "fatal"}
