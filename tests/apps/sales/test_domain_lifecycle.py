"""Document lifecycle and e-Factura submission states (pure): every refusal names its rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.errors import LifecycleConflict
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.submissions import SubmissionState, invoice_status_after, start
from genius.kernel.errors import Conflict, ValidationError

S = InvoiceStatus
NOW = datetime(2025, 9, 15, 10, tzinfo=UTC)


@pytest.mark.parametrize("status", [s for s in S if s != S.DRAFT])
def test_only_drafts_are_edited(status: InvoiceStatus) -> None:
    with pytest.raises(LifecycleConflict) as caught:
        rules.ensure_editable(status, "GEN-1", DocumentType.INVOICE)
    assert caught.value.rule == rules.RULE_IMMUTABLE and "credit note" in caught.value.message
    rules.ensure_editable(S.DRAFT, None, DocumentType.INVOICE)


def test_a_document_is_issued_once() -> None:
    with pytest.raises(LifecycleConflict) as caught:
        rules.ensure_issuable(S.ISSUED, "GEN-2025-0001", DocumentType.INVOICE)
    assert caught.value.rule == rules.RULE_ISSUE_ONCE and "GEN-2025-0001" in caught.value.message


@pytest.mark.parametrize("status", [S.SUBMITTED, S.ACCEPTED, S.REJECTED])
def test_cancel_after_anaf_points_to_a_credit_note(status: InvoiceStatus) -> None:
    with pytest.raises(LifecycleConflict) as caught:
        rules.ensure_cancellable(status, "GEN-1", DocumentType.INVOICE)
    assert caught.value.rule == rules.RULE_CANCEL_BEFORE_ANAF
    assert "credit note" in caught.value.message and "ANAF" in caught.value.message


def test_cancel_is_for_issued_documents_only() -> None:
    rules.ensure_cancellable(S.ISSUED, "GEN-1", DocumentType.INVOICE)
    for status in (S.DRAFT, S.CANCELLED):
        with pytest.raises(LifecycleConflict):
            rules.ensure_cancellable(status, "GEN-1", DocumentType.INVOICE)


def test_cancel_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        rules.check_cancel_reason("   ")
    assert rules.check_cancel_reason("  wrong   buyer ") == "wrong buyer"


def target(**overrides: object) -> CorrectedInvoice:
    values: dict[str, object] = {
        "id": "inv",
        "number": "GEN-1",
        "issue_date": date(2025, 7, 30),
        "tax_point_date": date(2025, 7, 30),
        "currency": "RON",
        "exchange_rate": None,
        "partner_id": "p",
        "payable_amount": Decimal("119.00"),
        "status": S.ISSUED,
        "document_type": DocumentType.INVOICE,
        "credited_so_far": Decimal("100.00"),
    }
    values.update(overrides)
    return CorrectedInvoice(**values)  # type: ignore[arg-type]


def test_credit_notes_stay_within_the_invoice_and_its_currency() -> None:
    rules.check_credit(target(), "RON", Decimal("19.00"))
    with pytest.raises(ValidationError) as caught:
        rules.check_credit(target(), "RON", Decimal("19.01"))
    assert caught.value.problems[0].code == rules.RULE_CREDIT_EXCEEDS
    with pytest.raises(ValidationError) as caught:
        rules.check_credit(target(), "EUR", Decimal("1"))
    assert caught.value.problems[0].code == rules.RULE_CREDIT_CURRENCY


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": S.DRAFT},
        {"status": S.CANCELLED},
        {"document_type": DocumentType.CREDIT_NOTE},
    ],
)
def test_only_issued_invoices_are_corrected(overrides: dict[str, object]) -> None:
    with pytest.raises(Conflict) as caught:
        rules.ensure_correctable(target(**overrides))
    assert caught.value.details["rule"] == rules.RULE_CREDIT_ISSUED_ONLY


@pytest.mark.parametrize("status", [S.ISSUED, S.SUBMITTED, S.ACCEPTED, S.REJECTED])
def test_issued_invoices_are_corrected_by_credit_notes_even_after_anaf(status: InvoiceStatus) -> None:
    # A document ANAF rejected for its content cannot be edited: a credit note and a new invoice.
    rules.ensure_correctable(target(status=status))


def test_submission_happy_path_and_invoice_status() -> None:
    attempt = start("inv", 1, NOW, b2c=False)
    attempt = attempt.move(SubmissionState.UPLOADED, NOW, upload_index="5001")
    attempt = attempt.move(SubmissionState.PROCESSING, NOW)
    attempt = attempt.move(SubmissionState.ACCEPTED, NOW, download_id="9001")
    assert (attempt.upload_index, attempt.download_id, attempt.finished_at) == ("5001", "9001", NOW)
    assert invoice_status_after(SubmissionState.UPLOADED) == S.SUBMITTED
    assert invoice_status_after(SubmissionState.ACCEPTED) == S.ACCEPTED
    assert invoice_status_after(SubmissionState.REJECTED) == S.REJECTED
    assert invoice_status_after(SubmissionState.FAILED) is None


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], SubmissionState.ACCEPTED),  # a verdict before any upload
        ([SubmissionState.FAILED], SubmissionState.UPLOADED),  # terminal
        ([SubmissionState.CANCELLED], SubmissionState.PENDING),
        ([SubmissionState.OUTCOME_UNKNOWN], SubmissionState.ACCEPTED),  # reconcile first
    ],
)
def test_submission_moves_outside_the_diagram_are_refused(
    path: list[SubmissionState], refused: SubmissionState
) -> None:
    attempt = start("inv", 1, NOW, b2c=True)
    for state in path:
        attempt = attempt.move(state, NOW)
    with pytest.raises(Conflict) as caught:
        attempt.move(refused, NOW, upload_index="1")
    assert caught.value.details["rule"] == "sales.submission.transition"


def test_an_upload_without_its_index_is_refused() -> None:
    with pytest.raises(Conflict):
        start("inv", 1, NOW, b2c=False).move(SubmissionState.UPLOADED, NOW)
