"""The audit trail: who did what, when, where, why and with what result, hash-chained per tenant.

Public names: ``AuditTrail`` (built in bootstrap, ``Platform.audit``), ``AuditEntry``,
``AuditRecord``, ``VerifyResult``, ``AuditQuery``/``AuditPage``, ``AUDIT_COMPONENT`` (the tenant
database migration component), ``AuditMiddleware`` (request auditing, mounted by the gateway)
and ``router`` (``GET /api/v1/audit/records``). The canonical form that is hashed is defined in
``genius.platform.audit.chain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genius.platform.audit.chain import GENESIS_HASH, canonical_json
from genius.platform.audit.query import AuditPage, AuditQuery
from genius.platform.audit.tables import AUDIT_SCHEMA
from genius.platform.audit.trail import AuditChainMissing, AuditEntry, AuditRecord, AuditTrail
from genius.platform.audit.verify import VerifyResult
from genius.platform.db.migrate import MigrationComponent, migrations_folder

if TYPE_CHECKING:
    from genius.platform.audit.middleware import AuditMiddleware

AUDIT_COMPONENT = MigrationComponent(
    name="audit", schema=AUDIT_SCHEMA, script_location=migrations_folder(__file__)
)

__all__ = [
    "AUDIT_COMPONENT",
    "GENESIS_HASH",
    "AuditChainMissing",
    "AuditEntry",
    "AuditMiddleware",
    "AuditPage",
    "AuditQuery",
    "AuditRecord",
    "AuditTrail",
    "VerifyResult",
    "canonical_json",
    "router",
]


def __getattr__(name: str) -> Any:
    # The web pieces load on first use, so workers and the CLI never import FastAPI through here.
    if name == "router":
        from genius.platform.audit.api import router

        return router
    if name == "AuditMiddleware":
        from genius.platform.audit.middleware import AuditMiddleware

        return AuditMiddleware
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
