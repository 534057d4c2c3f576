"""Handlers of sales documents: drafts, issue (number + UBL + validation + outbox), cancel.

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

from sqlalchemy import Connection

from genius.apps.sales import repository as repo
from genius.apps.sales.commands import (
    CancelInvoice,
    CreateAndIssue,
    CreateDraft,
    DeleteDraft,
    IssueInvoice,
    UpdateDraft,
)
from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.drafts import DraftRefs, ExpansionContext, PreparedDocument, prepare, read_refs
from genius.apps.sales.domain.errors import InvoiceRejected
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.partners import Partner
from genius.apps.sales.domain.series import SeriesDocumentKind
from genius.apps.sales.domain.submissions import SubmissionState
from genius.apps.sales.events import CreditNoteIssued, InvoiceCancelled, InvoiceIssued
from genius.apps.sales.handlers.deps import SalesDeps
from genius.fiscal.ro.efactura import build_xml, check_rules, invoice_to_dict
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.kernel.ids import new_id
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


@dataclass(frozen=True)
class _Resolved:
    """A draft's references, looked up in the tenant database."""

    refs: DraftRefs
    context: ExpansionContext
    series_id: str | None


class _Denied(Exception):
    """Raised inside the unit of work so it rolls back before the denial is reported."""

    def __init__(self, decision: Any, resource: dict[str, Any]) -> None:
        super().__init__(decision.reason)
        self.decision, self.resource = decision, resource


def _document_type(credit_note: bool) -> DocumentType:
    return DocumentType.CREDIT_NOTE if credit_note else DocumentType.INVOICE


def _load_partner(
    conn: Connection, deps: SalesDeps, ctx: TenantContext, partner_id: str | None
) -> Partner | None:
    if partner_id is None:
        return None
    row = repo.get_partner_row(conn, partner_id)
    if row is None:
        return None
    cnp = deps.vault(ctx).open(row.id, row.cnp_sealed) if row.cnp_sealed else None
    return repo.partner_from_row(row, cnp)


def _resolve(
    conn: Connection,
    deps: SalesDeps,
    ctx: TenantContext,
    document: Any,
    document_type: DocumentType,
    number: str,
) -> _Resolved:
    refs = read_refs(document, document_type)
    found = repo.get_company(conn)
    if found is None:
        raise ValidationError.for_field(
            "seller",
            "set the company profile first (PUT /api/v1/sales/company): it is the seller",
            "no_company",
        )
    corrected: CorrectedInvoice | None = None
    partner_id = refs.partner_id
    if refs.corrects_invoice_id is not None:
        corrected = repo.corrected_invoice(conn, refs.corrects_invoice_id)
        if corrected is None:
            raise ValidationError.for_field(
                "corrects_invoice_id", f"no invoice {refs.corrects_invoice_id} in this tenant", "not_found"
            )
        rules.ensure_correctable(corrected)
        buyer = document.get("buyer")
        if partner_id is None and buyer is None:
            partner_id = corrected.partner_id
    series_id = refs.series_id
    if series_id is not None:
        row = repo.get_series_row(conn, series_id)
        if row is None:
            raise ValidationError.for_field("series_id", f"no series {series_id} in this tenant", "not_found")
        if row.document_kind != document_type.value:
            raise ValidationError.for_field(
                "series_id",
                f"series {row.prefix} numbers {row.document_kind}s, not {document_type}s",
                "series_kind",
            )
    context = ExpansionContext(
        document_type=document_type,
        seller=found[0],
        issue_date=refs.issue_date or deps.today(),
        number=number,
        buyer=_load_partner(conn, deps, ctx, partner_id),
        products=repo.products_by_id(conn, refs.product_ids),
        corrected=corrected,
    )
    return _Resolved(refs, context, series_id)


def _buyer_facts(prepared: PreparedDocument, partner: Partner | None) -> dict[str, Any]:
    buyer = prepared.invoice.buyer
    return {
        "buyer_name": buyer.name[:200],
        "buyer_kind": partner.kind.value if partner else "other",
        "buyer_vat_id": buyer.vat_id,
    }


def _amounts(prepared: PreparedDocument) -> dict[str, Any]:
    totals = prepared.totals
    return {
        "line_net_total": f"{totals.line_net_total:f}",
        "tax_exclusive_amount": f"{totals.tax_exclusive_amount:f}",
        "vat_total": f"{totals.vat_total:f}",
        "vat_total_ron": f"{totals.vat_total_ron:f}",
        "payable_amount": f"{totals.payable_amount:f}",
        "currency": prepared.invoice.currency,
        "exchange_rate": f"{prepared.exchange_rate:f}" if prepared.exchange_rate is not None else None,
    }


