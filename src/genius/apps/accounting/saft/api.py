"""D406 over HTTP under ``/api/v1/accounting/saft``: start an export (202 + job), read the register,
download a file, check readiness, set the header's contact person.

    POST /api/v1/accounting/saft                {"period": "2026-10"}   -> 202, job (worker anaf.saft)
    GET  /api/v1/accounting/saft/readiness?period=2026-10               -> what stands in the way
    GET  /api/v1/accounting/saft/exports[?period=2026-10]               -> exports done, newest first
    GET  /api/v1/accounting/saft/exports/{id}                           -> one export (counts, warnings)
    GET  /api/v1/accounting/saft/exports/{id}/file                      -> the D406 XML
    GET|PUT /api/v1/accounting/saft/settings                            -> contact person, IBAN, basis

The POST checks what is cheap at once (period, readiness, the header's data: 409 or 422 naming
what to fix) and leaves the pre-validation and the writing to the job. Permissions:
``accounting.saft.export``, ``accounting.saft.read``, ``accounting.saft.configure`` (the
``accountant`` role has ``accounting.*``; ``auditor`` reads).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from genius.apps.accounting.api.routes import jobs, reader, writer
from genius.apps.accounting.saft import masters
from genius.apps.accounting.saft import settings as saft_settings
from genius.apps.accounting.saft import tables as st
from genius.apps.accounting.saft.domain import parse_period
from genius.apps.accounting.saft.export import check_ready, readiness
from genius.apps.accounting.saft.messages import SaftExportRequested
from genius.apps.accounting.saft.schemas import SaftExportIn, SaftSettingsIn
from genius.kernel.errors import NotFound
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1/accounting/saft", tags=["accounting", "saft"])
READ = "accounting.saft.read"
CHUNK = 1 << 20


def _profile(request: Request, ctx: TenantContext) -> masters.TenantProfile:
    tenant = request.app.state.platform.tenants.get(ctx.slug)
    return masters.TenantProfile(name=tenant.name, cui=tenant.cui or "")


@router.post("", status_code=202)
def start_export(
    body: SaftExportIn, request: Request, ctx: TenantContext = Depends(require("accounting.saft.export"))
) -> JSONResponse:
    period = parse_period(body.period)
    with reader(request, ctx) as uow:
        check_ready(uow.connection, period)
        masters.company(uow.connection, _profile(request, ctx))
    with writer(request, ctx) as uow:
        job = jobs(request).start(
            uow, SaftExportRequested(period=period.label, target=body.target, requested_by=ctx.user_id)
        )
    location = f"/api/v1/jobs/{job.id}"
    return JSONResponse(
        {
            "job": job.as_dict(),
            "period": period.label,
            "report_type": period.report_type.value,
            "links": {"job": location, "export": f"{router.prefix}/exports/{job.id}"},
        },
        status_code=202,
        headers={"Location": location},
    )


@router.get("/readiness")
def get_readiness(
    request: Request, period: str = Query(...), ctx: TenantContext = Depends(require(READ))
) -> dict[str, Any]:
    parsed = parse_period(period)
    with reader(request, ctx) as uow:
        problems = readiness(uow.connection, parsed)
    return {"period": parsed.label, "ready": not any(problems.values()), **problems}


def _export_out(row: Any) -> dict[str, Any]:
    summary = json.loads(row.summary)
    return {
        "id": row.id,
        "period": row.period,
        "report_type": row.report_type,
        "first_day": row.first_day.isoformat(),
        "last_day": row.last_day.isoformat(),
        "file_name": row.file_name,
        "storage_key": row.storage_key,
        "sha256": row.sha256,
        "size": row.size,
        "stored_size": row.stored_size,
        "counts": summary["counts"],
        "warnings": summary["warnings"],
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
        "links": {"file": f"{router.prefix}/exports/{row.id}/file"},
    }


@router.get("/exports")
def list_exports(
    request: Request,
    period: str | None = Query(None),
    limit: int = Query(50, ge=1, le=200),
    ctx: TenantContext = Depends(require(READ)),
) -> dict[str, Any]:
    query = (
        sa.select(st.exports).order_by(st.exports.c.created_at.desc(), st.exports.c.id.desc()).limit(limit)
    )
    if period:
        query = query.where(st.exports.c.period == parse_period(period).label)
    with reader(request, ctx) as uow:
        rows = uow.connection.execute(query).all()
    return {"exports": [_export_out(r) for r in rows]}


def _one(request: Request, ctx: TenantContext, export_id: str) -> Any:
    with reader(request, ctx) as uow:
        row = uow.connection.execute(sa.select(st.exports).where(st.exports.c.id == export_id)).first()
    if row is None:
        raise NotFound(f"no D406 export {export_id} in this tenant", code="saft_export_not_found")
    return row


@router.get("/exports/{export_id}")
def get_export(
    export_id: str, request: Request, ctx: TenantContext = Depends(require(READ))
) -> dict[str, Any]:
    return _export_out(_one(request, ctx, export_id))


@router.get("/exports/{export_id}/file")
def download(
    export_id: str, request: Request, ctx: TenantContext = Depends(require(READ))
) -> StreamingResponse:
    row = _one(request, ctx, export_id)
    if row.storage_key is None:
        raise NotFound(
            f"D406 export {export_id} was written to a local file, not stored", code="saft_not_stored"
        )
    packed = request.app.state.platform.storage.get(ctx.slug, row.storage_key)

    def chunks() -> Iterator[bytes]:
        # Stored gzip-compressed; the client gets the XML as filed (its sha256 is the export's).
        with gzip.GzipFile(fileobj=io.BytesIO(packed), mode="rb") as xml:
            while block := xml.read(CHUNK):
                yield block

    return StreamingResponse(
        chunks(),
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{row.file_name}"',
            "Content-Length": str(row.size),
            "X-Content-SHA256": row.sha256,
        },
    )


@router.get("/settings")
def get_settings(request: Request, ctx: TenantContext = Depends(require(READ))) -> dict[str, Any]:
    with reader(request, ctx) as uow:
        return saft_settings.load(uow.connection).as_dict()


@router.put("/settings")
def put_settings(
    body: SaftSettingsIn, request: Request, ctx: TenantContext = Depends(require("accounting.saft.configure"))
) -> dict[str, Any]:
    with writer(request, ctx) as uow:
        return saft_settings.update(
            uow.connection, body.model_dump(exclude_unset=True), ctx.user_id
        ).as_dict()
