"""The bank API under ``/api/v1/accounting/bank`` (thin routes: input in, handler or query out).

    POST /statements                 multipart ``file`` (+ ``format`` mt940|camt053, ``match``) -> 201
    GET  /statements, /statements/{id}
    POST /match                      {statement_id?, line_ids?, threshold?} -> 202 + job (worker match)
    GET  /lines?status=&statement_id=, /lines/{id}
    GET  /lines/{id}/candidates      the matcher's proposals, best first, with their invoices
    POST /lines/{id}/confirm         {candidate_id} or {items: [{item_id, amount?}]} -> reconciled
    POST /lines/{id}/post            {account, partner_id?, description?} -> posted to that account
    POST /lines/{id}/cancel          {on, reason} -> storno of its entry, invoices open again, reopened
    GET  /open-items?kind=&partner_id=

Permissions: ``accounting.bank_statement.import|read``, ``accounting.bank_match.start``,
``accounting.bank_line.read|confirm|post|cancel`` (the built-in ``accountant`` role has ``accounting.*``).
The original file is kept in the tenant's bucket (``accounting/bank-statements/<sha256>``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from genius.apps.accounting.bank import queries
from genius.apps.accounting.bank.handlers.cancel import cancel_line
from genius.apps.accounting.bank.handlers.direct import post_to_account
from genius.apps.accounting.bank.handlers.imports import import_statement_file
from genius.apps.accounting.bank.handlers.reconcile import confirm
from genius.apps.accounting.bank.messages import MatchRequested
from genius.apps.accounting.bank.schemas import CancelBody, ConfirmBody, MatchBody, PostBody
from genius.fiscal.ro.bankstatements import MAX_STATEMENT_BYTES, StatementTooLarge
from genius.kernel.errors import ValidationError
from genius.platform.auth.deps import require
from genius.platform.db.uow import UnitOfWork
from genius.platform.jobs import JobService
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1/accounting/bank", tags=["accounting-bank"])
STORAGE_PREFIX = "accounting/bank-statements"
CHUNK = 1024 * 1024


def _writer(request: Request, ctx: TenantContext) -> UnitOfWork:
    return UnitOfWork(request.app.state.platform.databases, tenant=ctx)


def _reader(request: Request, ctx: TenantContext) -> UnitOfWork:
    return UnitOfWork(request.app.state.platform.databases, tenant=ctx, write=False)


def _jobs(request: Request) -> JobService:
    platform = request.app.state.platform
    found = platform.extras.get("jobs")
    if found is None:
        found = platform.extras["jobs"] = JobService(platform.databases)
    return found  # type: ignore[no-any-return]


def _read_upload(file: UploadFile) -> bytes:
    data = bytearray()
    while chunk := file.file.read(CHUNK):
        data += chunk
        if len(data) > MAX_STATEMENT_BYTES:
            raise StatementTooLarge(f"the file is larger than {MAX_STATEMENT_BYTES:,} bytes")
    return bytes(data)


def _job_body(job: Any) -> dict[str, Any]:
    location = f"/api/v1/jobs/{job.id}"
    return {**job.as_dict(), "links": {"self": location, "events": f"{location}/events"}}


@router.post("/statements", status_code=201)
def upload_statement(
    request: Request,
    file: UploadFile = File(description="MT940 (.sta/.txt/.940) or CAMT.053 (.xml) statement"),
    format: str | None = Form(None, description="mt940 or camt053; detected when absent"),
    match: bool = Form(False, description="Start the match worker on the new lines"),
    ctx: TenantContext = Depends(require("accounting.bank_statement.import")),
) -> JSONResponse:
    data = _read_upload(file)
    if not data:
        raise ValidationError.for_field("file", "the file is empty")
    with _writer(request, ctx) as uow:
        result = import_statement_file(
            uow, data, file_name=file.filename, format=format or None, imported_by=ctx.user_id
        )
        job = None
        if match and result.new_lines:
            job = _jobs(request).start(uow, MatchRequested(line_ids=[]))
    platform = request.app.state.platform
    suffix = "xml" if result.format.value == "camt053" else "sta"
    platform.storage.put(
        ctx.slug, f"{STORAGE_PREFIX}/{result.file_sha256}.{suffix}", data, "application/octet-stream"
    )
    body: dict[str, Any] = {
        "format": result.format.value,
        "file_sha256": result.file_sha256,
        "new_lines": result.new_lines,
        "duplicate_lines": result.duplicate_lines,
        "statements": [s.as_dict() for s in result.statements],
        "job": _job_body(job) if job is not None else None,
    }
    location = f"/api/v1/accounting/bank/statements/{result.statements[0].id}"
    return JSONResponse(body, status_code=201, headers={"Location": location})


@router.get("/statements")
def list_statements(
    request: Request,
    account_iban: str | None = None,
    limit: int = Query(50),
    offset: int = Query(0),
    ctx: TenantContext = Depends(require("accounting.bank_statement.read")),
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        found = queries.statements(uow.connection, account_iban=account_iban, limit=limit, offset=offset)
    return {"statements": [s.model_dump(mode="json") for s in found]}


@router.get("/statements/{statement_id}")
def get_statement(
    statement_id: str,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.bank_statement.read")),
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        statement, lines = queries.statement(uow.connection, statement_id)
    return {**statement.model_dump(mode="json"), "lines": [line.model_dump(mode="json") for line in lines]}


@router.post("/match", status_code=202)
def start_match(
    body: MatchBody, request: Request, ctx: TenantContext = Depends(require("accounting.bank_match.start"))
) -> JSONResponse:
    if body.threshold is not None and not 0.5 <= body.threshold <= 1.0:
        raise ValidationError.for_field("threshold", "from 0.5 to 1")
    with _writer(request, ctx) as uow:
        if body.statement_id is not None:
            queries.statement(uow.connection, body.statement_id)  # 404 before queuing
        job = _jobs(request).start(
            uow,
            MatchRequested(statement_id=body.statement_id, line_ids=body.line_ids, threshold=body.threshold),
        )
    return JSONResponse(_job_body(job), status_code=202, headers={"Location": f"/api/v1/jobs/{job.id}"})


@router.get("/lines")
def list_lines(
    request: Request,
    status: str | None = None,
    statement_id: str | None = None,
    limit: int = Query(100),
    offset: int = Query(0),
    ctx: TenantContext = Depends(require("accounting.bank_line.read")),
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        found = queries.lines(
            uow.connection, status=status, statement_id=statement_id, limit=limit, offset=offset
        )
    return {"lines": [line.model_dump(mode="json") for line in found]}


@router.get("/lines/{line_id}")
def get_line(
    line_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.bank_line.read"))
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        line, reconciliations = queries.line(uow.connection, line_id)
    return {
        **line.model_dump(mode="json"),
        "reconciliations": [r.model_dump(mode="json") for r in reconciliations],
    }


@router.get("/lines/{line_id}/candidates")
def line_candidates(
    line_id: str, request: Request, ctx: TenantContext = Depends(require("accounting.bank_line.read"))
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        found = queries.candidates(uow.connection, line_id)
    return {"line_id": line_id, "candidates": [c.model_dump(mode="json") for c in found]}


@router.post("/lines/{line_id}/confirm")
def confirm_line(
    line_id: str,
    body: ConfirmBody,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.bank_line.confirm")),
) -> dict[str, Any]:
    with _writer(request, ctx) as uow:
        confirm(
            uow,
            line_id,
            candidate_id=body.candidate_id,
            items=[(i.item_id, i.amount) for i in body.items],
            by=ctx.user_id,
        )
        line, reconciliations = queries.line(uow.connection, line_id)
    return {
        **line.model_dump(mode="json"),
        "reconciliations": [r.model_dump(mode="json") for r in reconciliations],
    }


@router.post("/lines/{line_id}/post")
def post_line_to_account(
    line_id: str,
    body: PostBody,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.bank_line.post")),
) -> dict[str, Any]:
    """A line that pays no invoice (salaries, taxes, VAT, interest, own transfers) posted to an account."""
    with _writer(request, ctx) as uow:
        done = post_to_account(
            uow,
            line_id,
            account=body.account,
            partner_id=body.partner_id,
            description=body.description,
            by=ctx.user_id,
            trail=request.app.state.platform.audit,
        )
        line, reconciliations = queries.line(uow.connection, line_id)
    return {
        **line.model_dump(mode="json"),
        "posting": {
            "entry_id": done.entry_id,
            "account": done.account,
            "treasury_account": done.treasury,
            "amount": str(done.amount),
            "amount_lei": str(done.amount_lei),
            "exchange_rate": str(done.exchange_rate) if done.exchange_rate is not None else None,
        },
        "reconciliations": [r.model_dump(mode="json") for r in reconciliations],
    }


@router.post("/lines/{line_id}/cancel")
def cancel_bank_line(
    line_id: str,
    body: CancelBody,
    request: Request,
    ctx: TenantContext = Depends(require("accounting.bank_line.cancel")),
) -> dict[str, Any]:
    """Cancel what the line was: its entry reversed in red storno, its invoices open again, the line
    reopened for a person to decide again."""
    with _writer(request, ctx) as uow:
        done = cancel_line(
            uow,
            line_id,
            on=body.on,
            reason=body.reason,
            by=ctx.user_id,
            trail=request.app.state.platform.audit,
        )
        line, reconciliations = queries.line(uow.connection, line_id)
    return {
        **line.model_dump(mode="json"),
        "cancellation": done.as_dict(),
        "reconciliations": [r.model_dump(mode="json") for r in reconciliations],
    }


@router.get("/open-items")
def list_open_items(
    request: Request,
    kind: str | None = None,
    partner_id: str | None = None,
    limit: int = Query(100),
    offset: int = Query(0),
    ctx: TenantContext = Depends(require("accounting.bank_line.read")),
) -> dict[str, Any]:
    with _reader(request, ctx) as uow:
        found = queries.open_items(
            uow.connection, kind=kind, partner_id=partner_id, limit=limit, offset=offset
        )
    return {"open_items": [i.model_dump(mode="json") for i in found]}
