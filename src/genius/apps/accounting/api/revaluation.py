"""Month-end revaluation of foreign-currency items over HTTP (``handlers.revaluation``).

``GET /periods/{period}/fx-revaluation`` shows what a run would post (each item's currency
balance, carrying amount, closing rate, revalued amount and difference; the month's earlier
entries); ``POST`` posts it: 201 with the entry, 200 when nothing changed (a second run). A month
that is closed or locked answers 409 ``period_closed``, a currency without the last banking day's
BNR rate 422 ``no_fx_rate`` naming both. Permissions: ``accounting.journal.read`` to look,
``accounting.fx.revalue`` to post (the ``accountant`` role has ``accounting.*``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Path, Request
from fastapi.responses import JSONResponse

from genius.apps.accounting.api.routes import reader, router, trail, writer
from genius.apps.accounting.domain.periods import Period
from genius.apps.accounting.handlers.revaluation import MonthRevaluation, revalue_month
from genius.apps.accounting.schemas import entry_out
from genius.platform.auth.deps import require
from genius.platform.tenancy import TenantContext

PERIOD = Path(..., pattern=r"^\d{4}-\d{2}$", description="The month, YYYY-MM")


def _out(result: MonthRevaluation) -> dict[str, Any]:
    return {
        "period": str(result.period),
        "message": result.message,
        "entry": entry_out(result.entry) if result.entry is not None else None,
        "earlier_entries": result.earlier,
        "later_months": result.later_months,
        "items": [
            {
                "account": r.item.account,
                "partner_id": r.item.partner_id,
                "currency": r.item.currency,
                "currency_amount": str(r.item.amount),
                "carrying_amount": str(r.item.carrying),
                "rate": str(r.rate.per_unit),
                "rate_date": r.rate.day.isoformat(),
                "revalued_amount": str(r.revalued),
                "difference": str(r.difference),
            }
            for r in result.items
        ],
    }


@router.get("/periods/{period}/fx-revaluation")
def preview_revaluation(
    request: Request,
    period: str = PERIOD,
    ctx: TenantContext = Depends(require("accounting.journal.read")),
) -> dict[str, Any]:
    """What revaluing the month would post now (nothing is written)."""
    with reader(request, ctx) as uow:
        return _out(revalue_month(uow, Period.parse(period), dry_run=True))


@router.post("/periods/{period}/fx-revaluation")
def post_revaluation(
    request: Request,
    period: str = PERIOD,
    ctx: TenantContext = Depends(require("accounting.fx.revalue")),
) -> JSONResponse:
    """Revalue the month's foreign-currency items at the last banking day's BNR rate (one entry)."""
    with writer(request, ctx) as uow:
        result = revalue_month(uow, Period.parse(period), trail=trail(request))
    return JSONResponse(_out(result), status_code=201 if result.entry is not None else 200)
