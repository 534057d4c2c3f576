"""Handlers that issue and cancel sales documents (number + UBL + validation + outbox).

Issuing runs in one unit of work, in this order: lock the draft, resolve its references, lock
its series and take the next number, expand and compute the document, check CIUS-RO rules,
build the UBL, run the e-Factura validator, and only when ANAF would accept it store the XML
and its hash, move the series on, append the audit record and queue the event. Any refusal or
exception rolls all of it back, so no number is consumed (the series row stays as it was) and
nothing is half-written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from genius.apps.sales import repository as repo
from genius.apps.sales.commands import CancelInvoice, CreateAndIssue, IssueInvoice
from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.drafts import ExpansionContext, PreparedDocument, prepare
from genius.apps.sales.domain.errors import InvoiceRejected
from genius.apps.sales.domain.invoices import DocumentType, InvoiceStatus
from genius.apps.sales.domain.series import SeriesDocumentKind
from genius.apps.sales.domain.submissions import SubmissionState
from genius.apps.sales.events import CreditNoteIssued, InvoiceCancelled, InvoiceIssued
from genius.apps.sales.handlers.deps import SalesDeps
from genius.apps.sales.handlers.drafts import (
    amounts,
    buyer_facts,
    document_type_of,
    insert_draft,
    locked_row,
    partner_id_of,
    resolve,
)
from genius.fiscal.ro.efactura import build_xml, check_rules, invoice_to_dict
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.audit import AuditEntry
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, current_tenant

ISSUE_PERMISSION = "sales.invoice.issue"


@dataclass(frozen=True)
class IssuedDocument:
    """What issuing produced (enough for the API's answer without reading the row again)."""

    invoice_id: str
    document_type: DocumentType
    number: str
    issue_date: date
    currency: str
    payable_amount: Decimal
    xml_sha256: str
    event_id: str


class _Denied(Exception):
    """Raised inside the unit of work so it rolls back before the denial is reported."""

    def __init__(self, decision: Any, resource: dict[str, Any]) -> None:
        super().__init__(decision.reason)
        self.decision, self.resource = decision, resource


def issue_invoice(deps: SalesDeps, cmd: IssueInvoice) -> IssuedDocument:
    """Issue a draft: number, UBL, validation, storage, audit and event in one transaction."""
    ctx = current_tenant()
    try:
        with deps.uow() as uow:
            return _issue(uow, deps, ctx, cmd.invoice_id)
    except _Denied as denied:
        raise deps.refuse(ctx, denied.decision, denied.resource) from None


def create_and_issue(deps: SalesDeps, cmd: CreateAndIssue) -> IssuedDocument:
    """A draft and its issue in one transaction: a refused issue leaves no draft behind either."""
    ctx = current_tenant()
    try:
        with deps.uow() as uow:
            invoice_id = insert_draft(uow, deps, ctx, cmd.document, document_type_of(cmd.credit_note))
            return _issue(uow, deps, ctx, invoice_id)
    except _Denied as denied:
        raise deps.refuse(ctx, denied.decision, denied.resource) from None


def _issue(uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, invoice_id: str) -> IssuedDocument:
    conn = uow.connection
    row = locked_row(conn, invoice_id)
    kind = DocumentType(row.document_type)
    rules.ensure_issuable(InvoiceStatus(row.status), row.number, kind)
    document = json.loads(row.draft_json)
    resolved = resolve(conn, deps, ctx, document, kind, number="0")
    series_kind = SeriesDocumentKind(kind.value)
    series_id = resolved.series_id or repo.default_series_id(conn, series_kind)
    if series_id is None:
        raise ValidationError.for_field(
            "series_id",
            f"no default numbering series for {kind.value}s: create one (POST /api/v1/sales/series)"
            " or name one",
            "no_series",
        )
    # The gapless counter: locked here, moved below, all in this transaction (FOR UPDATE on PostgreSQL).
    series_row = repo.get_series_row(conn, series_id, for_update=True)
    assert series_row is not None  # checked by resolve or found as the default just now
    number, advanced = repo.series_from_row(series_row).take(resolved.context.issue_date)
    context = ExpansionContext(
        document_type=kind,
        seller=resolved.context.seller,
        issue_date=resolved.context.issue_date,
        number=number,
        buyer=resolved.context.buyer,
        products=resolved.context.products,
        corrected=resolved.context.corrected,
    )
    prepared = prepare(document, context)
    totals = prepared.totals
    if context.corrected is not None:
        rules.check_credit(context.corrected, prepared.invoice.currency, totals.payable_amount)
    resource = {"amount": f"{totals.payable_in_ron(prepared.invoice.currency, prepared.exchange_rate):f}"}
    decision = deps.decide(ctx, ISSUE_PERMISSION, resource)
    if decision is not None:
        raise _Denied(decision, resource)
    check_rules(prepared.invoice)  # CIUS-RO rules on the model: field paths and rule ids
    xml = build_xml(prepared.invoice, check=False)
    report = validate_xml(xml)
    if not report.anaf_ok:
        raise InvoiceRejected(report.fatal)
    digest = hashlib.sha256(xml).hexdigest()
    now = utcnow()
    repo.advance_series(conn, series_id, advanced)
    partner_id = partner_id_of(resolved)
    repo.update_invoice(
        conn,
        invoice_id,
        {
            "status": InvoiceStatus.ISSUED.value,
            "number": number,
            "series_id": series_id,
            "partner_id": partner_id,
            "issue_date": prepared.invoice.issue_date,
            "tax_point_date": prepared.tax_point_date,
            "due_date": prepared.invoice.due_date,
            **buyer_facts(prepared, context.buyer),
            **amounts(prepared),
            "document_json": repo.canonical(invoice_to_dict(prepared.invoice)),
            "xml": xml,
            "xml_sha256": digest,
            "version": row.version + 1,
            "updated_at": now,
            "updated_by": ctx.user_id,
            "issued_at": now,
            "issued_by": ctx.user_id,
        },
    )
    deps.audit.record_in(
        conn,
        AuditEntry(
            action=f"sales.{kind.value}.issue",
            resource_type=f"sales.{kind.value}",
            resource_id=invoice_id,
            after={
                "number": number,
                "issue_date": prepared.invoice.issue_date.isoformat(),
                "currency": prepared.invoice.currency,
                "payable_amount": f"{totals.payable_amount:f}",
                "xml_sha256": digest,
            },
        ),
    )
    event = _issued_event(invoice_id, number, series_id, partner_id, prepared, context, digest, ctx)
    envelope = uow.publish(event, subject=invoice_id)
    return IssuedDocument(
        invoice_id=invoice_id,
        document_type=kind,
        number=number,
        issue_date=prepared.invoice.issue_date,
        currency=prepared.invoice.currency,
        payable_amount=totals.payable_amount,
        xml_sha256=digest,
        event_id=envelope.id,
    )


def _breakdown(prepared: PreparedDocument) -> list[dict[str, str]]:
    out = []
    for entry in prepared.invoice.vat_breakdown:
        item = {
            "category": entry.category,
            "taxable_amount": f"{entry.taxable_amount:f}",
            "tax_amount": f"{entry.tax_amount:f}",
        }
        if entry.rate is not None:
            item["rate"] = f"{entry.rate:f}"
        out.append(item)
    return out


def _issued_event(
    invoice_id: str,
    number: str,
    series_id: str,
    partner_id: str | None,
    prepared: PreparedDocument,
    context: ExpansionContext,
    digest: str,
    ctx: TenantContext,
) -> InvoiceIssued | CreditNoteIssued:
    model, totals = prepared.invoice, prepared.totals
    common: dict[str, Any] = {
        "invoice_id": invoice_id,
        "number": number,
        "series_id": series_id,
        "issue_date": model.issue_date,
        "tax_point_date": prepared.rate_date,
        "currency": model.currency,
        "exchange_rate": prepared.exchange_rate,
        "partner_id": partner_id,
        "buyer_name": model.buyer.name,
        "buyer_kind": context.buyer.kind.value if context.buyer else "other",
        "buyer_vat_id": model.buyer.vat_id,
        "tax_exclusive_amount": totals.tax_exclusive_amount,
        "vat_total": totals.vat_total,
        "vat_total_ron": totals.vat_total_ron,
        "payable_amount": totals.payable_amount,
        "vat_breakdown": _breakdown(prepared),
        "xml_sha256": digest,
        "issued_by": ctx.user_id,
    }
    if context.corrected is not None:
        return CreditNoteIssued(
            corrected_invoice_id=context.corrected.id,
            corrected_invoice_number=context.corrected.number,
            **common,
        )
    return InvoiceIssued(type_code=model.type_code, due_date=model.due_date, **common)


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
