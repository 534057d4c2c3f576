"""Issuing on a real SQLite tenant: what one issue writes, and that every refusal writes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import tables as t
from genius.apps.sales.commands import (
    CreateAndIssue,
    CreateDraft,
    DeleteDraft,
    IssueBatch,
    IssueInvoice,
    UpdateDraft,
)
from genius.apps.sales.domain.errors import InvoiceRejected, LifecycleConflict
from genius.fiscal.ro.efactura.errors import RuleViolation
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.kernel.errors import Conflict, ValidationError
from genius.platform.audit.tables import audit_records
from genius.platform.bus.tables import outbox
from tests.apps.sales.conftest import World

NO_ACCOUNT = [{"means_code": "30"}]  # passes the draft checks, breaks BR-61 in the validator


def invoice_row(world: World, invoice_id: str) -> Any:
    with world.engine().connect() as conn:
        return conn.execute(sa.select(t.invoices).where(t.invoices.c.id == invoice_id)).one()


def outbox_events(world: World, event_type: str) -> list[dict[str, Any]]:
    with world.engine().connect() as conn:
        bodies = conn.execute(
            sa.select(outbox.c.body).where(outbox.c.type == event_type).order_by(outbox.c.seq)
        ).scalars()
        return [json.loads(body) for body in bodies]


def issue(world: World, document: dict[str, Any]) -> h.IssuedDocument:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(document))
        return h.issue_invoice(world.deps, IssueInvoice(invoice_id))


def test_issue_writes_number_xml_hash_audit_and_event_together(world: World) -> None:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(world.draft(issue_date="2025-09-15")))
        assert invoice_row(world, invoice_id).status == "draft"
        issued = h.issue_invoice(world.deps, IssueInvoice(invoice_id))
    row = invoice_row(world, invoice_id)
    assert (row.status, row.number, issued.number) == ("issued", "GEN2025-0001", "GEN2025-0001")
    xml = bytes(row.xml)
    assert row.xml_sha256 == hashlib.sha256(xml).hexdigest() == issued.xml_sha256
    assert validate_xml(xml).anaf_ok
    assert b"<cbc:ID>GEN2025-0001</cbc:ID>" in xml
    document = json.loads(row.document_json)
    assert document["number"] == "GEN2025-0001" and document["totals"]["payable_amount"] == row.payable_amount
    assert row.payable_amount == "2063.05"  # 10 x 125.50 + 2.5 x 180 at 21 %
    assert world.next_number() == 2
    [event] = outbox_events(world, "sales.invoice.issued")
    assert event["id"] == issued.event_id and event["subject"] == invoice_id
    data = event["data"]
    assert (data["number"], data["payable_amount"], data["vat_total_ron"]) == (
        "GEN2025-0001",
        "2063.05",
        "358.05",
    )
    assert data["vat_breakdown"] == [
        {"category": "S", "rate": "21", "taxable_amount": "1705.00", "tax_amount": "358.05"}
    ]
    assert data["buyer_kind"] == "company" and data["xml_sha256"] == row.xml_sha256
    with world.engine().connect() as conn:
        record = conn.execute(
            sa.select(audit_records).where(audit_records.c.action == "sales.invoice.issue")
        ).one()
    assert record.resource_id == invoice_id and json.loads(record.after_json)["number"] == "GEN2025-0001"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"currency": "XYZ"}, "currency", "BR-CL-04"),
        (
            {
                "lines": [
                    {
                        "id": "1",
                        "quantity": "1",
                        "unit_code": "PCS",
                        "price": {"net_price": "1"},
                        "item": {"name": "x", "vat_category": "S", "vat_rate": "21"},
                    }
                ]
            },
            "lines[0].unit_code",
            "BR-CL-23",
        ),
        (
            {
                "issue_date": "2025-09-15",
                "lines": [
                    {
                        "id": "1",
                        "quantity": "1",
                        "unit_code": "H87",
                        "price": {"net_price": "1"},
                        "item": {"name": "x", "vat_category": "S", "vat_rate": "19"},
                    }
                ],
            },
            "lines[0].item.vat_rate",
            "RO-VAT-RATE",
        ),
        (
            {
                "lines": [
                    {
                        "id": "1",
                        "quantity": "1",
                        "unit_code": "H87",
                        "price": {"net_price": "1"},
                        "item": {"name": "x", "vat_category": "E", "vat_rate": "5"},
                    }
                ]
            },
            "lines[0].item.vat_rate",
            "BR-E-05",
        ),
        ({"buyer": {"partner_id": "missing"}}, "buyer.partner_id", "not_found"),
        ({"series_id": "missing"}, "series_id", "not_found"),
        ({"number": "X1"}, "number", "server_owned"),
    ],
)
def test_bad_drafts_are_refused_naming_the_field_and_nothing_is_written(
    world: World, change: dict[str, Any], field: str, code: str
) -> None:
    before, number = world.counts(), world.next_number()
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.create_draft(world.deps, CreateDraft(world.draft(**change)))
    assert {p.field: p.code for p in caught.value.problems}.get(field) == code
    assert world.counts() == before and world.next_number() == number


def test_validator_refusal_names_rules_in_both_languages_and_consumes_no_number(world: World) -> None:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(world.draft(payment_instructions=NO_ACCOUNT)))
        before, number = world.counts(), world.next_number()
        with pytest.raises(InvoiceRejected) as caught:
            h.issue_invoice(world.deps, IssueInvoice(invoice_id))
    [finding] = caught.value.details
    assert finding["rule_id"] == "BR-61" and finding["location"] == "/Invoice/cac:PaymentMeans"
    assert "BT-84" in finding["message_en"] and "contul" in finding["message_ro"]
    assert world.counts() == before and world.next_number() == number
    assert invoice_row(world, invoice_id).status == "draft"


def test_cius_ro_rule_on_the_model_is_refused_with_its_path(world: World) -> None:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(world.draft(payment_terms="x" * 301)))
        before, number = world.counts(), world.next_number()
        with pytest.raises(RuleViolation) as caught:
            h.issue_invoice(world.deps, IssueInvoice(invoice_id))
    assert [(p.field, p.code) for p in caught.value.problems] == [("payment_terms", "BR-RO-L301")]
    assert world.counts() == before and world.next_number() == number


def test_issuing_twice_editing_or_deleting_an_issued_invoice_is_refused_naming_the_rule(world: World) -> None:
    issued = issue(world, world.draft())
    before, number = world.counts(), world.next_number()
    with world.scope():
        for action, rule in (
            (
                lambda: h.issue_invoice(world.deps, IssueInvoice(issued.invoice_id)),
                "sales.invoice.issue-once",
            ),
            (
                lambda: h.update_draft(world.deps, UpdateDraft(issued.invoice_id, world.draft())),
                "sales.invoice.immutable",
            ),
            (
                lambda: h.delete_draft(world.deps, DeleteDraft(issued.invoice_id)),
                "sales.invoice.delete-draft-only",
            ),
        ):
            with pytest.raises(LifecycleConflict) as caught:
                action()
            assert caught.value.details["rule"] == rule and rule in caught.value.message
    assert world.counts() == before and world.next_number() == number


def test_the_database_itself_refuses_to_change_an_issued_document(world: World) -> None:
    issued = issue(world, world.draft())
    with pytest.raises(sa.exc.DBAPIError), world.engine().begin() as conn:
        conn.execute(t.invoices.update().where(t.invoices.c.id == issued.invoice_id).values(xml=b"<forged/>"))
    with pytest.raises(sa.exc.DBAPIError), world.engine().begin() as conn:
        conn.execute(t.invoices.delete().where(t.invoices.c.id == issued.invoice_id))
    assert invoice_row(world, issued.invoice_id).xml_sha256 == issued.xml_sha256


def test_drafts_change_until_issued(world: World) -> None:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(world.draft()))
        version = h.update_draft(
            world.deps, UpdateDraft(invoice_id, world.draft(currency="RON", lines=world.draft()["lines"][:1]))
        )
        assert version == 2 and invoice_row(world, invoice_id).payable_amount == "1518.55"
        with pytest.raises(Conflict):
            h.update_draft(world.deps, UpdateDraft(invoice_id, world.draft(), expected_version=1))
        h.delete_draft(world.deps, DeleteDraft(invoice_id))
    with world.engine().connect() as conn:
        assert conn.execute(sa.select(t.invoices.c.id).where(t.invoices.c.id == invoice_id)).first() is None


def test_back_dated_invoices_get_the_rates_of_their_tax_point(world: World) -> None:
    lines = [
        {"id": "1", "product_id": world.ids["product"], "quantity": "1"},
        {"id": "2", "product_id": world.ids["book"], "quantity": "1"},
    ]
    july = issue(world, world.draft(issue_date="2025-07-30", lines=lines))
    august = issue(world, world.draft(issue_date="2025-08-05", tax_point_date="2025-07-28", lines=lines))
    september = issue(world, world.draft(issue_date="2025-09-01", lines=lines))
    rates = {
        e["data"]["number"]: [b["rate"] for b in e["data"]["vat_breakdown"]]
        for e in outbox_events(world, "sales.invoice.issued")
    }
    assert rates == {july.number: ["19", "9"], august.number: ["19", "9"], september.number: ["21", "11"]}
    xml = bytes(invoice_row(world, august.invoice_id).xml)
    assert (
        b"<cbc:TaxPointDate>2025-07-28</cbc:TaxPointDate>" in xml and b"<cbc:Percent>19</cbc:Percent>" in xml
    )


def test_numbers_follow_issue_dates_within_a_series(world: World) -> None:
    issue(world, world.draft(issue_date="2025-09-10"))
    before, number = world.counts(), world.next_number()
    with world.scope(), pytest.raises(Conflict) as caught:
        h.create_and_issue(world.deps, CreateAndIssue(world.draft(issue_date="2025-09-09")))
    assert caught.value.details["rule"] == "sales.series.date-order"
    assert world.counts() == before and world.next_number() == number


def test_yearly_series_restarts_in_january(world: World) -> None:
    numbers = [
        issue(world, world.draft(issue_date=d)).number for d in ("2025-12-30", "2025-12-31", "2026-01-02")
    ]
    assert numbers == ["GEN2025-0001", "GEN2025-0002", "GEN2026-0001"]


def test_create_and_issue_leaves_nothing_when_refused(world: World) -> None:
    before, number = world.counts(), world.next_number()
    with world.scope(), pytest.raises(InvoiceRejected):
        h.create_and_issue(world.deps, CreateAndIssue(world.draft(payment_instructions=NO_ACCOUNT)))
    assert world.counts() == before and world.next_number() == number
    with world.scope():
        issued = h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    assert invoice_row(world, issued.invoice_id).status == "issued"


def test_foreign_currency_invoice_keeps_rate_and_ron_vat(world: World) -> None:
    line = {
        "id": "1",
        "quantity": "4",
        "unit_code": "HUR",
        "price": {"net_price": "50.00"},
        "item": {"name": "Consultanta", "vat_category": "S", "vat_rate_kind": "standard"},
    }
    issued = issue(
        world, world.draft(currency="EUR", vat_exchange_rate="4.9763", issue_date="2025-09-15", lines=[line])
    )
    row = invoice_row(world, issued.invoice_id)
    assert (row.currency, row.exchange_rate, row.vat_total, row.vat_total_ron) == (
        "EUR",
        "4.9763",
        "42.00",
        "209.00",
    )
    xml = bytes(row.xml)
    assert b"<cbc:TaxCurrencyCode>RON</cbc:TaxCurrencyCode>" in xml and b'currencyID="RON">209.00' in xml


def test_issue_without_company_profile_or_series_is_refused(world: World) -> None:
    with world.engine().begin() as conn:
        conn.execute(t.series.update().values(is_default=False))
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.create_and_issue(world.deps, CreateAndIssue(world.draft()))
    assert caught.value.problems[0].field == "series_id"
    with world.engine().begin() as conn:
        conn.execute(t.company.delete())
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.create_draft(world.deps, CreateDraft(world.draft()))
    assert caught.value.problems[0].field == "seller"


def test_amount_limit_of_a_clerk_is_enforced_when_issuing(world: World) -> None:
    with world.scope():
        invoice_id = h.create_draft(world.deps, CreateDraft(world.draft()))
    before, number = world.counts(), world.next_number()
    clerk = replace(world.ctx, roles=("sales_clerk",), attributes={"max_invoice_amount": "1000"})
    limited = replace(world, ctx=clerk)
    with limited.scope(), pytest.raises(Exception) as caught:
        h.issue_invoice(world.deps, IssueInvoice(invoice_id))
    assert caught.value.details["rule"] == "invoice-amount-limit"  # type: ignore[attr-defined]
    after = world.counts()
    # Only the denial's own audit record was written; the issue left nothing.
    assert after[audit_records.name] == before[audit_records.name] + 1
    assert {k: v for k, v in after.items() if k != audit_records.name} == {
        k: v for k, v in before.items() if k != audit_records.name
    }
    assert world.next_number() == number
    generous = replace(world, ctx=replace(clerk, attributes={"max_invoice_amount": "5000"}))
    with generous.scope():
        assert h.issue_invoice(world.deps, IssueInvoice(invoice_id)).number.startswith("GEN")


def test_issue_date_defaults_to_the_romanian_day(world: World) -> None:
    world.deps.today = lambda: date(2025, 10, 1)
    issued = issue(world, world.draft())
    assert issued.issue_date == date(2025, 10, 1)
    assert invoice_row(world, issued.invoice_id).due_date == date(2025, 10, 31)  # company default, 30 days


def test_a_batch_is_numbered_in_order_and_written_all_or_nothing(world: World) -> None:
    bad_unit = [
        {
            "id": "1",
            "quantity": "1",
            "unit_code": "PCS",
            "price": {"net_price": "1"},
            "item": {"name": "x", "vat_category": "S", "vat_rate": "21"},
        }
    ]
    before, number = world.counts(), world.next_number()
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.issue_batch(world.deps, IssueBatch([world.draft(), world.draft(lines=bad_unit)]))
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("documents[1].lines[0].unit_code", "BR-CL-23")
    }
    with world.scope(), pytest.raises(InvoiceRejected) as rejected:
        h.issue_batch(
            world.deps,
            IssueBatch([world.draft(), world.draft(), world.draft(payment_instructions=NO_ACCOUNT)]),
        )
    assert rejected.value.details[0]["field"] == "documents[2]/Invoice/cac:PaymentMeans"
    assert world.counts() == before and world.next_number() == number
    with world.scope():
        issued = h.issue_batch(world.deps, IssueBatch([world.draft(issue_date="2025-09-15")] * 3))
    assert [i.number for i in issued] == ["GEN2025-0001", "GEN2025-0002", "GEN2025-0003"]
    assert [e["data"]["number"] for e in outbox_events(world, "sales.invoice.issued")] == [
        i.number for i in issued
    ]
    with world.scope(), pytest.raises(ValidationError):
        h.issue_batch(world.deps, IssueBatch([]))


def test_allowances_charges_notes_and_payment_terms_reach_the_ubl(world: World) -> None:
    line = {
        "id": "3",
        "quantity": "4",
        "unit_code": "H87",
        "price": {"net_price": "90.00", "gross_price": "100.00", "discount": "10.00"},
        "allowances": [{"amount": "20.00", "reason": "Discount volum", "reason_code": "95"}],
        "item": {"name": "Cablu UTP", "vat_category": "S", "vat_rate_kind": "standard"},
    }
    document = world.draft(
        issue_date="2025-09-15",
        lines=[*world.draft()["lines"], line],
        charges=[
            {
                "amount": "50.00",
                "vat_category": "S",
                "vat_rate": "21",
                "reason": "Transport",
                "reason_code": "FC",
            }
        ],
        allowances=[
            {
                "base_amount": "1000.00",
                "percentage": "2",
                "vat_category": "S",
                "vat_rate": "21",
                "reason": "Discount fidelitate",
                "reason_code": "95",
            }
        ],
        notes=[{"text": "Livrare la depozitul din Cluj."}],
        payment_terms="Plata in 15 zile",
    )
    issued = issue(world, document)
    row = invoice_row(world, issued.invoice_id)
    xml = bytes(row.xml)
    assert validate_xml(xml).anaf_ok
    totals = json.loads(row.document_json)["totals"]
    # Lines 1255.00 + 450.00 + (360.00 - 20.00); charge 50.00; allowance 2 % of 1000.00 = 20.00.
    assert (totals["line_net_total"], totals["charge_total"], totals["allowance_total"]) == (
        "2045.00",
        "50.00",
        "20.00",
    )
    assert totals["tax_exclusive_amount"] == "2075.00" and row.vat_total == "435.75"
    assert b"<cbc:Note>Livrare la depozitul din Cluj.</cbc:Note>" in xml
    assert b"<cbc:Note>Plata in 15 zile</cbc:Note>" in xml and row.due_date is None  # terms instead of a date
