"""Invoice and e-Factura submission rows, in the caller's transaction."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row

from genius.apps.sales import tables as t
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.submissions import Submission, SubmissionState
from genius.apps.sales.repository.rows import dec, one
from genius.kernel.money import round_money

_INSERT_INVOICE = t.invoices.insert()


# -- invoices --------------------------------------------------------------------------------------
def get_invoice_row(conn: Connection, invoice_id: str, *, for_update: bool = False) -> Row[Any] | None:
    return one(conn, t.invoices, invoice_id, for_update)


def insert_invoice(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(_INSERT_INVOICE, values)


def update_invoice(conn: Connection, invoice_id: str, values: dict[str, Any]) -> None:
    conn.execute(t.invoices.update().where(t.invoices.c.id == invoice_id).values(**values))


def delete_invoice(conn: Connection, invoice_id: str) -> None:
    conn.execute(t.invoices.delete().where(t.invoices.c.id == invoice_id))


def corrected_invoice(conn: Connection, invoice_id: str) -> CorrectedInvoice | None:
    """The invoice a credit note corrects, with what its issued credit notes already credited."""
    row = conn.execute(sa.select(t.invoices).where(t.invoices.c.id == invoice_id)).first()
    if row is None:
        return None
    credited = conn.execute(
        sa.select(t.invoices.c.payable_amount).where(
            t.invoices.c.corrects_invoice_id == invoice_id,
            t.invoices.c.document_type == DocumentType.CREDIT_NOTE.value,
            t.invoices.c.number.is_not(None),
            t.invoices.c.status != InvoiceStatus.CANCELLED.value,
        )
    ).scalars()
    return CorrectedInvoice(
        id=row.id,
        number=row.number or "",
        issue_date=row.issue_date,
        tax_point_date=row.tax_point_date or row.issue_date,
        currency=row.currency,
        exchange_rate=dec(row.exchange_rate),
        partner_id=row.partner_id,
        payable_amount=Decimal(row.payable_amount),
        status=InvoiceStatus(row.status),
        document_type=DocumentType(row.document_type),
        credited_so_far=round_money(sum((Decimal(v) for v in credited), Decimal(0))),
    )


# -- e-Factura submissions ------------------------------------------------------------------------
def submission_from_row(row: Row[Any]) -> Submission:
    return Submission(
        invoice_id=row.invoice_id,
        attempt=row.attempt,
        state=SubmissionState(row.state),
        created_at=row.created_at,
        updated_at=row.updated_at,
        b2c=row.b2c,
        upload_index=row.upload_index,
        download_id=row.download_id,
        messages=tuple(json.loads(row.messages_json)),
        uploaded_at=row.uploaded_at,
        finished_at=row.finished_at,
        last_error=row.last_error,
    )


def submission_values(submission: Submission) -> dict[str, Any]:
    return {
        "invoice_id": submission.invoice_id,
        "attempt": submission.attempt,
        "state": submission.state.value,
        "b2c": submission.b2c,
        "upload_index": submission.upload_index,
        "download_id": submission.download_id,
        "messages_json": json.dumps(list(submission.messages), ensure_ascii=False),
        "last_error": submission.last_error,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "uploaded_at": submission.uploaded_at,
        "finished_at": submission.finished_at,
    }


def insert_submission(conn: Connection, submission_id: str, submission: Submission) -> None:
    conn.execute(t.submissions.insert().values(id=submission_id, **submission_values(submission)))


def save_submission(conn: Connection, submission: Submission) -> None:
    conn.execute(
        t.submissions.update()
        .where(
            t.submissions.c.invoice_id == submission.invoice_id, t.submissions.c.attempt == submission.attempt
        )
        .values(**submission_values(submission))
    )


def submissions_of(conn: Connection, invoice_id: str, *, for_update: bool = False) -> list[Submission]:
    query = (
        sa.select(t.submissions)
        .where(t.submissions.c.invoice_id == invoice_id)
        .order_by(t.submissions.c.attempt)
    )
    if for_update:
        query = query.with_for_update()
    return [submission_from_row(row) for row in conn.execute(query).all()]
