"""``GET /api/v1/audit/records``: the current tenant's audit records, filtered and paginated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from genius.kernel.errors import FieldProblem, ValidationError
from genius.platform.audit.chain import ChainedRecord
from genius.platform.audit.query import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, AuditQuery
from genius.platform.audit.trail import AuditTrail
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext, tenant_scope

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

READ_PERMISSION = "audit.records.read"
# AuditQuery's names -> the query parameters a caller sent, so errors name what the caller wrote.
_PARAM_NAMES = {"occurred_from": "from", "occurred_to": "to"}


def audit_trail(request: Request) -> AuditTrail:
    """The process's trail, from the platform the gateway put on ``app.state``."""
    return request.app.state.platform.audit


class AuditRecordOut(BaseModel):
    seq: int
    id: str
    tenant_id: str
    occurred_at: datetime
    user_id: str | None
    user_email: str | None
    action: str
    resource_type: str | None
    resource_id: str | None
    before: Any
    after: Any
    reason: str | None
    result: str
    result_details: Any
    client_ip: str | None
    service: str | None
    trace_id: str | None
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, record: ChainedRecord) -> AuditRecordOut:
        return cls(**{name: getattr(record, name) for name in cls.model_fields})


class AuditPageOut(BaseModel):
    items: list[AuditRecordOut]
    total: int
    limit: int
    next_cursor: str | None


@router.get("/records", response_model=AuditPageOut)
def list_records(
    ctx: Annotated[TenantContext, Depends(require(READ_PERMISSION))],
    trail: Annotated[AuditTrail, Depends(audit_trail)],
    user: Annotated[str | None, Query(description="User id or e-mail")] = None,
    action: Annotated[str | None, Query(description="Exact action, or a prefix ending in *")] = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    result: Annotated[str | None, Query(description="success or failure")] = None,
    occurred_from: Annotated[datetime | None, Query(alias="from", description="Inclusive, with zone")] = None,
    occurred_to: Annotated[datetime | None, Query(alias="to", description="Exclusive, with zone")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> AuditPageOut:
    query = AuditQuery(
        user=user,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        result=result,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        limit=limit,
        cursor=cursor,
    )
    try:
        with tenant_scope(ctx):  # the caller's tenant, never one named in the query
            page = trail.query(query)
    except ValidationError as exc:
        problems = [FieldProblem(_PARAM_NAMES.get(p.field, p.field), p.code, p.message) for p in exc.problems]
        first = problems[0]
        message = f"invalid audit query: {first.field}: {first.message}"
        raise ValidationError(message, problems=problems) from None
    return AuditPageOut(
        items=[AuditRecordOut.of(r) for r in page.items],
        total=page.total,
        limit=limit,
        next_cursor=page.next_cursor,
    )
