"""Draft expansion (pure): seller, buyer, product lines and VAT rates of the tax point, defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from genius.apps.sales.domain.company import CompanyInput, validate_company
from genius.apps.sales.domain.drafts import ExpansionContext, expand, prepare, read_refs
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.partners import validate_partner
from genius.apps.sales.domain.products import validate_product
from genius.fiscal.ro.efactura import build_xml
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.kernel.errors import ValidationError
from tests.apps.sales.conftest import IBAN, TENANT_CUI, address, company_partner, product

SEPTEMBER = date(2025, 9, 15)
JULY = date(2025, 7, 30)


def context(**overrides: Any) -> ExpansionContext:
    seller = validate_company(
        CompanyInput(
            name="Genius Demo SRL",
            cui=TENANT_CUI,
            address=address(),
            iban=IBAN,
            trade_register="J12/3456/2020",
        ),
        TENANT_CUI,
    )
    values: dict[str, Any] = {
        "document_type": DocumentType.INVOICE,
        "seller": seller,
        "issue_date": SEPTEMBER,
        "number": "GEN-2025-0007",
        "buyer": validate_partner(company_partner(payment_term_days=15)),
        "products": {
            "lic": validate_product(product()),
            "book": validate_product(product(code="BK", vat_rate_kind="reduced", price="49.99")),
        },
    }
    values.update(overrides)
    return ExpansionContext(**values)


def draft(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "currency": "RON",
        "buyer": {"partner_id": "p1"},
        "lines": [
            {"id": "1", "product_id": "lic", "quantity": "10"},
            {"id": "2", "product_id": "book", "quantity": "3"},
        ],
    }
    document.update(overrides)
    return document


PRICED = {"id": "1", "product_id": "lic", "quantity": "1", "price": {"net_price": "20.00"}}


def problems(document: dict[str, Any], ctx: ExpansionContext | None = None) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        prepare(document, ctx or context())
    return {p.field: p.code for p in caught.value.problems}


def test_expansion_fills_seller_buyer_lines_rates_due_date_and_payment() -> None:
    doc, tax_point, rate_date = expand(draft(), context())
    assert (tax_point, rate_date) == (SEPTEMBER, SEPTEMBER)
    assert doc["number"] == "GEN-2025-0007" and doc["issue_date"] == "2025-09-15"
    assert doc["seller"]["vat_id"] == TENANT_CUI
    assert doc["seller"]["legal_registration_id"] == {"value": "J12/3456/2020"}
    assert doc["buyer"]["vat_id"] == "RO14399840"
    assert [line["item"]["vat_rate"] for line in doc["lines"]] == ["21", "11"]
    assert doc["lines"][0]["price"] == {"net_price": "125.50"} and doc["lines"][0]["unit_code"] == "H87"
    assert doc["due_date"] == "2025-09-30"  # the partner's 15 days
    transfer = doc["payment_instructions"][0]
    assert transfer["means_code"] == "30" and transfer["remittance_information"] == "GEN-2025-0007"
    assert transfer["credit_transfers"][0]["account_id"] == IBAN


def test_expanded_draft_builds_ubl_that_anaf_would_accept() -> None:
    prepared = prepare(draft(), context())
    # 10 x 125.50 at 21 % + 3 x 49.99 at 11 %: VAT per rate group, rounded once (BR-S-09).
    assert prepared.totals.vat_total == Decimal("280.05")  # 263.55 + 16.50
    assert prepared.totals.payable_amount == Decimal("1685.02")
    report = validate_xml(build_xml(prepared.invoice))
    assert report.anaf_ok, report.fatal


def test_back_dated_invoice_gets_the_rates_of_its_own_date() -> None:
    doc, _, _ = expand(draft(issue_date="2025-07-30"), context())
    assert [line["item"]["vat_rate"] for line in doc["lines"]] == ["19", "9"]
    # Issued in August for a July delivery: the tax point (BT-7) decides.
    doc, tax_point, _ = expand(draft(issue_date="2025-08-05", tax_point_date="2025-07-28"), context())
    assert tax_point == date(2025, 7, 28)
    assert [line["item"]["vat_rate"] for line in doc["lines"]] == ["19", "9"]


def test_line_keys_win_over_the_product_and_vat_rate_kind_becomes_a_rate() -> None:
    line = {
        "id": "1",
        "product_id": "lic",
        "quantity": "1",
        "price": {"net_price": "99.00"},
        "item": {"name": "Licenta speciala", "vat_rate_kind": "reduced"},
    }
    doc, _, _ = expand(draft(lines=[line]), context())
    item = doc["lines"][0]["item"]
    assert item["name"] == "Licenta speciala" and item["vat_rate"] == "11" and "vat_rate_kind" not in item
    assert doc["lines"][0]["price"] == {"net_price": "99.00"}


def test_a_rate_not_in_force_on_the_tax_point_is_refused_naming_the_rule() -> None:
    typed = {
        "id": "1",
        "quantity": "1",
        "unit_code": "H87",
        "price": {"net_price": "10"},
        "item": {"name": "x", "vat_category": "S", "vat_rate": "19"},
    }
    assert problems(draft(lines=[typed])) == {"lines[0].item.vat_rate": "RO-VAT-RATE"}


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"number": "X-1"}, "number", "server_owned"),
        ({"seller": {"name": "Other"}}, "seller", "server_owned"),
        ({"document_kind": "CreditNote"}, "document_kind", "bad_value"),
        ({"corrects_invoice_id": "x"}, "corrects_invoice_id", "not_for_kind"),
        ({"issue_date": "2025-02-30"}, "issue_date", "bad_date"),
        ({"buyer": {"partner_id": 5}}, "buyer.partner_id", "wrong_type"),
    ],
)
def test_refs_refuse_server_owned_keys_and_malformed_references(
    overrides: dict[str, Any], field: str, code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        read_refs(draft(**overrides), DocumentType.INVOICE)
    assert {p.field: p.code for p in caught.value.problems}.get(field) == code


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"currency": "XYZ"}, "currency", "BR-CL-04"),
        ({"currency": "EUR", "lines": [PRICED]}, "vat_exchange_rate", "required"),
        (
            {"currency": "EUR", "vat_exchange_rate": "0", "lines": [PRICED]},
            "vat_exchange_rate",
            "out_of_range",
        ),
        ({"type_code": "389"}, "type_code", "BR-RO-020"),
        ({"lines": [{"id": "1", "product_id": "nope", "quantity": "1"}]}, "lines[0].product_id", "not_found"),
        (
            {"lines": [{"id": "1", "product_id": "lic", "quantity": "1", "unit_code": "PCS"}]},
            "lines[0].unit_code",
            "BR-CL-23",
        ),
        (
            {"lines": [{"id": "1", "product_id": "lic", "quantity": "ten"}]},
            "lines[0].quantity",
            "bad_decimal",
        ),
        (
            {"lines": [{"id": "1", "product_id": "lic", "quantity": "1", "item": {"vat_rate_kind": "x"}}]},
            "lines[0].item.vat_rate_kind",
            "RO-VAT-KIND",
        ),
        (
            {"payment_instructions": [{"means_code": "30", "credit_transfers": [{"account_id": "RO00BAD"}]}]},
            "payment_instructions[0].credit_transfers[0].account_id",
            "iban_invalid",
        ),
        (
            {"allowances": [{"amount": "5", "vat_category": "S", "vat_rate": "19", "reason": "x"}]},
            "allowances[0].vat_rate",
            "RO-VAT-RATE",
        ),
    ],
)
def test_bad_drafts_name_the_field_and_rule(overrides: dict[str, Any], field: str, code: str) -> None:
    assert problems(draft(**overrides)).get(field) == code


def test_product_priced_in_another_currency_needs_a_price() -> None:
    assert (
        problems(draft(currency="EUR", vat_exchange_rate="4.97"))["lines[0].price.net_price"]
        == "currency_mismatch"
    )


def test_foreign_currency_invoice_has_its_vat_total_in_ron() -> None:
    ctx = context(products={"lic": validate_product(product(currency="EUR", price="100"))})
    prepared = prepare(
        draft(
            currency="EUR",
            vat_exchange_rate="4.9763",
            lines=[{"id": "1", "product_id": "lic", "quantity": "1"}],
        ),
        ctx,
    )
    assert prepared.totals.vat_total == Decimal("21.00")
    assert prepared.totals.vat_total_ron == Decimal("104.50")  # 21.00 x 4.9763
    assert prepared.exchange_rate == Decimal("4.9763")
    assert validate_xml(build_xml(prepared.invoice)).anaf_ok


def test_exempt_product_reason_goes_to_the_vat_breakdown() -> None:
    ctx = context(
        products={
            "med": validate_product(
                product(vat_category="E", vat_rate_kind=None, vatex_code="VATEX-EU-132-1B")
            )
        }
    )
    prepared = prepare(draft(lines=[{"id": "1", "product_id": "med", "quantity": "2"}]), ctx)
    [entry] = prepared.invoice.vat_breakdown
    assert (entry.category, entry.exemption_reason_code, entry.tax_amount) == (
        "E",
        "VATEX-EU-132-1B",
        Decimal("0.00"),
    )
    assert validate_xml(build_xml(prepared.invoice)).anaf_ok


def test_vat_on_collection_mention_is_added_once() -> None:
    seller = validate_company(
        CompanyInput(name="G SRL", cui=TENANT_CUI, address=address(), vat_on_collection=True), TENANT_CUI
    )
    doc, _, _ = expand(draft(notes=[{"text": "TVA la încasare"}]), context(seller=seller))
    assert [n["text"] for n in doc["notes"]] == ["TVA la încasare"]
    doc, _, _ = expand(draft(), context(seller=seller))
    assert doc["notes"] == [{"text": "TVA la încasare"}]


def test_credit_note_references_the_invoice_and_keeps_its_rates() -> None:
    corrected = CorrectedInvoice(
        id="inv1",
        number="GEN-2025-0001",
        issue_date=JULY,
        tax_point_date=JULY,
        currency="RON",
        exchange_rate=None,
        partner_id="p1",
        payable_amount=Decimal("5000"),
        status=InvoiceStatus.ISSUED,
        document_type=DocumentType.INVOICE,
        credited_so_far=Decimal(0),
    )
    ctx = context(document_type=DocumentType.CREDIT_NOTE, corrected=corrected, number="GCN-2025-0001")
    document = {"corrects_invoice_id": "inv1", "lines": [{"id": "1", "product_id": "lic", "quantity": "2"}]}
    doc, _, rate_date = expand(document, ctx)
    assert rate_date == JULY
    assert doc["document_kind"] == "CreditNote" and doc["type_code"] == "381"
    assert doc["preceding_invoices"] == [{"number": "GEN-2025-0001", "issue_date": "2025-07-30"}]
    assert doc["buyer"]["name"] == "Client Exemplu SRL" and doc["currency"] == "RON"
    assert doc["lines"][0]["item"]["vat_rate"] == "19"  # the correction keeps the original rate
    prepared = prepare(document, ctx)
    assert validate_xml(build_xml(prepared.invoice)).anaf_ok
