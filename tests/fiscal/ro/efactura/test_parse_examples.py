"""Every official EN 16931 and CIUS-RO UBL example parses, and what it says reaches the model."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from genius.fiscal.ro.efactura.model import DocumentKind, Identifier, Invoice
from genius.fiscal.ro.efactura.parse import MalformedXml, parse_xml
from tests.conftest import VALIDATION_DIR

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# CEN's and ANAF's example invoices, plus CEN's 29 full test invoices (Peppol BIS Billing 3.0
# samples) beside the unit-test fragments.
EXAMPLE_ROOTS = ("en16931-ubl/examples", "ciusro/examples", "en16931-ubl/test/testfiles")


def _example_names() -> list[str]:
    """Relative paths of the official examples (collected at import so each is its own test)."""
    if not VALIDATION_DIR.is_dir():
        return ["<validation dir missing>"]
    return sorted(
        str(p.relative_to(VALIDATION_DIR))
        for root in EXAMPLE_ROOTS
        for p in (VALIDATION_DIR / root).rglob("*")
        if p.suffix.lower() == ".xml"
    )


def read_example(validation_dir: Path, name: str) -> bytes:
    """The example's bytes; a file in the shared folder that is no XML at all is a damaged fixture.

    (``ubl_b2g_example1.xml`` was once found overwritten with ``0\\n``.) The parser must refuse such
    a file, and there is nothing else to check, so the test says so and skips, never passes.
    """
    data = (validation_dir / name).read_bytes()
    if b"<" not in data[:4096]:
        with pytest.raises(MalformedXml):
            parse_xml(data)
        pytest.skip(f"{name} is not an XML document ({len(data)} bytes: {data[:20]!r}); damaged fixture")
    return data


def _parse(validation_dir: Path, name: str) -> Invoice:
    return parse_xml(read_example(validation_dir, name))


@pytest.mark.parametrize("name", _example_names())
def test_every_official_example_parses_faithfully(validation_dir: Path, name: str) -> None:
    data = read_example(validation_dir, name)
    invoice = parse_xml(data)
    # Cross-check against the XML read independently with plain XPath.
    tree = etree.fromstring(data)
    root_name = etree.QName(tree).localname
    line_tag = "CreditNoteLine" if root_name == "CreditNote" else "InvoiceLine"
    assert invoice.document_kind is DocumentKind(root_name)
    assert invoice.number == tree.findtext("cbc:ID", namespaces=NS).strip()
    assert invoice.currency == tree.findtext("cbc:DocumentCurrencyCode", namespaces=NS).strip()
    assert invoice.issue_date == date.fromisoformat(tree.findtext("cbc:IssueDate", namespaces=NS).strip())
    lines = tree.findall(f"cac:{line_tag}", namespaces=NS)
    assert [line.id for line in invoice.lines] == [x.findtext("cbc:ID", namespaces=NS).strip() for x in lines]
    # Decimals exactly as written (same value and same scale).
    written_prices = [x.findtext("cac:Price/cbc:PriceAmount", namespaces=NS).strip() for x in lines]
    assert [str(line.price.net_price) for line in invoice.lines] == written_prices
    payable = tree.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS)
    assert invoice.totals.payable_amount == Decimal(payable)
    assert str(invoice.totals.payable_amount) == payable.strip()
    assert len(invoice.vat_breakdown) == len(tree.findall("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS))


def test_tc434_example5_carries_every_group(validation_dir: Path) -> None:
    invoice = _parse(validation_dir, "en16931-ubl/examples/ubl-tc434-example5.xml")
    assert (invoice.currency, invoice.vat_accounting_currency) == ("DKK", "EUR")
    assert invoice.totals.vat_total == Decimal("675.00")
    assert invoice.totals.vat_total_accounting == Decimal("628.62")  # BT-111: the TaxTotal in EUR
    assert invoice.seller.vat_id == "NL16356706"
    assert invoice.seller.electronic_address == Identifier(value="info@selco.nl", scheme="EM")
    assert invoice.seller.identifiers == [Identifier(value="5790000436101", scheme="0088")]
    assert invoice.payee is not None and invoice.payee.name == "Dagobert Duck"
    assert invoice.tax_representative is not None and invoice.tax_representative.vat_id == "DK16356609"
    assert invoice.delivery is not None and invoice.delivery.party_name == "Logistic service Ltd"
    assert invoice.delivery.address is not None and invoice.delivery.address.city == "Deliverycity"
    assert [(a.reason_code, a.percentage, a.amount) for a in invoice.allowances] == [
        ("100", Decimal("10"), Decimal("150.00"))
    ]
    assert [c.reason for c in invoice.charges] == ["Packaging"]
    assert invoice.project_reference == "Project345"
    assert invoice.tender_or_lot_reference == "Lot567"
    assert (invoice.receiving_advice_reference, invoice.despatch_advice_reference) == ("3544", "5433")
    assert [(p.number, p.issue_date) for p in invoice.preceding_invoices] == [("TOSL109", date(2013, 3, 10))]
    debit = invoice.payment_instructions[0].direct_debit
    assert debit is not None and (debit.mandate_reference, debit.debited_account_id) == (
        "123456",
        "DK1212341234123412",
    )
    attachment = invoice.attachments[1]
    assert attachment.content == b"Testing Base64 encoding"
    assert (attachment.mime_code, attachment.filename) == ("application/pdf", "EHF.pdf")
    first = invoice.lines[0]
    assert (first.price.gross_price, first.price.discount, first.price.base_quantity) == (
        Decimal("1.10"),
        Decimal("0.10"),
        Decimal("1"),
    )
    assert first.item.standard_id == Identifier(value="1234567890128", scheme="0088")
    assert [(c.code, c.list_id) for c in first.item.classifications] == [("12344321", "ZZZ")]
    assert [(a.name, a.value) for a in first.item.attributes] == [("Thickness", "2 mm")]
    assert [c.reason for c in first.charges] == ["Packaging"]


def test_credit_notes_read_their_own_element_names(validation_dir: Path) -> None:
    cen = _parse(validation_dir, "en16931-ubl/examples/ubl-tc434-creditnote1.xml")
    assert cen.is_credit_note and cen.type_code == "381"
    assert cen.lines[0].quantity == Decimal("1.00") and cen.lines[0].unit_code == "C62"
    anaf = _parse(validation_dir, "ciusro/examples/anaf-2022/creditNote_ex.xml")
    assert anaf.is_credit_note
    assert (anaf.currency, anaf.vat_accounting_currency) == ("SEK", "RON")
    assert anaf.totals.vat_total_accounting is not None


def test_ciusro_example_with_card_invoiced_object_and_note_subject(validation_dir: Path) -> None:
    invoice = _parse(validation_dir, "ciusro/examples/b2g-1.0.9/ubl_b2g_example6.xml")
    # BT-18 is the AdditionalDocumentReference with DocumentTypeCode 130, not an attachment.
    assert invoice.invoiced_object_id == Identifier(value="repository-0001", scheme="AGU")
    assert [a.reference for a in invoice.attachments] == ["Doc2"]
    assert invoice.attachments[0].content == base64.b64decode(
        "UjBsR09EbGhjZ0dTQUxNQUFBUUNBRU1tQ1p0dU1GUXhEUzhi"
    )
    card = next(p for p in invoice.payment_instructions if p.card is not None)
    assert (card.means_code, card.means_text) == ("48", "Bank Card")
    assert [(n.subject_code, n.text) for n in invoice.notes] == [
        (None, "Ordered in our booth at the convention."),
        ("AAB", "Conditions of payment between the parties to a transaction."),
    ]


def test_seller_tax_registration_and_buyer_vat_without_scheme(validation_dir: Path) -> None:
    invoice = _parse(validation_dir, "ciusro/examples/b2g-1.0.9/ubl_b2g_example5.xml")
    # Seller: TaxScheme VAT -> BT-31; TaxScheme LOC -> BT-32. Buyer: empty TaxScheme -> BT-48.
    assert (invoice.seller.vat_id, invoice.seller.tax_registration_id) == ("RO1111111111118", "1111111111118")
    assert invoice.buyer.vat_id == "8609468"


def test_tax_point_date_code_and_line_periods(validation_dir: Path) -> None:
    invoice = _parse(validation_dir, "en16931-ubl/examples/ubl-tc434-example2.xml")
    assert invoice.tax_point_date_code is not None  # BT-8 from InvoicePeriod/DescriptionCode
