"""Handlers of draft documents (invoices and credit notes): create, update, delete.

A draft is checked as far as a draft can be when it is saved: its references resolve (company
profile, partner, products, series, the corrected invoice), it expands into the full e-Factura
JSON form, and codes, VAT rates and amounts are right. The CIUS-RO rules and the validator run
when it is issued (``genius.apps.sales.handlers.issuing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from genius.apps.sales import repository as repo
from genius.apps.sales.commands import CreateDraft, DeleteDraft, UpdateDraft
from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.drafts import DraftRefs, ExpansionContext, PreparedDocument, prepare, read_refs
from genius.apps.sales.domain.invoices import CorrectedInvoice, DocumentType, InvoiceStatus
from genius.apps.sales.domain.partners import Partner
from genius.apps.sales.handlers.deps import SalesDeps
from genius.apps.sales.rates import NoBnrRate, rate_for_tax_point
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit import AuditEntry
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, current_tenant


@dataclass(frozen=True)
class Resolved:
    """A draft's references, looked up in the tenant database."""

    refs: DraftRefs
    context: ExpansionContext
    series_id: str | None


def document_type_of(credit_note: bool) -> DocumentType:
    return DocumentType.CREDIT_NOTE if credit_note else DocumentType.INVOICE


def load_partner(
    conn: Connection, deps: SalesDeps, ctx: TenantContext, partner_id: str | None
) -> Partner | None:
    if partner_id is None:
        return None
    row = repo.get_partner_row(conn, partner_id)
    if row is None:
        return None
    cnp = deps.vault(ctx).open(row.id, row.cnp_sealed) if row.cnp_sealed else None
    return repo.partner_from_row(row, cnp)


def resolve(
    conn: Connection,
    deps: SalesDeps,
    ctx: TenantContext,
    document: Any,
    document_type: DocumentType,
    number: str,
) -> Resolved:
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
        buyer=load_partner(conn, deps, ctx, partner_id),
        products=repo.products_by_id(conn, refs.product_ids),
        corrected=corrected,
        exchange_rate=bnr_rate(conn, document, refs.issue_date or deps.today(), corrected),
    )
    return Resolved(refs, context, series_id)


def bnr_rate(
    conn: Connection, document: Any, issue_date: date, corrected: CorrectedInvoice | None
) -> Decimal | None:
    """BNR's rate for a foreign-currency draft that gives none (a credit note keeps its invoice's)."""
    if not isinstance(document, dict) or "vat_exchange_rate" in document:
        return None
    currency = document.get("currency") or (corrected.currency if corrected else None)
    if not isinstance(currency, str) or currency.upper() in ("RON", "") or len(currency) != 3:
        return None
    if corrected is not None and corrected.exchange_rate is not None:
        return None
    try:
        tax_point = date.fromisoformat(str(document.get("tax_point_date") or issue_date))
        return rate_for_tax_point(conn, currency, tax_point).per_unit
    except (ValueError, NoBnrRate):  # a bad date is reported by the draft checks; no rate: "required"
        return None


def buyer_facts(prepared: PreparedDocument, partner: Partner | None) -> dict[str, Any]:
    buyer = prepared.invoice.buyer
    return {
        "buyer_name": buyer.name[:200],
        "buyer_kind": partner.kind.value if partner else "other",
        "buyer_vat_id": buyer.vat_id,
    }


def amounts(prepared: PreparedDocument) -> dict[str, Any]:
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


def draft_values(
    uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, document: Any, kind: DocumentType
) -> dict[str, Any]:
    """Columns of a draft after checking it as far as a draft can be (everything but CIUS-RO)."""
    resolved = resolve(uow.connection, deps, ctx, document, kind, number="0")
    prepared = prepare(document, resolved.context)
    if resolved.context.corrected is not None:
        rules.check_credit(
            resolved.context.corrected, prepared.invoice.currency, prepared.totals.payable_amount
        )
    return {
        "series_id": resolved.series_id,
        "partner_id": partner_id_of(resolved),
        "corrects_invoice_id": resolved.refs.corrects_invoice_id,
        "issue_date": resolved.refs.issue_date,
        "tax_point_date": None,
        "due_date": None,
        "draft_json": repo.canonical(document),
        **buyer_facts(prepared, resolved.context.buyer),
        **amounts(prepared),
    }


def partner_id_of(resolved: Resolved) -> str | None:
    if resolved.refs.partner_id is not None:
        return resolved.refs.partner_id
    return resolved.context.corrected.partner_id if resolved.context.corrected is not None else None


def insert_draft(
    uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, document: Any, kind: DocumentType
) -> str:
    values = draft_values(uow, deps, ctx, document, kind)
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
    """Store a checked draft (invoice or credit note); no number, no event; audited."""
    ctx = current_tenant()
    kind = document_type_of(cmd.credit_note)
    with deps.uow() as uow:
        invoice_id = insert_draft(uow, deps, ctx, cmd.document, kind)
        _audit_draft(uow, deps, kind, "create", invoice_id, after={"status": "draft", "version": 1})
        return invoice_id


def _audit_draft(
    uow: UnitOfWork, deps: SalesDeps, kind: DocumentType, verb: str, invoice_id: str, **summary: Any
) -> None:
    """The draft's change in the tenant's audit chain, committed with it (the HTTP request's own
    record rides along in the same transaction: genius.platform.audit.pending)."""
    deps.audit.record_in(
        uow.connection,
        AuditEntry(
            action=f"sales.{kind.value}.{verb}",
            resource_type=f"sales.{kind.value}",
            resource_id=invoice_id,
            **summary,
        ),
    )


def update_draft(deps: SalesDeps, cmd: UpdateDraft) -> int:
    """Replace a draft's document; refused (Conflict, rule named) once it is issued."""
    ctx = current_tenant()
    with deps.uow() as uow:
        row = locked_row(uow.connection, cmd.invoice_id)
        kind = DocumentType(row.document_type)
        rules.ensure_editable(InvoiceStatus(row.status), row.number, kind)
        if cmd.expected_version is not None and cmd.expected_version != row.version:
            raise Conflict(
                f"draft {cmd.invoice_id} is at version {row.version}, not {cmd.expected_version}: reload it",
                code="stale_version",
                details={"version": row.version},
            )
        values = draft_values(uow, deps, ctx, cmd.document, kind)
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
        _audit_draft(
            uow,
            deps,
            kind,
            "update",
            cmd.invoice_id,
            before={"version": row.version},
            after={"version": version},
        )
    return int(version)


def delete_draft(deps: SalesDeps, cmd: DeleteDraft) -> None:
    with deps.uow() as uow:
        row = locked_row(uow.connection, cmd.invoice_id)
        rules.ensure_deletable(InvoiceStatus(row.status))
        repo.delete_invoice(uow.connection, cmd.invoice_id)
        _audit_draft(
            uow,
            deps,
            DocumentType(row.document_type),
            "delete",
            cmd.invoice_id,
            before={"status": row.status, "version": row.version},
        )


def locked_row(conn: Connection, invoice_id: str, *, lock: bool = True) -> Any:
    row = repo.get_invoice_row(conn, invoice_id, for_update=lock)
    if row is None:
        raise NotFound(f"no sales document {invoice_id} in this tenant", code="invoice_not_found")
    return row
