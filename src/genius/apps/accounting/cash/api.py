"""The cash register's API under ``/api/v1/accounting/cash`` (thin routes: input in, handler or query out).

    POST /receipts        SettlementBody -> 201 a chitanță: 5311 = 4111(.x) for a sales invoice
    POST /payments        SettlementBody -> 201 a supplier invoice paid in cash: 401(.x) = 5311
    POST /operations      OperationBody  -> 201 in: 5311 = counter; out: counter = 5311
    POST /operations/{id}/cancel  CancelBody -> 200 the operation cancelled by a red-storno reversal
    GET  /operations?account=&from=&to=        the operations recorded, by day and number
    GET  /register?account=&from=&to=&format=  the daily register (json, csv, xlsx, pdf)

Refusals: 422 for bad input (each naming its field), 409 ``cash_limit_exceeded`` (Law 70/2015),
``negative_cash_balance`` (the day and the amounts), ``overpaid``, ``cancelled``,
``already_cancelled`` and ``period_closed`` (naming the month); 404 for an invoice or operation
that is not there. Permissions: ``accounting.cash_operation.create|cancel|read`` (the built-in
``accountant`` role has ``accounting.*``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from genius.apps.accounting import exports
from genius.apps.accounting.cash import queries
from genius.apps.accounting.cash import repository as repo
from genius.apps.accounting.cash.domain import check_register_account
from genius.apps.accounting.cash.handlers import CancelInput, CashInput, cancel, record
from genius.apps.accounting.cash.schemas import CancelBody, OperationBody, SettlementBody
from genius.kernel.errors import NotFound
from genius.platform.auth.deps import require
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import TenantContext

# Joins accounting's router (prefix /api/v1/accounting) in accounting.api.
router = APIRouter(prefix="/cash", tags=["accounting-cash"])
CREATE = "accounting.cash_operation.create"
CANCEL = "accounting.cash_operation.cancel"
READ = "accounting.cash_operation.read"


def _uow(request: Request, ctx: TenantContext, write: bool = True) -> UnitOfWork:
    return UnitOfWork(request.app.state.platform.databases, tenant=ctx, write=write)


def _record(request: Request, ctx: TenantContext, given: CashInput) -> JSONResponse:
    with _uow(request, ctx) as uow:
        done = record(uow, given, by=ctx.user_id, trail=request.app.state.platform.audit)
    return JSONResponse(
        done.as_dict(), status_code=201, headers={"Location": f"/api/v1/accounting/cash/operations/{done.id}"}
    )


def _view(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "register": r.register,
        "number": r.number,
        "kind": r.kind,
        "on": r.op_date.isoformat(),
        "amount": r.amount,
        "partner_id": r.partner_id,
        "document_number": r.document_number,
        "counter_account": r.counter_account,
        "description": r.description,
        "entry_id": r.entry_id,
        "status": r.status,
        "cancellation": None
        if r.cancel_entry_id is None
        else {
            "on": r.cancel_date.isoformat(),
            "reason": r.cancel_reason,
            "by": r.cancelled_by,
            "entry_id": r.cancel_entry_id,
        },
    }


def _settlement_route(kind: str, path: str, summary: str) -> None:
    """``POST path``: a receipt (sales invoice) or payment (supplier invoice) of ``kind``."""

    def endpoint(
        body: SettlementBody, request: Request, ctx: TenantContext = Depends(require(CREATE))
    ) -> JSONResponse:
        given = CashInput(kind, body.on, body.amount, body.account, body.invoice_id, None, body.description)
        return _record(request, ctx, given)

    router.add_api_route(
        path, endpoint, methods=["POST"], status_code=201, summary=summary, name=f"cash_{kind}"
    )


_settlement_route("receipt", "/receipts", "Record a cash receipt (chitanță) for a sales invoice")
_settlement_route("payment", "/payments", "Record a cash payment of a supplier invoice")


@router.post("/operations", status_code=201, summary="Record another cash movement against a counter account")
def cash_operation(
    body: OperationBody, request: Request, ctx: TenantContext = Depends(require(CREATE))
) -> JSONResponse:
    kind = "cash_in" if body.direction == "in" else "cash_out"
    given = CashInput(kind, body.on, body.amount, body.account, None, body.counter_account, body.description)
    return _record(request, ctx, given)


@router.post("/operations/{operation_id}/cancel", summary="Cancel a cash operation by a red-storno reversal")
def cancel_operation(
    operation_id: str, body: CancelBody, request: Request, ctx: TenantContext = Depends(require(CANCEL))
) -> dict[str, Any]:
    with _uow(request, ctx) as uow:
        done = cancel(
            uow,
            CancelInput(operation_id, body.on, body.reason),
            by=ctx.user_id,
            trail=request.app.state.platform.audit,
        )
    return done.as_dict()


@router.get("/operations", summary="The cash operations of a register over some days")
def list_operations(
    request: Request,
    first: date = Query(..., alias="from"),
    last: date = Query(..., alias="to"),
    account: str = Query("5311", max_length=20, description="the cash account: 5311 or an analytic"),
    ctx: TenantContext = Depends(require(READ)),
) -> dict[str, Any]:
    account = check_register_account(account)
    with _uow(request, ctx, write=False) as uow:
        rows = repo.list_operations(uow.connection, account, first, last)
    return {
        "register": account,
        "operations": [_view(r) for r in rows],
    }


@router.get("/register", summary="The daily cash register: opening, movements, closing (json/csv/xlsx/pdf)")
def daily_register(
    request: Request,
    first: date = Query(..., alias="from"),
    last: date | None = Query(None, alias="to"),
    account: str = Query("5311", max_length=20, description="the cash account: 5311 or an analytic"),
    format: str = Query("json", pattern="^(json|csv|xlsx|pdf)$"),
    ctx: TenantContext = Depends(require(READ)),
) -> Response:
    with _uow(request, ctx, write=False) as uow:
        report = queries.daily_register(uow.connection, account, first, last or first)
    if format == "json":
        return JSONResponse(report.as_json())
    exported = exports.export(report, format)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


@router.get("/operations/{operation_id}", summary="One cash operation")
def get_operation(
    operation_id: str, request: Request, ctx: TenantContext = Depends(require(READ))
) -> dict[str, Any]:
    with _uow(request, ctx, write=False) as uow:
        row = repo.get_operation(uow.connection, operation_id)
    if row is None:
        raise NotFound(f"no cash operation {operation_id!r}")
    return _view(row)
