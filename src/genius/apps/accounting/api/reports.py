"""Reports over HTTP, each as ``format=json|csv|xlsx|pdf``.

    GET /reports/trial-balance?from=2026-01&to=2026-03&level=synthetic2
    GET /reports/general-ledger?from=2026-03[&account=512]
    GET /reports/account-statement?account=4111&from=2026-01&to=2026-03
    GET /reports/partner-statement?partner_id=...&from=2026-01
    GET /reports/vat-journal?kind=sales|purchases&from=2026-03
    GET /reports/d300?from=2026-03[&to=2026-03]
    GET /reports/ageing?kind=receivables|payables&as_of=2026-03-31

PDF of at most ``exports.PDF_SYNC_MAX_ROWS`` rows comes back at once; a longer one answers 202
with a ``pdf_render`` job (the file lands under ``accounting/reports/`` in the tenant's bucket).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from genius.apps.accounting import exports
from genius.apps.accounting import queries as q
from genius.apps.accounting.api.routes import jobs, reader, router, writer
from genius.apps.accounting.queries.report import PeriodRange, ReportTable
from genius.kernel.ids import new_id
from genius.platform.auth.deps import require
from genius.platform.jobs.messages import PdfRenderRequested
from genius.platform.tenancy import TenantContext

PERMISSION = "accounting.report.read"
FORMAT = Query("json", pattern="^(json|csv|xlsx|pdf)$", description="json, csv, xlsx or pdf")
PERIOD = r"^\d{4}-\d{2}$"


def _respond(
    request: Request, ctx: TenantContext, build: Callable[[Connection], ReportTable], fmt: str
) -> Response:
    with reader(request, ctx) as uow:
        report = build(uow.connection)
    if fmt == "json":
        return JSONResponse(report.as_json())
    if fmt == "pdf" and len(report.rows) > exports.PDF_SYNC_MAX_ROWS:
        key = f"accounting/reports/{report.name}-{new_id()}.pdf"
        with writer(request, ctx) as uow:
            job = jobs(request).start(
                uow,
                PdfRenderRequested(
                    template=exports.TEMPLATE,
                    key=key,
                    data=exports.template_data(report),
                    stylesheet=exports.STYLESHEET,
                ),
            )
        location = f"/api/v1/jobs/{job.id}"
        return JSONResponse(
            {"job": job.as_dict(), "key": key, "links": {"job": location}},
            status_code=202,
            headers={"Location": location},
        )
    exported = exports.export(report, fmt)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


def _range(first: str, last: str | None) -> PeriodRange:
    return PeriodRange.parse(first, last)


@router.get("/reports/trial-balance")
def trial_balance(
    request: Request,
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    level: str = Query("synthetic2", pattern="^(analytic|synthetic2|synthetic1|class)$"),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.trial_balance(c, months, level), format)


@router.get("/reports/general-ledger")
def general_ledger(
    request: Request,
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    account: str | None = Query(None, max_length=20, pattern=r"^[0-9.]+$"),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.general_ledger(c, months, account), format)


@router.get("/reports/account-statement")
def account_statement(
    request: Request,
    account: str = Query(..., max_length=20, pattern=r"^[0-9.]+$"),
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.account_statement(c, months, account), format)


@router.get("/reports/partner-statement")
def partner_statement(
    request: Request,
    partner_id: str = Query(..., max_length=64),
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.partner_statement(c, months, partner_id), format)


@router.get("/reports/vat-journal")
def vat_journal(
    request: Request,
    kind: str = Query(..., pattern="^(sales|purchases)$"),
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.vat_journal(c, months, kind), format)


@router.get("/reports/d300")
def d300(
    request: Request,
    first: str = Query(..., alias="from", pattern=PERIOD),
    last: str | None = Query(None, alias="to", pattern=PERIOD),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    months = _range(first, last)
    return _respond(request, ctx, lambda c: q.d300(c, months), format)


@router.get("/reports/ageing")
def ageing(
    request: Request,
    kind: str = Query(..., pattern="^(receivables|payables)$"),
    as_of: date = Query(...),
    format: str = FORMAT,
    ctx: TenantContext = Depends(require(PERMISSION)),
) -> Response:
    return _respond(request, ctx, lambda c: q.ageing(c, kind, as_of), format)
