"""Reports over HTTP, each as ``format=json|csv|xlsx|pdf``.

    GET /reports/trial-balance?from=2026-01&to=2026-03&level=synthetic2
    GET /reports/general-ledger?from=2026-03[&account=512]
    GET /reports/account-statement?account=4111&from=2026-01&to=2026-03
    GET /reports/partner-statement?partner_id=...&from=2026-01
    GET /reports/vat-journal?kind=sales|purchases&from=2026-03
    GET /reports/d300?from=2026-03[&to=2026-03]
    GET /reports/ageing?kind=receivables|payables&as_of=2026-03-31

PDF of at most ``exports.PDF_SYNC_MAX_ROWS`` rows comes back at once; a longer one answers 202
with a ``pdf.render`` job (the file lands under ``accounting/reports/`` in the tenant's bucket).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
PERIOD = r"^\d{4}-\d{2}$"
FORMAT = Query("json", pattern="^(json|csv|xlsx|pdf)$", description="json, csv, xlsx or pdf")
FROM = Query(..., alias="from", pattern=PERIOD)
TO = Query(None, alias="to", pattern=PERIOD)
ACCOUNT = r"^[0-9.]+$"

Build = Callable[[Connection], ReportTable]


@dataclass(frozen=True)
class Asked:
    """A report request read from the query: how to build the table, and the format wanted."""

    build: Build
    format: str


def _respond(request: Request, ctx: TenantContext, asked: Asked) -> Response:
    with reader(request, ctx) as uow:
        report = asked.build(uow.connection)
    fmt = asked.format
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


# -- the reports: each reads its query parameters (the route's, in this order) ------------------
def trial_balance(
    first: str = FROM,
    last: str | None = TO,
    level: str = Query("synthetic2", pattern="^(analytic|synthetic2|synthetic1|class)$"),
    format: str = FORMAT,
) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.trial_balance(c, months, level), format)


def general_ledger(
    first: str = FROM,
    last: str | None = TO,
    account: str | None = Query(None, max_length=20, pattern=ACCOUNT),
    format: str = FORMAT,
) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.general_ledger(c, months, account), format)


def account_statement(
    account: str = Query(..., max_length=20, pattern=ACCOUNT),
    first: str = FROM,
    last: str | None = TO,
    format: str = FORMAT,
) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.account_statement(c, months, account), format)


def partner_statement(
    partner_id: str = Query(..., max_length=64),
    first: str = FROM,
    last: str | None = TO,
    format: str = FORMAT,
) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.partner_statement(c, months, partner_id), format)


def vat_journal(
    kind: str = Query(..., pattern="^(sales|purchases)$"),
    first: str = FROM,
    last: str | None = TO,
    format: str = FORMAT,
) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.vat_journal(c, months, kind), format)


def d300(first: str = FROM, last: str | None = TO, format: str = FORMAT) -> Asked:
    months = PeriodRange.parse(first, last)
    return Asked(lambda c: q.d300(c, months), format)


def ageing(
    kind: str = Query(..., pattern="^(receivables|payables)$"),
    as_of: date = Query(...),
    format: str = FORMAT,
) -> Asked:
    return Asked(lambda c: q.ageing(c, kind, as_of), format)


REPORTS: dict[str, Callable[..., Asked]] = {
    "/reports/trial-balance": trial_balance,
    "/reports/general-ledger": general_ledger,
    "/reports/account-statement": account_statement,
    "/reports/partner-statement": partner_statement,
    "/reports/vat-journal": vat_journal,
    "/reports/d300": d300,
    "/reports/ageing": ageing,
}


def register(path: str, asked: Callable[..., Asked]) -> None:
    """``GET path``: the permission first, then the report's query, then the table in its format.

    The route is named after the report function, so operation IDs and summaries are unchanged.
    """

    def endpoint(
        request: Request,
        ctx: TenantContext = Depends(require(PERMISSION)),
        report: Asked = Depends(asked),
    ) -> Response:
        return _respond(request, ctx, report)

    router.add_api_route(path, endpoint, methods=["GET"], name=asked.__name__)


for _path, _asked in REPORTS.items():
    register(_path, _asked)
