"""Accounts, journals, periods (close/lock/reopen, VAT closing), posting rules and settings over HTTP."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import Body, Depends, Query, Request
from fastapi.responses import JSONResponse

from genius.apps.accounting import repository as repo
from genius.apps.accounting import tables as t
from genius.apps.accounting.api.routes import reader, router, trail, writer
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.domain.rules import parse_rule
from genius.apps.accounting.handlers import setup as handlers
from genius.apps.accounting.handlers.periods import change_period
from genius.apps.accounting.handlers.postings import close_vat
from genius.apps.accounting.schemas import AccountIn, RuleIn, account_out, entry_out
from genius.kernel.errors import NotFound
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext

PERIOD_PATTERN = r"^\d{4}-\d{2}$"


@router.get("/accounts")
def list_accounts(
    request: Request,
    prefix: str | None = Query(None, max_length=20, pattern=r"^[0-9.]+$"),
    grade: str | None = Query(None, pattern="^(synthetic1|synthetic2|analytic)$"),
    ctx: TenantContext = Depends(require("accounting.account.read")),
) -> dict[str, Any]:
    with reader(request, ctx) as uow:
        return {
            "items": [account_out(a) for a in repo.list_accounts(uow.connection, prefix=prefix, grade=grade)]
        }


@router.get("/accounts/{code}")
def get_account(
    code: str, request: Request, ctx: TenantContext = Depends(require("accounting.account.read"))
):
    with reader(request, ctx) as uow:
        found = repo.accounts_by_code(uow.connection, [code]).get(code)
    if found is None:
        raise NotFound(f"account {code!r} is not in the ledger")
    return account_out(found)


@router.post("/accounts", status_code=201)
def create_account(
    body: AccountIn, request: Request, ctx: TenantContext = Depends(require("accounting.account.create"))
) -> JSONResponse:
    with writer(request, ctx) as uow:
        account = handlers.create_account(uow, body.code, body.name, body.partner_id, trail(request))
    return JSONResponse(account_out(account), status_code=201)


@router.get("/journals")
def list_journals(request: Request, ctx: TenantContext = Depends(require("accounting.journal.read"))):
    with reader(request, ctx) as uow:
        rows = uow.connection.execute(sa.select(t.journals).order_by(t.journals.c.code)).all()
    return {"items": [{"code": r.code, "kind": r.kind, "name": r.name} for r in rows]}


@router.get("/periods")
def list_periods(request: Request, ctx: TenantContext = Depends(require("accounting.period.read"))):
    with reader(request, ctx) as uow:
        rows = repo.list_periods(uow.connection)
    return {
        "items": [
            {
                "period": str(Period(r.year, r.month)),
                "status": r.status,
                "changed_by": r.changed_by,
                "changed_at": r.changed_at.isoformat(),
            }
            for r in rows
        ],
        "note": "months without a row are open",
    }


def _period_action(action: str):  # type: ignore[no-untyped-def]
    permission = {"close": "accounting.period.close", "lock": "accounting.period.lock"}.get(
        action, "accounting.period.reopen"
    )

    def route(
        request: Request,
        period: str,
        ctx: TenantContext = Depends(require(permission)),
    ) -> dict[str, Any]:
        parsed = Period.parse(period)
        with writer(request, ctx) as uow:
            status = change_period(uow, ChangePeriod(parsed, action), trail(request))
        return {"period": str(parsed), "status": status.value}

    route.__name__ = f"{action}_period"
    return route


for _action in ("close", "lock", "reopen"):
    router.add_api_route(f"/periods/{{period}}/{_action}", _period_action(_action), methods=["POST"])


@router.post("/periods/{period}/vat-closing", status_code=201)
def vat_closing(
    period: str, request: Request, ctx: TenantContext = Depends(require("accounting.vat.close"))
) -> JSONResponse:
    """Month-end VAT closing: 4427 = 4426, then 4427 = 4423 or 4424 = 4426 (one entry per month)."""
    with writer(request, ctx) as uow:
        entry = close_vat(uow, Period.parse(period))
    if entry is None:
        return JSONResponse({"entry": None, "message": "4426 and 4427 have no balance"}, status_code=200)
    return JSONResponse({"entry": entry_out(entry)}, status_code=201)


@router.get("/posting-rules")
def list_rules(request: Request, ctx: TenantContext = Depends(require("accounting.rule.read"))):
    with reader(request, ctx) as uow:
        rules = repo.load_rules(uow.connection)
    return {
        "items": [
            {
                "flow": r.flow.value,
                "selector": r.selector.value,
                "value": r.value,
                "account": r.account,
                "description": r.description,
            }
            for r in rules.all()
        ]
    }


@router.put("/posting-rules")
def save_rule(body: RuleIn, request: Request, ctx: TenantContext = Depends(require("accounting.rule.write"))):
    rule = parse_rule(body.flow, body.selector, body.value, body.account, body.description)
    with writer(request, ctx) as uow:
        handlers.save_rule(uow, rule, trail(request))
    return {
        "flow": rule.flow.value,
        "selector": rule.selector.value,
        "value": rule.value,
        "account": rule.account,
    }


@router.delete("/posting-rules", status_code=204)
def delete_rule(
    request: Request,
    flow: str = Query(..., max_length=10),
    selector: str = Query(..., max_length=20),
    value: str = Query(..., max_length=50),
    ctx: TenantContext = Depends(require("accounting.rule.write")),
) -> JSONResponse:
    with writer(request, ctx) as uow:
        handlers.delete_rule(uow, flow, selector, value, trail(request))
    return JSONResponse(None, status_code=204)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in values.items()}


@router.get("/settings")
def get_settings(request: Request, ctx: TenantContext = Depends(require("accounting.settings.read"))):
    with reader(request, ctx) as uow:
        return _plain(repo.load_settings(uow.connection).as_dict())


@router.put("/settings")
def put_settings(
    request: Request,
    values: dict[str, Any] = Body(..., description='Settings to change, e.g. {"credit_note_mode": "black"}'),
    ctx: TenantContext = Depends(require("accounting.settings.write")),
) -> dict[str, Any]:
    with writer(request, ctx) as uow:
        return _plain(handlers.update_settings(uow, values, trail(request)))
