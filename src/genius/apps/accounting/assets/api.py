"""The register's API under ``/api/v1/accounting/assets`` (thin routes: input in, handler or query out).

    POST /                      AssetBody -> 201 the asset (acquisition posted with acquisition_account)
    GET  /?status=              the register, by inventory number
    GET  /{id}                  one asset with its accumulated depreciation and book value
    GET  /{id}/schedule         the linear schedule, each month with its entry once posted
    POST /depreciation          {period: YYYY-MM} -> the month's run (idempotent)
    POST /{id}/dispose          {on, kind: sale|scrap, proceeds?, receivable_account?}

Permissions: ``accounting.asset.create|read|dispose``, ``accounting.asset_depreciation.run`` (the
built-in ``accountant`` role has ``accounting.*``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from genius.apps.accounting.assets import queries
from genius.apps.accounting.assets import repository as repo
from genius.apps.accounting.assets.domain.model import AssetSpec
from genius.apps.accounting.assets.handlers.depreciation import run_depreciation
from genius.apps.accounting.assets.handlers.disposal import dispose
from genius.apps.accounting.assets.handlers.register import register_asset
from genius.apps.accounting.assets.schemas import AssetBody, DepreciationBody, DisposeBody
from genius.apps.accounting.domain.periods import Period
from genius.platform.auth.deps import require
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1/accounting/assets", tags=["accounting-assets"])


def _uow(request: Request, ctx: TenantContext, write: bool = True) -> UnitOfWork:
    return UnitOfWork(request.app.state.platform.databases, tenant=ctx, write=write)


@router.post("", status_code=201)
def create_asset(
    body: AssetBody, request: Request, ctx: TenantContext = Depends(require("accounting.asset.create"))
) -> JSONResponse:
    values = body.model_dump(exclude={"acquisition_account"})
    with _uow(request, ctx) as uow:
        row = register_asset(
            uow,
            AssetSpec(**values),
            acquisition_account=body.acquisition_account,
            by=ctx.user_id,
            trail=request.app.state.platform.audit,
        )
    location = f"/api/v1/accounting/assets/{row.id}"
    return JSONResponse(row.as_dict(), status_code=201, headers={"Location": location})


@router.get("")
def list_assets(
    request: Request,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    ctx: TenantContext = Depends(require("accounting.asset.read")),
) -> dict[str, Any]:
    with _uow(request, ctx, write=False) as uow:
        rows = repo.list_assets(uow.connection, status=status, limit=limit, offset=offset)
    return {"assets": [r.as_dict() for r in rows]}


@router.post("/depreciation")
def depreciate(
    body: DepreciationBody,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.asset_depreciation.run")),
) -> dict[str, Any]:
    period = Period.parse(body.period)
    with _uow(request, ctx) as uow:
        result = run_depreciation(uow, period, by=ctx.user_id)
    return result.as_dict()


@router.get("/{asset_id}")
def get_asset(
    asset_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.asset.read"))
) -> dict[str, Any]:
    with _uow(request, ctx, write=False) as uow:
        return repo.get(uow.connection, asset_id).as_dict()


@router.get("/{asset_id}/schedule")
def asset_schedule(
    asset_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.asset.read"))
) -> dict[str, Any]:
    with _uow(request, ctx, write=False) as uow:
        row = repo.get(uow.connection, asset_id)
    return {"asset": row.as_dict(), "schedule": queries.schedule_of(row)}


@router.post("/{asset_id}/dispose")
def dispose_asset(
    asset_id: str,
    body: DisposeBody,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.asset.dispose")),
) -> dict[str, Any]:
    with _uow(request, ctx) as uow:
        row = dispose(
            uow,
            asset_id,
            on=body.on,
            kind=body.kind,
            proceeds=body.proceeds,
            receivable_account=body.receivable_account,
            by=ctx.user_id,
            trail=request.app.state.platform.audit,
        )
    return row.as_dict()
