"""Audit records of ledger changes, written in the change's own transaction (``AuditTrail.record_in``)."""

from __future__ import annotations

from typing import Any

from genius.platform.audit import AuditEntry, AuditTrail
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import tenant_scope


def audit(
    uow: UnitOfWork,
    trail: AuditTrail | None,
    action: str,
    resource_id: str,
    *,
    before: Any = None,
    after: Any = None,
    resource_type: str = "accounting.entry",
) -> None:
    """Append one record with the change, or nothing when the caller has no trail (system postings)."""
    if trail is None or uow.tenant is None:
        return
    with tenant_scope(uow.tenant):
        trail.record_in(
            uow.connection,
            AuditEntry(
                action=action,
                resource_type=resource_type,
                resource_id=resource_id,
                before=before,
                after=after,
            ),
        )
