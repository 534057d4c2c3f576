"""Handlers that issue sales documents (number + UBL + validation + outbox); cancel: .cancelling.

Issuing has two steps. First, with no lock held, the draft's references
are resolved and the document expanded, computed, authorized (the amount limit), checked
against the CIUS-RO rules, built as UBL and run through the e-Factura validator, all under the
number the series would give next (a placeholder of the series' own format): a document ANAF
would refuse is refused here, before any number is taken; so are the stored columns, the
document's JSON form and the event's fields, everything but the number and the XML's hash. Then
one unit of work locks the series, takes the real number, writes it into the bytes already built
(``prebuilt.splice`` and ``splice_json``, whose docstring says why they and the validator's
verdict are exactly those of a build under the real number; when it cannot say so the UBL is
built and validated again under the lock), stores the XML and its hash, moves the series on,
appends the audit record and queues the event. Any refusal or exception rolls the unit of work
back, so no number is consumed (the series row stays as it was) and nothing is half-written; and
the series is locked only for the numbering and the writes. On PostgreSQL both steps share one
connection and transaction (the planning reads take no lock), and once the series and the audit
chain head are locked every write and the COMMIT go to the server in one round trip
(``.transaction``); on SQLite the plan is read on a connection of its own before
``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from genius.apps.sales import repository as repo
from genius.apps.sales.commands import CreateAndIssue, IssueBatch, IssueInvoice
from genius.apps.sales.domain import invoices as rules
from genius.apps.sales.domain.drafts import ExpansionContext, PreparedDocument, prepare, renumbered
from genius.apps.sales.domain.errors import InvoiceRejected
from genius.apps.sales.domain.invoices import DocumentType, InvoiceStatus
from genius.apps.sales.domain.series import SeriesDocumentKind
from genius.apps.sales.handlers.deps import SalesDeps
from genius.apps.sales.handlers.drafts import (
    amounts,
    buyer_facts,
    document_type_of,
    locked_row,
    partner_id_of,
    resolve,
)
from genius.apps.sales.handlers.issued_events import issued_event, issued_facts
from genius.apps.sales.handlers.prebuilt import splice, splice_json
from genius.apps.sales.handlers.transaction import IssuingTransaction, issuing_slot
from genius.fiscal.ro.efactura import build_xml, check_rules, invoice_to_dict
from genius.fiscal.ro.efactura.validate import validate_xml
from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, GeniusError, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit import AuditEntry
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext, current_tenant

ISSUE_PERMISSION = "sales.invoice.issue"
MAX_BATCH = 100  # documents per batch: one transaction, bounded in time and memory


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
class _Plan:
    """Everything an issue needs except its number, worked out before any lock is taken."""

    invoice_id: str
    kind: DocumentType
    document: Any
    series_id: str
    placeholder: str
    prepared: PreparedDocument
    context: ExpansionContext
    xml: bytes  # the UBL under the placeholder, validated: ANAF would accept it
    document_json: str  # the JSON form under the placeholder (``repo.canonical``)
    references: int  # BT-83 payment references that are the placeholder (``renumbered``)
    columns: dict[str, Any]  # the invoice row's values that do not depend on the number
    facts: dict[str, Any]  # the event's fields that do not depend on the number
    partner_id: str | None
    corrects_invoice_id: str | None
    draft_version: int | None  # None: created and issued in one step


def issue_invoice(deps: SalesDeps, cmd: IssueInvoice) -> IssuedDocument:
    """See ``_issue_invoice``; runs in one of the process's issuing slots (``.transaction``)."""
    with issuing_slot():
        return _issue_invoice(deps, cmd)


def _issue_invoice(deps: SalesDeps, cmd: IssueInvoice) -> IssuedDocument:
    """Issue a draft: number, UBL, validation, storage, audit and event in one transaction."""
    ctx = current_tenant()
    issuing = IssuingTransaction(deps)
    with issuing.planning() as conn:
        row = locked_row(conn, cmd.invoice_id, lock=False)
        kind = DocumentType(row.document_type)
        rules.ensure_issuable(InvoiceStatus(row.status), row.number, kind)
        plan = _plan(conn, deps, ctx, cmd.invoice_id, json.loads(row.draft_json), kind, row.version)
    with issuing.writing() as uow:
        current = locked_row(uow.connection, cmd.invoice_id)
        rules.ensure_issuable(InvoiceStatus(current.status), current.number, kind)
        if current.version != row.version:
            raise Conflict(
                f"draft {cmd.invoice_id} changed while it was being issued: issue it again",
                code="stale_version",
                details={"version": current.version},
            )
        return _commit(uow, deps, ctx, plan, issuing)


def create_and_issue(deps: SalesDeps, cmd: CreateAndIssue) -> IssuedDocument:
    """See ``_create_and_issue``; runs in one of the process's issuing slots (``.transaction``)."""
    with issuing_slot():
        return _create_and_issue(deps, cmd)