def _draft_values(
    uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, document: Any, kind: DocumentType
) -> dict[str, Any]:
    """Columns of a draft after checking it as far as a draft can be (everything but CIUS-RO)."""
    resolved = _resolve(uow.connection, deps, ctx, document, kind, number="0")
    prepared = prepare(document, resolved.context)
    if resolved.context.corrected is not None:
        rules.check_credit(
            resolved.context.corrected, prepared.invoice.currency, prepared.totals.payable_amount
        )
    return {
        "series_id": resolved.series_id,
        "partner_id": _partner_id(resolved),
        "corrects_invoice_id": resolved.refs.corrects_invoice_id,
        "issue_date": resolved.refs.issue_date,
        "tax_point_date": None,
        "due_date": None,
        "draft_json": repo.canonical(document),
        **_buyer_facts(prepared, resolved.context.buyer),
        **_amounts(prepared),
    }


def _partner_id(resolved: _Resolved) -> str | None:
    if resolved.refs.partner_id is not None:
        return resolved.refs.partner_id
    return resolved.context.corrected.partner_id if resolved.context.corrected is not None else None


def _insert_draft(
    uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, document: Any, kind: DocumentType
) -> str:
    values = _draft_values(uow, deps, ctx, document, kind)
    invoice_id, now = new_id(), utcnow()
    repo.insert_invoice(
        uow.connection,
        {
            "id": invoice_id,
            "document_type": kind.value,
            "status": InvoiceStatus.DRAFT.value,
            **values,
            "version": 1,
            "created_at": now,
            "created_by": ctx.user_id,
            "updated_at": now,
            "updated_by": ctx.user_id,
        },
    )
    return invoice_id


def create_draft(deps: SalesDeps, cmd: CreateDraft) -> str:
    """Store a checked draft (invoice or credit note); no number, no event."""
    ctx = current_tenant()
    with deps.uow() as uow:
        return _insert_draft(uow, deps, ctx, cmd.document, _document_type(cmd.credit_note))


def update_draft(deps: SalesDeps, cmd: UpdateDraft) -> int:
    """Replace a draft's document; refused (Conflict, rule named) once it is issued."""
    ctx = current_tenant()
    with deps.uow() as uow:
        row = _locked(uow.connection, cmd.invoice_id)
        kind = DocumentType(row.document_type)
        rules.ensure_editable(InvoiceStatus(row.status), row.number, kind)
        if cmd.expected_version is not None and cmd.expected_version != row.version:
            raise Conflict(
                f"draft {cmd.invoice_id} is at version {row.version}, not {cmd.expected_version}: reload it",
                code="stale_version",
                details={"version": row.version},
            )
        values = _draft_values(uow, deps, ctx, cmd.document, kind)
        if kind == DocumentType.CREDIT_NOTE and values["corrects_invoice_id"] != row.corrects_invoice_id:
            raise ValidationError.for_field(
                "corrects_invoice_id", "a credit note keeps the invoice it corrects", "fixed"
            )
        version = row.version + 1
        repo.update_invoice(
            uow.connection,
            cmd.invoice_id,
            {**values, "version": version, "updated_at": utcnow(), "updated_by": ctx.user_id},
        )
    return int(version)


def delete_draft(deps: SalesDeps, cmd: DeleteDraft) -> None:
    with deps.uow() as uow:
        row = _locked(uow.connection, cmd.invoice_id)
        rules.ensure_deletable(InvoiceStatus(row.status))
        repo.delete_invoice(uow.connection, cmd.invoice_id)


def _locked(conn: Connection, invoice_id: str) -> Any:
    row = repo.get_invoice_row(conn, invoice_id, for_update=True)
    if row is None:
        raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
    return row


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
            invoice_id = _insert_draft(uow, deps, ctx, cmd.document, _document_type(cmd.credit_note))
            return _issue(uow, deps, ctx, invoice_id)
    except _Denied as denied:
        raise deps.refuse(ctx, denied.decision, denied.resource) from None


def _issue(uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, invoice_id: str) -> IssuedDocument:
    conn = uow.connection
    row = _locked(conn, invoice_id)
    kind = DocumentType(row.document_type)
    rules.ensure_issuable(InvoiceStatus(row.status), row.number, kind)
    document = json.loads(row.draft_json)
    resolved = _resolve(conn, deps, ctx, document, kind, number="0")
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
    assert series_row is not None  # checked by _resolve or found as the default just now
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
    partner_id = _partner_id(resolved)
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
            **_buyer_facts(prepared, context.buyer),
            **_amounts(prepared),
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
        row = _locked(conn, cmd.invoice_id)
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
