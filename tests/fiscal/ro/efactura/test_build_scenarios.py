"""Every scenario builds to UBL that ANAF accepts (the oracle), with the amounts and structure expected."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from genius.fiscal.ro.efactura import Address, Invoice, build_xml
from tests.fiscal.ro.efactura.scenarios import SCENARIO_NAMES, load_scenario

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def verdict_summary(verdict: dict[str, Any]) -> dict[str, Any]:
    keys = ("xsd_ok", "xsd_errors", "en16931_fatal", "ciusro_fatal", "anaf_other_fatal", "anaf_ok")
    return {key: verdict.get(key) for key in keys}


def assert_anaf_accepts(oracle: Any, xml: bytes) -> None:
    verdict = oracle.check_text(xml)
    assert verdict["xsd_ok"], verdict_summary(verdict)
    assert verdict["anaf_ok"], verdict_summary(verdict)
    # CEN's newer rules agree for everything we build (stronger than ANAF's verdict alone).
    assert verdict["en16931_fatal"] == [], verdict_summary(verdict)


def xpath(xml: bytes, path: str) -> list[str]:
    return [str(v) for v in etree.fromstring(xml).xpath(path, namespaces=NS)]


@pytest.mark.oracle
@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_is_accepted_by_anaf(oracle: Any, name: str) -> None:
    assert_anaf_accepts(oracle, build_xml(load_scenario(name)))


def test_every_required_scenario_exists() -> None:
    required = {
        "domestic-21-11", "exempt", "reverse-charge", "intra-eu-k", "export-g", "not-subject-o",
        "eur-with-ron-vat", "allowances-charges", "credit-note", "b2c-individual", "bucharest-sectors",
        "length-limits", "bank-transfer", "self-billing-389",
    }  # fmt: skip
    assert required <= set(SCENARIO_NAMES)


def test_domestic_invoice_carries_both_rates_and_totals() -> None:
    xml = build_xml(load_scenario("domestic-21-11"))
    assert xpath(xml, "/*/cbc:CustomizationID/text()") == [
        "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
    ]
    assert xpath(xml, "//cac:TaxSubtotal/cac:TaxCategory/cbc:Percent/text()") == ["21", "11"]
    assert xpath(xml, "//cac:TaxSubtotal/cbc:TaxAmount/text()") == ["358.05", "16.50"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["2229.52"]
    assert xpath(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["RO49AAAA1B31007593840000"]


def test_eur_invoice_has_a_second_tax_total_in_ron() -> None:
    xml = build_xml(load_scenario("eur-with-ron-vat"))
    assert xpath(xml, "/*/cbc:DocumentCurrencyCode/text()") == ["EUR"]
    assert xpath(xml, "/*/cbc:TaxCurrencyCode/text()") == ["RON"]
    assert xpath(xml, "/*/cac:TaxTotal/cbc:TaxAmount/@currencyID") == ["EUR", "RON"]
    assert xpath(xml, "/*/cac:TaxTotal/cbc:TaxAmount/text()") == ["361.20", "1797.44"]
    assert xpath(xml, "/*/cac:TaxTotal[2]/cac:TaxSubtotal") == []  # BT-111 stands alone


def test_credit_note_uses_credit_note_elements_and_references_the_invoice() -> None:
    xml = build_xml(load_scenario("credit-note"))
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert xpath(xml, "/*/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert xpath(xml, "//cac:CreditNoteLine/cbc:CreditedQuantity/text()") == ["2"]
    assert xpath(xml, "//cac:InvoiceLine") == []
    assert xpath(xml, "//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()") == [
        "GEN-2025-0001"
    ]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["303.71"]


def test_allowances_and_charges_are_written_with_their_amounts() -> None:
    xml = build_xml(load_scenario("allowances-charges"))
    assert xpath(xml, "/*/cac:AllowanceCharge/cbc:ChargeIndicator/text()") == ["false", "true"]
    assert xpath(xml, "/*/cac:AllowanceCharge/cbc:Amount/text()") == ["17.10", "50.00"]
    assert xpath(xml, "//cac:InvoiceLine[1]/cac:AllowanceCharge/cbc:Amount/text()") == ["45.00", "15.00"]
    assert xpath(xml, "//cac:InvoiceLine[1]/cac:Price/cac:AllowanceCharge/cbc:BaseAmount/text()") == ["50.00"]
    assert xpath(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["1175.76"]


def test_exempt_categories_carry_reason_and_vatex_code() -> None:
    for name, category, code in (
        ("exempt", "E", "VATEX-EU-132-1C"),
        ("reverse-charge", "AE", "VATEX-EU-AE"),
        ("intra-eu-k", "K", "VATEX-EU-IC"),
        ("export-g", "G", "VATEX-EU-G"),
    ):
        xml = build_xml(load_scenario(name))
        path = f"//cac:TaxSubtotal/cac:TaxCategory[cbc:ID='{category}']/cbc:TaxExemptionReasonCode/text()"
        assert xpath(xml, path) == [code], name
    # A given reason text is enough (BR-O-10): no code is invented beside it.
    not_subject = build_xml(load_scenario("not-subject-o"))
    assert xpath(not_subject, "//cac:TaxCategory[cbc:ID='O']/cbc:TaxExemptionReason/text()") == [
        "Neplatitor de TVA (art. 310 Cod fiscal)"
    ]
    assert xpath(not_subject, "//cac:TaxCategory[cbc:ID='O']/cbc:TaxExemptionReasonCode") == []
    assert xpath(not_subject, "//cac:TaxCategory[cbc:ID='O']/cbc:Percent") == []  # BR-O-05


def test_self_billing_type_code() -> None:
    assert xpath(build_xml(load_scenario("self-billing-389")), "/*/cbc:InvoiceTypeCode/text()") == ["389"]


def with_buyer_address(invoice: Invoice, **fields: str) -> Invoice:
    changed = copy.deepcopy(invoice)
    changed.buyer.address = Address(**{**changed.buyer.address.__dict__, **fields})
    return changed


@pytest.mark.oracle
@pytest.mark.parametrize("sector", range(1, 7))
def test_every_bucharest_sector_is_accepted(oracle: Any, sector: int) -> None:
    invoice = with_buyer_address(load_scenario("bucharest-sectors"), city=f"SECTOR{sector}")
    invoice.seller.address.city = f"SECTOR{7 - sector}"
    assert_anaf_accepts(oracle, build_xml(invoice))


@pytest.mark.oracle
@pytest.mark.parametrize(("county", "city"), [("RO-CJ", "Cluj-Napoca"), ("RO-IF", "Voluntari"),
                                               ("RO-CT", "Constanta"), ("RO-VS", "Vaslui")])  # fmt: skip
def test_county_codes_are_accepted(oracle: Any, county: str, city: str) -> None:
    invoice = with_buyer_address(load_scenario("domestic-21-11"), city=city, country_subdivision=county)
    assert_anaf_accepts(oracle, build_xml(invoice))


@pytest.mark.oracle
def test_our_rules_and_anaf_agree_on_a_bucharest_city_name(oracle: Any) -> None:
    from genius.fiscal.ro.efactura import RuleViolation

    invoice = with_buyer_address(load_scenario("bucharest-sectors"), city="Bucuresti")
    with pytest.raises(RuleViolation) as exc:
        build_xml(invoice)
    assert [(p.field, p.code) for p in exc.value.problems] == [("buyer.address.city", "BR-RO-101")]
    verdict = oracle.check_text(build_xml(invoice, check=False))
    assert verdict["ciusro_fatal"] == ["BR-RO-101"]


@pytest.mark.oracle
def test_tax_point_date_code_and_invoicing_period(oracle: Any) -> None:
    from datetime import date

    from genius.fiscal.ro.efactura import Period

    invoice = load_scenario("domestic-21-11")
    invoice.tax_point_date_code = "3"
    invoice.invoicing_period = Period(start_date=date(2025, 9, 1), end_date=date(2025, 9, 30))
    xml = build_xml(invoice)
    assert xpath(xml, "/*/cac:InvoicePeriod/cbc:DescriptionCode/text()") == ["3"]
    assert_anaf_accepts(oracle, xml)


def test_amounts_are_decimal_strings_with_cents() -> None:
    xml = build_xml(load_scenario("domestic-21-11"))
    for value in xpath(xml, "//cbc:LineExtensionAmount/text() | //cbc:TaxAmount/text()"):
        assert Decimal(value) == Decimal(value).quantize(Decimal("0.01")) and "." in value


@pytest.mark.oracle
def test_direct_debit_with_sepa_creditor_id(oracle: Any) -> None:
    from genius.fiscal.ro.efactura import DirectDebit, PaymentInstructions

    invoice = load_scenario("domestic-21-11")
    invoice.payment_instructions = [
        PaymentInstructions(
            means_code="49",
            remittance_information="GEN-2025-0001",
            direct_debit=DirectDebit(
                mandate_reference="MANDAT-77",
                creditor_reference="RO98ZZZ12345674",
                debited_account_id="RO49AAAA1B31007593840000",
            ),
        )
    ]
    xml = build_xml(invoice)
    assert xpath(
        xml, "//cac:AccountingSupplierParty//cac:PartyIdentification/cbc:ID[@schemeID='SEPA']/text()"
    ) == ["RO98ZZZ12345674"]
    assert xpath(xml, "//cac:PaymentMandate/cbc:ID/text()") == ["MANDAT-77"]
    assert_anaf_accepts(oracle, xml)


@pytest.mark.oracle
def test_optional_groups_are_written_where_the_xsd_wants_them(oracle: Any) -> None:
    from datetime import date

    from genius.fiscal.ro.efactura import (
        Attachment,
        Delivery,
        Identifier,
        ItemAttribute,
        ItemClassification,
        Note,
        Payee,
        Period,
        TaxRepresentative,
    )

    invoice = load_scenario("domestic-21-11")
    invoice.business_process = "urn:genius:proces:vanzare"
    invoice.notes.append(Note(text="Livrare in doua transe.", subject_code="AAI"))
    invoice.project_reference = "PRJ-12"
    invoice.contract_reference = "CTR-2025-3"
    invoice.sales_order_reference = "SO-991"
    invoice.despatch_advice_reference = "AVIZ-10"
    invoice.receiving_advice_reference = "NIR-44"
    invoice.tender_or_lot_reference = "LOT-2"
    invoice.invoiced_object_id = Identifier(value="CT-445", scheme="AAA")
    invoice.buyer_accounting_reference = "6022"
    invoice.invoicing_period = Period(start_date=date(2025, 9, 1), end_date=date(2025, 9, 30))
    invoice.payee = Payee(name="Genius Factoring IFN SA", identifier=Identifier(value="PAYEE-1"))
    invoice.tax_representative = TaxRepresentative(
        name="Reprezentant Fiscal SRL",
        vat_id="RO34567892",
        address=invoice.seller.address,
    )
    invoice.delivery = Delivery(
        party_name="Depozit Nord",
        location_id=Identifier(value="5940000000017", scheme="0088"),
        actual_delivery_date=date(2025, 9, 12),
    )
    invoice.attachments = [
        Attachment(
            reference="AVIZ-10",
            description="Aviz de insotire",
            content=b"%PDF-1.4 demo",
            mime_code="application/pdf",
            filename="aviz-10.pdf",
        ),
        Attachment(reference="SPEC-1", external_uri="https://genius-demo.ro/spec/1"),
    ]
    first = invoice.lines[0]
    first.note = "Licente anuale"
    first.object_id = Identifier(value="SUB-9", scheme="ABZ")
    first.order_line_reference = "3"
    first.accounting_reference = "6022.01"
    first.period = Period(start_date=date(2025, 9, 1), end_date=date(2026, 8, 31))
    first.item.description = "Abonament anual"
    first.item.buyer_id = "B-77"
    first.item.standard_id = Identifier(value="05940000000012", scheme="0160")
    first.item.classifications = [ItemClassification(code="48000000-8", list_id="STI")]
    first.item.origin_country = "RO"
    first.item.attributes = [ItemAttribute(name="Versiune", value="2025.2")]
    xml = build_xml(invoice)
    assert xpath(xml, "/*/cbc:Note[2]/text()") == ["#AAI#Livrare in doua transe."]
    assert xpath(xml, "//cac:AdditionalDocumentReference/cbc:DocumentTypeCode/text()") == ["130"]
    assert xpath(xml, "//cbc:EmbeddedDocumentBinaryObject/@filename") == ["aviz-10.pdf"]
    assert_anaf_accepts(oracle, xml)
    credit = copy.deepcopy(invoice)  # the same groups in CreditNote order (BT-11 as type 50)
    credit.document_kind = credit.document_kind.CREDIT_NOTE
    credit.type_code = "381"
    xml = build_xml(credit)
    assert xpath(xml, "//cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID/text()") == [
        "PRJ-12"
    ]
    assert xpath(xml, "//cac:PaymentMeans/cbc:PaymentDueDate/text()") == ["2025-10-15"]
    assert_anaf_accepts(oracle, xml)
