"""Routes of sales documents: invoice and credit-note drafts, issue, cancel, lists, UBL download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi import Body, Depends, Query, Response, status

from genius.apps.sales import handlers as h
from genius.apps.sales.api.deps import Deps, Queries
from genius.apps.sales.api.issuing_threads import run_issuing
from genius.apps.sales.api.routes import router
from genius.apps.sales.commands import (
    CancelInvoice,
    CreateAndIssue,
    CreateDraft,
    DeleteDraft,
    IssueBatch,
    IssueInvoice,
    UpdateDraft,
)
from genius.apps.sales.schemas import (
    DRAFT_DESCRIPTION,
    DRAFT_EXAMPLE,
    CancelIn,
    InvoiceOut,
    InvoicePage,
    InvoiceSummaryOut,
    IssueBatchIn,
    IssuedBatchOut,
    IssuedOut,
)
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext, tenant_scope

Reader = Annotated[TenantContext, Depends(require("sales.invoice.read"))]
Creator = Annotated[TenantContext, Depends(require("sales.invoice.create"))]
CreditCreator = Annotated[TenantContext, Depends(require("sales.credit_note.create"))]
Issuer = Annotated[TenantContext, Depends(require("sales.invoice.issue"))]
Canceller = Annotated[TenantContext, Depends(require("sales.invoice.cancel"))]
Draft = Annotated[dict[str, Any], Body(description=DRAFT_DESCRIPTION, examples=[DRAFT_EXAMPLE])]
CreditDraft = Annotated[
    dict[str, Any],
    Body(
        description=DRAFT_DESCRIPTION,
        examples=[
            {
                "corrects_invoice_id": "01936f8e-0000-7000-8000-0000000000aa",
                "lines": DRAFT_EXAMPLE["lines"][:1],
            }
        ],
    ),
]
ISSUE_DESCRIPTION = (
    "Takes the next number of the series inside the issuing transaction, builds the CIUS-RO UBL,"
    " runs the e-Factura validator and refuses (422, every failing rule with rule_id, message_ro,"
    " message_en and location) when ANAF would reject it: then nothing is written and no number is"
    " consumed. Otherwise stores the UBL and its SHA-256, appends the audit record and queues the"
    " event, all in one transaction. Issuing twice is refused (409, rule sales.invoice.issue-once)."
)


T = TypeVar("T")


def _in_scope(ctx: TenantContext, call: Callable[..., T], *args: object) -> T:
    with tenant_scope(ctx):
        return call(*args)


def _page(page: Any) -> InvoicePage:
    return InvoicePage(
        items=[InvoiceSummaryOut.of(s) for s in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "/invoices",
    response_model=InvoiceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an invoice draft (e-Factura JSON form)",
)
def create_invoice(document: Draft, ctx: Creator, deps: Deps, queries: Queries) -> InvoiceOut:
    with tenant_scope(ctx):
        return InvoiceOut.of_view(queries.invoice(h.create_draft(deps, CreateDraft(document))))


@router.post(
    "/invoices/issue",
    response_model=IssuedOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create and issue an invoice in one step",
    description="The draft and its issue in one transaction: a refused issue leaves nothing behind. "
    + ISSUE_DESCRIPTION
    + " Needs sales.invoice.create and sales.invoice.issue.",
)
async def create_and_issue_invoice(document: Draft, ctx: Creator, issuer: Issuer, deps: Deps) -> IssuedOut:
    issued = await run_issuing(_in_scope, ctx, h.create_and_issue, deps, CreateAndIssue(document))
    return IssuedOut.of(issued)


@router.post(
    "/invoices/issue-batch",
    response_model=IssuedBatchOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create and issue several invoices in one transaction (a billing run)",
    description="Up to 100 documents, numbered in the order given, all or nothing: a refused document"
    " refuses the batch, with its problems named under documents[i]. "
    + ISSUE_DESCRIPTION
    + " Needs sales.invoice.create and sales.invoice.issue.",
)
async def issue_invoice_batch(
    body: IssueBatchIn, ctx: Creator, issuer: Issuer, deps: Deps
) -> IssuedBatchOut:
    issued = await run_issuing(_in_scope, ctx, h.issue_batch, deps, IssueBatch(list(body.documents)))
    return IssuedBatchOut(issued=[IssuedOut.of(i) for i in issued])


@router.get(
    "/invoices", response_model=InvoicePage, summary="List invoices and credit notes with filters and pages"
)
def list_invoices(
    ctx: Reader,
    queries: Queries,
    status_: Annotated[
        str | None,
        Query(
            alias="status",
            max_length=20,
            description="draft, issued, submitted, accepted, rejected, cancelled",
        ),
    ] = None,
    document_type: Annotated[str | None, Query(max_length=20, description="invoice or credit_note")] = None,
    partner_id: Annotated[str | None, Query(max_length=64)] = None,
    date_from: Annotated[date | None, Query(description="Issue date from (inclusive)")] = None,
    date_to: Annotated[date | None, Query(description="Issue date to (inclusive)")] = None,
    number: Annotated[str | None, Query(max_length=64, description="Number, or its beginning")] = None,
    corrects_invoice_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InvoicePage:
    with tenant_scope(ctx):
        page = queries.invoices(
            document_type=document_type,
            status=status_,
            partner_id=partner_id,
            date_from=date_from,
            date_to=date_to,
            number=number,
            corrects_invoice_id=corrects_invoice_id,
            limit=limit,
            offset=offset,
        )
    return _page(page)


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut, summary="Read an invoice or credit note")
def get_invoice(invoice_id: str, ctx: Reader, queries: Queries) -> InvoiceOut:
    with tenant_scope(ctx):
        return InvoiceOut.of_view(queries.invoice(invoice_id))


@router.put(
    "/invoices/{invoice_id}",
    response_model=InvoiceOut,
    summary="Replace a draft's document",
    description="Only drafts change: an issued document is refused (409, rule sales.invoice.immutable).",
)
def put_invoice(
    invoice_id: str,
    document: Draft,
    ctx: Creator,
    deps: Deps,
    queries: Queries,
    version: Annotated[int | None, Query(description="The version you read (refused if stale)")] = None,
) -> InvoiceOut:
    with tenant_scope(ctx):
        h.update_draft(deps, UpdateDraft(invoice_id, document, version))
        return InvoiceOut.of_view(queries.invoice(invoice_id))


@router.delete(
    "/invoices/{invoice_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a draft (only drafts)"
)
def delete_invoice(invoice_id: str, ctx: Creator, deps: Deps) -> Response:
    with tenant_scope(ctx):
        h.delete_draft(deps, DeleteDraft(invoice_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/invoices/{invoice_id}/issue",
    response_model=IssuedOut,
    summary="Issue a draft (invoice or credit note)",
    description=ISSUE_DESCRIPTION,
)
async def issue_invoice(invoice_id: str, ctx: Issuer, deps: Deps) -> IssuedOut:
    return IssuedOut.of(await run_issuing(_in_scope, ctx, h.issue_invoice, deps, IssueInvoice(invoice_id)))


@router.post(
    "/invoices/{invoice_id}/cancel",
    response_model=InvoiceOut,
    summary="Cancel an issued document not yet sent to ANAF",
    description="After it was sent to ANAF (e-Factura SPV) the refusal says to issue a credit note instead"
    " (409, rule sales.invoice.cancel-before-anaf). Publishes sales.invoice.cancelled.",
)
def cancel_invoice(
    invoice_id: str, body: CancelIn, ctx: Canceller, deps: Deps, queries: Queries
) -> InvoiceOut:
    with tenant_scope(ctx):
        h.cancel_invoice(deps, CancelInvoice(invoice_id, body.reason))
        return InvoiceOut.of_view(queries.invoice(invoice_id))


@router.get(
    "/invoices/{invoice_id}/xml",
    summary="Download the issued UBL XML",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}, "description": "The CIUS-RO UBL as issued"}},
)
def get_invoice_xml(invoice_id: str, ctx: Reader, queries: Queries) -> Response:
    with tenant_scope(ctx):
        number, xml, digest = queries.invoice_xml(invoice_id)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in number)
    return Response(
        content=xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{safe}.xml"', "ETag": f'"{digest}"'},
    )


@router.post(
    "/credit-notes",
    response_model=InvoiceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a credit-note draft correcting an issued invoice (BG-3)",
)
def create_credit_note(document: CreditDraft, ctx: CreditCreator, deps: Deps, queries: Queries) -> InvoiceOut:
    with tenant_scope(ctx):
        return InvoiceOut.of_view(
            queries.invoice(h.create_draft(deps, CreateDraft(document, credit_note=True)))
        )


@router.post(
    "/credit-notes/issue",
    response_model=IssuedOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create and issue a credit note in one step",
    description=ISSUE_DESCRIPTION,
)
async def create_and_issue_credit_note(
    document: CreditDraft, ctx: CreditCreator, issuer: Issuer, deps: Deps
) -> IssuedOut:
    command = CreateAndIssue(document, credit_note=True)
    return IssuedOut.of(await run_issuing(_in_scope, ctx, h.create_and_issue, deps, command))


@router.get("/credit-notes", response_model=InvoicePage, summary="List credit notes")
def list_credit_notes(
    ctx: Reader,
    queries: Queries,
    corrects_invoice_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InvoicePage:
    with tenant_scope(ctx):
        page = queries.invoices(
            document_type="credit_note", corrects_invoice_id=corrects_invoice_id, limit=limit, offset=offset
        )
    return _page(page)
