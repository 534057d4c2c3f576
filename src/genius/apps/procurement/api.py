"""The procurement HTTP API under ``/api/v1/procurement`` (mounted by the gateway).

``GET /supplier-invoices`` (list with filters and pages), ``GET /supplier-invoices/{id}``,
``GET /supplier-invoices/{id}/xml`` (the UBL as received) and ``GET /supplier-invoices/{id}/pdf``
(200 PDF, or 202 with the rendering job); permission ``procurement.supplier_invoice.read``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from genius.apps.procurement.documents import supplier_invoice_pdf
from genius.apps.procurement.queries import (
    MAX_LIMIT,
    ProcurementQueries,
    SupplierInvoiceFilter,
    SupplierInvoicePage,
    SupplierInvoiceView,
)
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext, tenant_scope

router = APIRouter(prefix="/api/v1/procurement", tags=["procurement"])
Reader = Annotated[TenantContext, Depends(require("procurement.supplier_invoice.read"))]


def _platform(request: Request) -> Any:
    return request.app.state.platform


Platform = Annotated[Any, Depends(_platform)]


def _filters(
    supplier_cui: Annotated[str | None, Query(max_length=20)] = None,
    number: Annotated[str | None, Query(max_length=100, description="Number, or its beginning")] = None,
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
) -> SupplierInvoiceFilter:
    return SupplierInvoiceFilter(supplier_cui, number, date_from, date_to)


Filters = Annotated[SupplierInvoiceFilter, Depends(_filters)]


# The read side's dataclasses are the response models: one list of fields for the view and the JSON.
@router.get("/supplier-invoices", response_model=SupplierInvoicePage, summary="The supplier invoice register")
def list_supplier_invoices(
    ctx: Reader,
    platform: Platform,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SupplierInvoicePage:
    with tenant_scope(ctx):
        return ProcurementQueries(platform.databases).supplier_invoices(filters, limit=limit, offset=offset)


@router.get(
    "/supplier-invoices/{entry_id}", response_model=SupplierInvoiceView, summary="One supplier invoice"
)
def get_supplier_invoice(entry_id: str, ctx: Reader, platform: Platform) -> SupplierInvoiceView:
    with tenant_scope(ctx):
        return ProcurementQueries(platform.databases).supplier_invoice(entry_id)


@router.get(
    "/supplier-invoices/{entry_id}/xml",
    summary="The UBL as received",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def get_supplier_invoice_xml(entry_id: str, ctx: Reader, platform: Platform) -> Response:
    with tenant_scope(ctx):
        _, ubl = ProcurementQueries(platform.databases).ubl(entry_id)
    return Response(content=ubl, media_type="application/xml")


@router.get(
    "/supplier-invoices/{entry_id}/pdf",
    summary="A readable PDF of the received UBL: 200 when rendered, else 202 with the job",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 202: {"description": "Being rendered"}},
)
def get_supplier_invoice_pdf(entry_id: str, ctx: Reader, platform: Platform) -> Response:
    with tenant_scope(ctx):
        pdf = supplier_invoice_pdf(platform.databases, platform.storage, ctx, entry_id)
    if pdf.ready:
        return Response(content=platform.storage.get(ctx.slug, pdf.key), media_type="application/pdf")
    return JSONResponse(
        {"state": "rendering", "job_id": pdf.job_id, "key": pdf.key}, status_code=status.HTTP_202_ACCEPTED
    )
