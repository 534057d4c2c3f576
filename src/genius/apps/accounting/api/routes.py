"""The accounting router and what every route needs: the platform's databases, audit trail and jobs."""

from __future__ import annotations

from fastapi import APIRouter, Request

from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.tenancy import TenantContext, TenantDatabases

router = APIRouter(prefix="/api/v1/accounting", tags=["accounting"])


def databases(request: Request) -> TenantDatabases:
    return request.app.state.platform.databases  # type: ignore[no-any-return]


def trail(request: Request) -> AuditTrail:
    return request.app.state.platform.audit  # type: ignore[no-any-return]


def writer(request: Request, ctx: TenantContext) -> UnitOfWork:
    return UnitOfWork(databases(request), tenant=ctx)


def reader(request: Request, ctx: TenantContext) -> UnitOfWork:
    return UnitOfWork(databases(request), tenant=ctx, write=False)


def jobs(request: Request) -> JobService:
    platform = request.app.state.platform
    found = platform.extras.get("jobs")
    if found is None:
        found = platform.extras["jobs"] = JobService(platform.databases)
    return found  # type: ignore[no-any-return]