def _create_and_issue(deps: SalesDeps, cmd: CreateAndIssue) -> IssuedDocument:
    """A draft and its issue in one transaction: a refused issue leaves no draft behind either.

    The row is inserted as issued (the draft never exists on its own), which is also why this
    path is the fast one.
    """
    ctx = current_tenant()
    kind = document_type_of(cmd.credit_note)
    issuing = IssuingTransaction(deps)
    with issuing.planning() as conn:
        plan = _plan(conn, deps, ctx, new_id(), cmd.document, kind, None)
    with issuing.writing() as uow:
        return _commit(uow, deps, ctx, plan, issuing)


def issue_batch(deps: SalesDeps, cmd: IssueBatch) -> list[IssuedDocument]:
    """See ``_issue_batch``; runs in one of the process's issuing slots (``.transaction``)."""
    with issuing_slot():
        return _issue_batch(deps, cmd)


def _issue_batch(deps: SalesDeps, cmd: IssueBatch) -> list[IssuedDocument]:
    """Create and issue several documents in one transaction, numbered in the order given.

    All or nothing: a refused document refuses the batch (its problems are named under
    ``documents[i]``) and nothing is written, no number consumed. One transaction for many
    documents is what a billing run wants, and it spares the per-request cost of the gateway.
    """
    ctx = current_tenant()
    if not 1 <= len(cmd.documents) <= MAX_BATCH:
        raise ValidationError.for_field("documents", f"give 1 to {MAX_BATCH} documents", "batch_size")
    kind = document_type_of(cmd.credit_note)
    plans: list[_Plan] = []
    issuing = IssuingTransaction(deps)
    with issuing.planning() as conn:
        for index, document in enumerate(cmd.documents):
            with _document(index):
                plans.append(_plan(conn, deps, ctx, new_id(), document, kind, None))
    with issuing.writing() as uow:
        # Every series this batch numbers from, locked up front in one order: two batches
        # sharing series then queue instead of deadlocking.
        for series_id in sorted({plan.series_id for plan in plans}):
            repo.get_series_row(uow.connection, series_id, for_update=True)
        issued = []
        for index, plan in enumerate(plans):
            with _document(index):
                issued.append(_commit(uow, deps, ctx, plan, None))
        return issued


@contextmanager
def _document(index: int) -> Iterator[None]:
    """Name the batch document a refusal is about (``documents[3].lines[0].unit_code``)."""
    try:
        yield
    except ValidationError as exc:
        where = f"documents[{index}]"
        # JSON-form paths join with a dot; the validator's locations are XPaths (/Invoice/...).
        exc.problems = [
            replace(p, field=f"{where}.{p.field}" if p.field[:1] != "/" else f"{where}{p.field}")
            for p in exc.problems
        ]
        if isinstance(exc.details, list):
            for detail, problem in zip(exc.details, exc.problems, strict=False):
                if isinstance(detail, dict):
                    detail["field"] = problem.field
        exc.message = f"{where}: {exc.message}"
        exc.args = (exc.message,)
        raise
    except GeniusError as exc:
        exc.message = f"documents[{index}]: {exc.message}"
        exc.args = (exc.message,)
        exc.details = (
            {**exc.details, "document": index} if isinstance(exc.details, dict) else {"document": index}
        )
        raise


def _plan(
    conn: Connection,
    deps: SalesDeps,
    ctx: TenantContext,
    invoice_id: str,
    document: Any,
    kind: DocumentType,
    draft_version: int | None,
) -> _Plan:
    """Resolve, expand, compute, authorize, check, build and validate the document under the
    series' next number.

    Runs with no lock held: the number is taken afterwards, in the writing transaction, so
    concurrent issues queue on the series only while the number is taken and the rows written.
    """
    resolved = resolve(conn, deps, ctx, document, kind, number="0")
    if resolved.series_id is not None:
        series_row = repo.get_series_row(conn, resolved.series_id)
        assert series_row is not None  # checked by resolve
    else:
        series_row = repo.default_series_row(conn, SeriesDocumentKind(kind.value))
        if series_row is None:
            raise ValidationError.for_field(
                "series_id",
                f"no default numbering series for {kind.value}s: create one (POST /api/v1/sales/series)"
                " or name one",
                "no_series",
            )
    series_id = series_row.id
    placeholder = repo.series_from_row(series_row).peek(resolved.context.issue_date)
    context = replace(resolved.context, number=placeholder)
    prepared = prepare(document, context)
    totals = prepared.totals
    if context.corrected is not None:
        rules.check_credit(context.corrected, prepared.invoice.currency, totals.payable_amount)
    if deps.authorizer is not None:  # the ABAC amount limit needs the computed total (in lei)
        amount = totals.payable_in_ron(prepared.invoice.currency, prepared.exchange_rate)
        deps.authorizer.check(ctx, ISSUE_PERMISSION, {"amount": f"{amount:f}"})
    check_rules(prepared.invoice)  # CIUS-RO rules on the model: field paths and rule ids
    xml = _validated_xml(prepared)
    partner_id = partner_id_of(resolved)
    corrects_invoice_id = resolved.refs.corrects_invoice_id
    columns = {
        "status": InvoiceStatus.ISSUED.value,
        "series_id": series_id,
        "partner_id": partner_id,
        "corrects_invoice_id": corrects_invoice_id,
        "issue_date": prepared.invoice.issue_date,
        "tax_point_date": prepared.tax_point_date,
        "due_date": prepared.invoice.due_date,
        **buyer_facts(prepared, context.buyer),
        **amounts(prepared),
    }
    if draft_version is None:
        columns.update(
            id=invoice_id, document_type=kind.value, draft_json=repo.canonical(document), version=1
        )
    else:
        columns["version"] = draft_version + 1
    return _Plan(
        invoice_id=invoice_id,
        kind=kind,
        document=document,
        series_id=series_id,
        placeholder=placeholder,
        prepared=prepared,
        context=context,
        xml=xml,
        document_json=repo.canonical(invoice_to_dict(prepared.invoice)),
        references=sum(
            p.remittance_information == placeholder for p in prepared.invoice.payment_instructions
        ),
        columns=columns,
        facts=issued_facts(invoice_id, series_id, partner_id, prepared, context, ctx),
        partner_id=partner_id,
        corrects_invoice_id=corrects_invoice_id,
        draft_version=draft_version,
    )


