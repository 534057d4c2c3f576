"""Entries over HTTP: manual drafts, approval by another user (four eyes), reversal, reading."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from genius.apps.accounting import repository as repo
from genius.apps.accounting.api.routes import reader, router, trail, writer
from genius.apps.accounting.commands import ApproveEntry, CreateDraftEntry, DeleteDraft, ReverseEntry
from genius.apps.accounting.handlers import entries as h
from genius.apps.accounting.schemas import EntryIn, ReverseIn, entry_out
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext


@router.post("/entries", status_code=201)
def create_entry(
    body: EntryIn, request: Request, ctx: TenantContext = Depends(require("accounting.journal.create"))
):
    lines = tuple(line.to_line(i) for i, line in enumerate(body.lines))
    command = CreateDraftEntry(body.journal, body.entry_date, body.description, lines, body.storno)
    with writer(request, ctx) as uow:
        entry = h.create_draft(uow, command, trail(request))
    return JSONResponse(
        entry_out(entry), status_code=201, headers={"Location": f"/api/v1/accounting/entries/{entry.id}"}
    )


async def _entry_resource(request: Request) -> dict[str, Any]:
    """The draft's attributes for ABAC: ``created_by`` feeds the segregation-of-duties rule."""
    ctx: TenantContext = request.state.tenant_context
    entry_id = request.path_params["entry_id"]

    def load() -> dict[str, Any]:
        with reader(request, ctx) as uow:
            return h.resource_of(uow, entry_id)

    return await run_in_threadpool(load)


@router.post("/entries/{entry_id}/approve")
def approve_entry(
    entry_id: str,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.journal.approve", resource=_entry_resource)),
) -> dict[str, Any]:
    with writer(request, ctx) as uow:
        return entry_out(h.approve(uow, ApproveEntry(entry_id), trail(request)))


@router.post("/entries/{entry_id}/reverse", status_code=201)
def reverse_entry(
    entry_id: str,
    body: ReverseIn,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.journal.reverse")),
) -> dict[str, Any]:
    with writer(request, ctx) as uow:
        return entry_out(h.reverse(uow, ReverseEntry(entry_id, body.on, body.description), trail(request)))


@router.delete("/entries/{entry_id}", status_code=204)
def delete_entry(
    entry_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.journal.create"))
):
    with writer(request, ctx) as uow:
        h.delete_draft(uow, DeleteDraft(entry_id), trail(request))
    return JSONResponse(None, status_code=204)


@router.get("/entries/{entry_id}")
def get_entry(
    entry_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.journal.read"))
):
    with reader(request, ctx) as uow:
        return entry_out(repo.get_entry(uow.connection, entry_id))


@router.get("/entries")
def list_entries(
    request: Request,
    journal: str | None = Query(None, max_length=10),
    status: str | None = Query(None, pattern="^(draft|posted)$"),
    date_from: date | None = Query(None, alias="from"),
    date_to: date | None = Query(None, alias="to"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    ctx: TenantContext = Depends(require("accounting.journal.read")),
) -> dict[str, Any]:
    with reader(request, ctx) as uow:
        rows = repo.list_entries(
            uow.connection,
            journal=journal,
            status=status,
            first=date_from,
            last=date_to,
            limit=limit,
            offset=offset,
        )
    items = [
        {
            "id": r.id,
            "journal": r.journal,
            "number": r.number,
            "entry_date": r.entry_date.isoformat(),
            "status": r.status,
            "storno": bool(r.storno),
            "description": r.description,
            "total": str(repo.from_bani(r.total)),
            "source": {"type": r.source_type, "id": r.source_id, "number": r.source_number}
            if r.source_type
            else None,
            "created_by": r.created_by,
            "links": {"self": f"/api/v1/accounting/entries/{r.id}"},
        }
        for r in rows
    ]
    return {"items": items, "limit": limit, "offset": offset}
