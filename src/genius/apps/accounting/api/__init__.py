"""The accounting HTTP API under ``/api/v1/accounting`` (thin routes: schema in, handler or query out).

``router`` is mounted by the gateway. Permissions: ``accounting.account.read|create``,
``accounting.journal.read|create|approve|reverse`` (approve: another user than the creator),
``accounting.period.read|close|lock|reopen``, ``accounting.vat.close``, ``accounting.fx.revalue``,
``accounting.rule.read|write`` (posting rules and bank accounts), ``accounting.settings.read|write``,
``accounting.report.read``.
The built-in ``accountant`` role has ``accounting.*``; ``auditor`` reads (``**.read``).
"""

from genius.apps.accounting.api import (  # noqa: F401  (their routes join the router)
    bank_accounts,
    entries,
    reports,
    revaluation,
    setup,
)
from genius.apps.accounting.api.routes import router
from genius.apps.accounting.cash.api import router as cash_router

router.include_router(cash_router)  # /api/v1/accounting/cash (the cash register component)

__all__ = ["router"]
