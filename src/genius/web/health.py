"""Probes and metrics: /healthz (alive), /readyz (dependencies reachable), /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.responses import Response

from genius.platform.observability.metrics import render_metrics
from genius.web.errors import ErrorBody, error_response, trace_id_of
from genius.web.readiness import check_readiness

router = APIRouter(tags=["health"])


class Alive(BaseModel):
    status: str


class CheckOut(BaseModel):
    check: str
    ok: bool
    duration_ms: float
    problem: str | None = None


class Ready(BaseModel):
    status: str
    checks: list[CheckOut]


@router.get("/healthz", response_model=Alive, summary="The process is alive")
async def healthz() -> Alive:
    return Alive(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    summary="Every dependency is reachable",
    responses={503: {"description": "A dependency is down; the error names the failing checks"}},
)
async def readyz(request: Request) -> Response:
    results = await check_readiness(request.app.state.platform)
    checks = [r.as_dict() for r in results]
    failing = [r.name for r in results if not r.ok]
    if failing:
        body = ErrorBody(
            503, "not_ready", f"not ready: {', '.join(failing)}", checks, trace_id_of(request.scope)
        )
        return error_response(body)
    return JSONResponse({"status": "ready", "checks": checks})


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    payload, content_type = render_metrics()
    return Response(payload, media_type=content_type)