def _validated_xml(prepared: PreparedDocument) -> bytes:
    """The UBL of ``prepared``, refused (``InvoiceRejected``) unless ANAF would accept it."""
    xml = build_xml(prepared.invoice, check=False)
    report = validate_xml(xml)
    if not report.anaf_ok:
        raise InvoiceRejected(report.fatal)
    return xml


def _commit(
    uow: UnitOfWork, deps: SalesDeps, ctx: TenantContext, plan: _Plan, issuing: IssuingTransaction | None
) -> IssuedDocument:
    """Take the number under the series lock, put it into the built UBL, store, audit, publish.

    The reads come first (series, corrected invoice, audit chain head), then only writes, which
    ``issuing.defer_writes`` sends in one round trip with the COMMIT (a batch passes ``None``:
    its next document reads again). Everything that does not need the number was worked out by
    ``_plan``: under the locks the number is only written into the XML and the JSON form.
    """
    conn = uow.connection
    kind, invoice_id = plan.kind, plan.invoice_id
    # The gapless counter: locked here, moved below, all in this transaction (FOR UPDATE on PostgreSQL).
    series_row = repo.get_series_row(conn, plan.series_id, for_update=True)
    if series_row is None:
        raise ValidationError.for_field("series_id", f"series {plan.series_id} was removed", "not_found")
    number, advanced = repo.series_from_row(series_row).take(plan.context.issue_date)
    if plan.context.corrected is not None:  # credit notes issued meanwhile count against the invoice
        corrected = repo.corrected_invoice(conn, plan.context.corrected.id)
        assert corrected is not None
        rules.check_credit(corrected, plan.prepared.invoice.currency, plan.prepared.totals.payable_amount)
    model, totals = plan.prepared.invoice, plan.prepared.totals  # the same under any number
    xml = splice(plan.xml, plan.placeholder, number)
    document_json = splice_json(plan.document_json, plan.placeholder, number, plan.references)
    if xml is None or document_json is None:  # a number a splice cannot vouch for: work it out here
        renumbered_model = renumbered(plan.prepared, plan.placeholder, number)
        xml = xml if xml is not None else _validated_xml(renumbered_model)
        document_json = repo.canonical(invoice_to_dict(renumbered_model.invoice))
    digest = hashlib.sha256(xml).hexdigest()
    now = utcnow()
    audit = deps.audit.stage_in(  # locks the chain head: the last read of this transaction
        conn,
        AuditEntry(
            action=f"sales.{kind.value}.issue",
            resource_type=f"sales.{kind.value}",
            resource_id=invoice_id,
            after={
                "number": number,
                "issue_date": model.issue_date.isoformat(),
                "currency": model.currency,
                "payable_amount": f"{totals.payable_amount:f}",
                "xml_sha256": digest,
            },
        ),
    )
    if issuing is not None:
        issuing.defer_writes(conn)
    repo.advance_series(conn, plan.series_id, advanced)
    values = {
        **plan.columns,
        "number": number,
        "document_json": document_json,
        "xml": xml,
        "xml_sha256": digest,
        "updated_at": now,
        "updated_by": ctx.user_id,
        "issued_at": now,
        "issued_by": ctx.user_id,
    }
    if plan.draft_version is None:
        repo.insert_invoice(conn, {**values, "created_at": now, "created_by": ctx.user_id})
    else:
        repo.update_invoice(conn, invoice_id, values)
    audit.write(conn)
    envelope = uow.publish(issued_event(plan.facts, number, digest), subject=invoice_id)
    return IssuedDocument(
        invoice_id=invoice_id,
        document_type=kind,
        number=number,
        issue_date=model.issue_date,
        currency=model.currency,
        payable_amount=totals.payable_amount,
        xml_sha256=digest,
        event_id=envelope.id,
    )
