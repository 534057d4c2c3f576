"""The tenant's bank accounts over HTTP: which treasury account (5121 / 5124 / an analytic) an IBAN posts to.

Configured beside the posting rules, with the same permissions (``accounting.rule.read|write``).
An IBAN that is not configured posts to the settings' ``bank_ron_account`` / ``bank_currency_account``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from genius.apps.accounting.api.routes import reader, router, trail, writer
from genius.apps.accounting.handlers import treasury
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext


class BankAccountIn(BaseModel):
    iban: str = Field(..., max_length=42, description="The account's IBAN (spaces allowed)")
    currency: str = Field(..., max_length=3, description="ISO 4217 currency of the account: RON, EUR, ...")
    account: str = Field(
        ..., max_length=20, description="5121 (lei), 5124 (currency) or an analytic of them, e.g. 5124.01"
    )
    name: str = Field("", max_length=100, description="A label, e.g. the bank's name")


@router.get("/bank-accounts")
def list_bank_accounts(
    request: Request, ctx: TenantContext = Depends(require("accounting.rule.read"))
) -> dict[str, Any]:
    with reader(request, ctx) as uow:
        items = [a.as_dict() for a in treasury.list_bank_accounts(uow.connection)]
        settings = treasury.repo.load_settings(uow.connection)
    return {
        "items": items,
        "defaults": {
            "RON": settings.bank_ron_account,
            "other": settings.bank_currency_account,
            "analytics_per_iban": settings.bank_analytics,
        },
    }


@router.put("/bank-accounts")
def save_bank_account(
    body: BankAccountIn, request: Request, ctx: TenantContext = Depends(require("accounting.rule.write"))
) -> dict[str, str]:
    with writer(request, ctx) as uow:
        saved = treasury.save_bank_account(
            uow, body.iban, body.currency, body.account, body.name, trail(request)
        )
    return saved.as_dict()


@router.delete("/bank-accounts/{iban}", status_code=204)
def delete_bank_account(
    request: Request,
    iban: str = Path(..., max_length=42),
    ctx: TenantContext = Depends(require("accounting.rule.write")),
) -> JSONResponse:
    with writer(request, ctx) as uow:
        treasury.delete_bank_account(uow, iban, trail(request))
    return JSONResponse(None, status_code=204)
