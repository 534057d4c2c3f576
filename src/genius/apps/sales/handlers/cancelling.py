"""Cancelling an issued document not yet sent to ANAF (its number stays used)."""

from __future__ import annotations

from genius.apps.sales import repository as repo
from genius.apps.sales.commands import CancelInvoice
from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.invoices import DocumentType, InvoiceStatus
from genius.apps.sales.domain.submissions import SubmissionState
from genius.apps.sales.events import InvoiceCancelled
from genius.apps.sales.handlers.deps import SalesDeps
from genius.apps.sales.handlers.drafts import locked_row
from genius.kernel.clock import utcnow
from genius.platform.audit import AuditEntry
from genius.platform.tenancy import current_tenant


def cancel_invoice(deps: SalesDeps, cmd: CancelInvoice) -> None:
    """Cancel an issued document not yet sent to ANAF; its number stays used. Publishes the event."""
    ctx = current_tenant()
    with deps.uow() as uow:
        conn = uow.connection
        row = locked_row(conn, cmd.invoice_id)
        kind = DocumentType(row.document_type)
        rules.ensure_cancellable(InvoiceStatus(row.status), row.number, kind)
        reason = rules.check_cancel_reason(cmd.reason)
        now = utcnow()
        repo.update_invoice(
            conn,
            cmd.invoice_id,
            {
                "status": InvoiceStatus.CANCELLED.value,
                "cancelled_at": now,
                "cancelled_by": ctx.user_id,
                "cancel_reason": reason,
                "version": row.version + 1,
                "updated_at": now,
                "updated_by": ctx.user_id,
            },
        )
        for attempt in repo.submissions_of(conn, cmd.invoice_id, for_update=True):
            if attempt.state == SubmissionState.PENDING:  # queued but never uploaded
                repo.save_submission(
                    conn, attempt.move(SubmissionState.CANCELLED, now, error=f"cancelled: {reason}")
                )
        deps.audit.record_in(
            conn,
            AuditEntry(
                action=f"sales.{kind.value}.cancel",
                resource_type=f"sales.{kind.value}",
                resource_id=cmd.invoice_id,
                before={"status": row.status, "number": row.number},
                after={"status": InvoiceStatus.CANCELLED.value},
                reason=reason,
            ),
        )
        uow.publish(
            InvoiceCancelled(
                invoice_id=cmd.invoice_id,
                number=row.number,
                document_type=kind.value,
                reason=reason,
                cancelled_by=ctx.user_id,
            ),
            subject=cmd.invoice_id,
        )
