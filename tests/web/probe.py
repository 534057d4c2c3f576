"""Routes mounted only by tests, to drive each error path of the gateway through a real app."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from genius.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    ExternalServiceError,
    FieldProblem,
    GeniusError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from genius.platform.ratelimit import RateLimitExceeded
from genius.platform.tenancy import current_tenant

router = APIRouter(prefix="/_probe")

SECRET = "s3cr3t-connection-string-do-not-leak"


class Line(BaseModel):
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)


class Order(BaseModel):
    customer: str
    lines: list[Line]


@router.post("/orders")
def create_order(order: Order) -> dict[str, int]:
    return {"lines": len(order.lines)}


RAISES: dict[str, GeniusError] = {
    "validation": ValidationError(
        "quantity: must be positive", problems=[FieldProblem("lines[0].quantity", "positive", "must be > 0")]
    ),
    "not_found": NotFound("invoice 7 does not exist", code="invoice_not_found"),
    "conflict": Conflict("invoice 7 is already issued", code="already_issued"),
    "permission": PermissionDenied("may not issue invoices"),
    "authentication": AuthenticationFailed("password is wrong", code="invalid_credentials"),
    "external": ExternalServiceError("ANAF did not answer", code="anaf_unavailable"),
    "rate": RateLimitExceeded("slow down", retry_after=7),
    "plain": GeniusError("cannot do that", code="cannot"),
}


@router.get("/raise/{kind}")
def raise_error(kind: str) -> None:
    if kind == "crash":
        raise RuntimeError(SECRET)
    raise RAISES[kind]


@router.post("/upload")
async def upload(request: Request) -> dict[str, int]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return {"size": size}


@router.get("/whoami")
def whoami(request: Request) -> dict[str, str | None]:
    ctx = current_tenant()  # the tenant scope the gateway opened from the token
    state_ctx = request.state.tenant_context
    assert state_ctx is ctx
    return {"tenant": ctx.slug, "user_id": ctx.user_id}
