"""Jobs over HTTP: start one (202 + job id), read it, follow it live (server-sent events), list workers.

    POST /api/v1/jobs                 {"type": "worker.request.pdf.render", "data": {...}} -> 202
    GET  /api/v1/jobs/{id}            state, progress, result or error
    GET  /api/v1/jobs/{id}/events     text/event-stream: a "job" event at every change, then "end"
    GET  /api/v1/workers              per tag: instances, last heartbeat, processed, failed, queue depth
                                      (null with ``queue_depth_error`` when the transport cannot tell)

Starting a job through this generic endpoint needs ``jobs.job.start``; apps start their own jobs in
their handlers (``JobService.start``). A job is readable by whoever started it, or with
``jobs.job.read``. Jobs live in the caller's tenant database, so a job id of another tenant is
simply not found. The
event stream reads the job row, which every worker process updates, so it works whichever process
runs the job.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from genius.kernel.errors import ValidationError
from genius.platform.auth.deps import auth_service, current_context, require
from genius.platform.bus.catalogue import CATALOGUE, MessageKind
from genius.platform.bus.transport import worker_queue
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs.registry import WorkerRegistry
from genius.platform.jobs.service import Job, JobService
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1", tags=["jobs"])
log = logging.getLogger("genius.jobs.api")

# How often the event stream looks at the job row, and sends a keep-alive comment when idle.
EVENTS_POLL_SECONDS = 0.25
EVENTS_KEEPALIVE_SECONDS = 15.0
# A stream ends after this long even if the job has not (the browser reconnects).
EVENTS_MAX_SECONDS = 30 * 60.0


class StartJob(BaseModel):
    type: str = Field(
        description="A worker request type, worker.request.<tag>, e.g. worker.request.pdf.render"
        " (see docs/events.md)"
    )
    data: dict[str, Any] = Field(default_factory=dict, description="The request's data")


def job_service(request: Request) -> JobService:
    platform = request.app.state.platform
    found = platform.extras.get("jobs")
    if found is None:
        found = platform.extras["jobs"] = JobService(platform.databases)
    return found  # type: ignore[no-any-return]


@router.post("/jobs", status_code=202)
def start_job(
    body: StartJob,
    request: Request,
    ctx: TenantContext = Depends(require("jobs.job.start")),
) -> JSONResponse:
    try:
        spec = CATALOGUE.get(body.type)
    except ValidationError:
        raise ValidationError.for_field("type", f"{body.type!r} is not a registered message type") from None
    if spec.kind is not MessageKind.COMMAND:
        raise ValidationError.for_field("type", f"{body.type} is not a worker request (worker.request.<tag>)")
    message = spec.decode(body.data)  # names the field that does not fit
    service = job_service(request)
    with UnitOfWork(request.app.state.platform.databases, tenant=ctx) as uow:
        job = service.start(uow, message)
    location = f"/api/v1/jobs/{job.id}"
    return JSONResponse(
        {**job.as_dict(), "links": {"self": location, "events": f"{location}/events"}},
        status_code=202,
        headers={"Location": location},
    )


def readable_job(request: Request, job_id: str, ctx: TenantContext) -> Job:
    """The job, if the caller started it or may read every job (``jobs.job.read``)."""
    job = job_service(request).get(ctx.slug, job_id)
    if job.created_by is None or job.created_by != ctx.user_id:
        auth_service(request).authorizer.check(ctx, "jobs.job.read", {"tag": job.tag})
    return job


@router.get("/jobs/{job_id}")
def get_job(job_id: str, request: Request, ctx: TenantContext = Depends(current_context)) -> dict[str, Any]:
    return readable_job(request, job_id, ctx).as_dict()


@router.get("/jobs/{job_id}/events")
async def job_events(
    job_id: str, request: Request, ctx: TenantContext = Depends(current_context)
) -> StreamingResponse:
    service = job_service(request)
    # Found and allowed, or 404/403 before the stream starts.
    first = await run_in_threadpool(readable_job, request, job_id, ctx)

    async def stream() -> AsyncIterator[bytes]:
        job = first
        last: dict[str, Any] | None = None
        started = quiet_since = time.monotonic()
        # A browser that reconnects is told to wait a second (EventSource "retry").
        yield b"retry: 1000\n\n"
        while True:
            shown = job.as_dict()
            if shown != last:
                yield _event("job", shown, f"{job.id}:{job.updated_at.isoformat()}")
                last, quiet_since = shown, time.monotonic()
            if job.state.terminal:
                yield _event("end", {"state": job.state.value}, None)
                return
            now = time.monotonic()
            if now - started > EVENTS_MAX_SECONDS or await request.is_disconnected():
                return
            if now - quiet_since > EVENTS_KEEPALIVE_SECONDS:
                yield b": keep-alive\n\n"
                quiet_since = now
            await asyncio.sleep(EVENTS_POLL_SECONDS)
            job = await run_in_threadpool(service.get, ctx.slug, job_id)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/workers")
async def list_workers(
    request: Request, _ctx: TenantContext = Depends(require("jobs.worker.read"))
) -> dict[str, Any]:
    platform = request.app.state.platform
    registry = WorkerRegistry(platform.control)
    statuses = await run_in_threadpool(registry.summary)
    transport = platform.bus.transport
    out = []
    for status in statuses:
        shown = status.as_dict()
        queue = worker_queue(status.tag).name
        try:
            shown["queue_depth"] = await transport.queue_depth(queue)
        except Exception as exc:  # transport not started in this process, the broker away, no queue
            # Unknown, not zero: null with the reason beside it, and logged for the operator.
            log.warning("queue depth of %s unavailable: %r", queue, exc)
            shown["queue_depth"], shown["queue_depth_error"] = None, f"{type(exc).__name__}: {exc}"
        out.append(shown)
    return {"workers": out}


def _event(name: str, data: dict[str, Any], event_id: str | None) -> bytes:
    lines = [f"event: {name}"]
    if event_id:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()
