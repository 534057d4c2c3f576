"""Credit notes and cancellation on a real SQLite tenant; e-Factura submission records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from genius.apps.sales import handlers as h
from genius.apps.sales import repository as repo
from genius.apps.sales import tables as t
from genius.apps.sales.commands import CancelInvoice, CreateAndIssue, CreateDraft, IssueInvoice
from genius.apps.sales.domain.errors import LifecycleConflict
from genius.apps.sales.domain.submissions import SubmissionState, start
from genius.kernel.errors import Conflict, ValidationError
from tests.apps.sales.conftest import World
from tests.apps.sales.test_issue import invoice_row, outbox_events

NOW = datetime(2025, 9, 20, 9, tzinfo=UTC)


def july_invoice(world: World) -> h.IssuedDocument:
    """10 licences at 125.50 + 19 % = 1493.45, issued before the rate change."""
    document = world.draft(
        issue_date="2025-07-30", lines=[{"id": "1", "product_id": world.ids["product"], "quantity": "10"}]
    )
    with world.scope():
        return h.create_and_issue(world.deps, CreateAndIssue(document))


def credit(world: World, invoice_id: str, quantity: str, **extra: Any) -> h.IssuedDocument:
    document = {
        "corrects_invoice_id": invoice_id,
        "issue_date": "2025-09-20",
        "lines": [{"id": "1", "product_id": world.ids["product"], "quantity": quantity}],
        **extra,
    }
    with world.scope():
        return h.create_and_issue(world.deps, CreateAndIssue(document, credit_note=True))


def test_credit_note_references_the_invoice_keeps_its_rate_and_is_numbered_in_its_series(
    world: World,
) -> None:
    invoice = july_invoice(world)
    note = credit(world, invoice.invoice_id, "2")
    assert note.number == "GCN2025-0001" and str(note.payable_amount) == "298.69"  # 251.00 + 19 %
    row = invoice_row(world, note.invoice_id)
    assert (row.document_type, row.corrects_invoice_id, row.partner_id) == (
        "credit_note",
        invoice.invoice_id,
        world.ids["partner"],
    )
    xml = bytes(row.xml)
    assert xml.count(b"<CreditNote") == 1 and b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in xml
    assert b"<cbc:ID>" + invoice.number.encode() + b"</cbc:ID>" in xml  # BG-3 BillingReference
    assert b"<cbc:Percent>19</cbc:Percent>" in xml  # a correction keeps the original rate
    [event] = outbox_events(world, "sales.credit_note.issued")
    assert event["data"]["corrected_invoice_number"] == invoice.number
    assert event["data"]["tax_point_date"] == "2025-07-30"


def test_credit_notes_never_credit_more_than_the_invoice(world: World) -> None:
    invoice = july_invoice(world)
    credit(world, invoice.invoice_id, "6")
    before, number = world.counts(), world.next_number("credit_series")
    with pytest.raises(ValidationError) as caught:
        credit(world, invoice.invoice_id, "5")
    assert caught.value.problems[0].code == "sales.credit-note.exceeds-invoice"
    assert world.counts() == before and world.next_number("credit_series") == number
    assert credit(world, invoice.invoice_id, "4").number == "GCN2025-0002"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"currency": "EUR", "vat_exchange_rate": "5"}, "currency"),
        ({"corrects_invoice_id": None}, "corrects_invoice_id"),
    ],
)
def test_credit_note_bad_references(world: World, extra: dict[str, Any], field: str) -> None:
    invoice = july_invoice(world)
    lines = [
        {
            "id": "1",
            "quantity": "1",
            "unit_code": "H87",
            "price": {"net_price": "10"},
            "item": {"name": "x", "vat_category": "S", "vat_rate_kind": "standard"},
        }
    ]
    document = {"corrects_invoice_id": invoice.invoice_id, "lines": lines, **extra}
    with world.scope(), pytest.raises(ValidationError) as caught:
        h.create_draft(world.deps, CreateDraft(document, credit_note=True))
    assert caught.value.problems[0].field == field


def test_cancel_keeps_the_number_publishes_and_audits(world: World) -> None:
    invoice = july_invoice(world)
    with world.engine().begin() as conn:  # a queued attempt that never reached ANAF
        repo.insert_submission(conn, "sub-1", start(invoice.invoice_id, 1, NOW, b2c=False))
    with world.scope():
        with pytest.raises(ValidationError):
            h.cancel_invoice(world.deps, CancelInvoice(invoice.invoice_id, " "))
        h.cancel_invoice(world.deps, CancelInvoice(invoice.invoice_id, "buyer refused the goods"))
    row = invoice_row(world, invoice.invoice_id)
    assert (row.status, row.number, row.cancel_reason) == (
        "cancelled",
        invoice.number,
        "buyer refused the goods",
    )
    [event] = outbox_events(world, "sales.invoice.cancelled")
    assert event["data"] == {
        "invoice_id": invoice.invoice_id,
        "number": invoice.number,
        "document_type": "invoice",
        "reason": "buyer refused the goods",
        "cancelled_by": world.ctx.user_id,
    }
    with world.engine().connect() as conn:
        [attempt] = repo.submissions_of(conn, invoice.invoice_id)
    assert attempt.state == SubmissionState.CANCELLED
    with world.scope(), pytest.raises(LifecycleConflict):
        h.cancel_invoice(world.deps, CancelInvoice(invoice.invoice_id, "again"))
    with world.scope(), pytest.raises(Conflict) as caught:  # a cancelled invoice is not credited
        credit(world, invoice.invoice_id, "1")
    assert caught.value.details["rule"] == "sales.credit-note.corrects-issued-invoice"


def test_after_anaf_the_refusal_says_to_issue_a_credit_note(world: World) -> None:
    invoice = july_invoice(world)
    with world.engine().begin() as conn:  # what the submission worker will do after an upload
        repo.insert_submission(conn, "sub-1", start(invoice.invoice_id, 1, NOW, b2c=False))
        [attempt] = repo.submissions_of(conn, invoice.invoice_id)
        repo.save_submission(conn, attempt.move(SubmissionState.UPLOADED, NOW, upload_index="5001"))
        conn.execute(
            t.invoices.update().where(t.invoices.c.id == invoice.invoice_id).values(status="submitted")
        )
    before = world.counts()
    with world.scope(), pytest.raises(LifecycleConflict) as caught:
        h.cancel_invoice(world.deps, CancelInvoice(invoice.invoice_id, "too late"))
    assert caught.value.details["rule"] == "sales.invoice.cancel-before-anaf"
    assert "credit note" in caught.value.message and "/api/v1/sales/credit-notes" in caught.value.message
    assert world.counts() == before
    assert credit(world, invoice.invoice_id, "10").number == "GCN2025-0001"  # the way to correct it


def test_submission_records_round_trip(world: World) -> None:
    invoice = july_invoice(world)
    with world.engine().begin() as conn:
        repo.insert_submission(conn, "sub-1", start(invoice.invoice_id, 1, NOW, b2c=True))
        [attempt] = repo.submissions_of(conn, invoice.invoice_id, for_update=True)
        attempt = attempt.move(SubmissionState.UPLOADED, NOW, upload_index="5001")
        attempt = attempt.move(SubmissionState.REJECTED, NOW, download_id="9001", messages=("E: cod postal",))
        repo.save_submission(conn, attempt)
    with world.engine().connect() as conn:
        [stored] = repo.submissions_of(conn, invoice.invoice_id)
    with pytest.raises(sa.exc.IntegrityError), world.engine().begin() as conn:  # one row per attempt number
        repo.insert_submission(conn, "sub-2", start(invoice.invoice_id, 1, NOW, b2c=True))
    assert (stored.state, stored.upload_index, stored.download_id, stored.messages, stored.b2c) == (
        SubmissionState.REJECTED,
        "5001",
        "9001",
        ("E: cod postal",),
        True,
    )
    assert stored.finished_at is not None


def test_a_draft_credit_note_is_issued_through_the_same_route(world: World) -> None:
    invoice = july_invoice(world)
    document = {
        "corrects_invoice_id": invoice.invoice_id,
        "issue_date": "2025-09-20",
        "lines": [{"id": "1", "product_id": world.ids["product"], "quantity": "1"}],
    }
    with world.scope():
        draft_id = h.create_draft(world.deps, CreateDraft(document, credit_note=True))
        assert h.issue_invoice(world.deps, IssueInvoice(draft_id)).number == "GCN2025-0001"
