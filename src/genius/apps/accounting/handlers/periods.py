"""Fiscal periods: close, lock or reopen a month (audited), in the caller's unit of work."""

from __future__ import annotations

from genius.apps.accounting import repository as repo
from genius.apps.accounting.commands import ChangePeriod
from genius.apps.accounting.domain.periods import PeriodStatus, transition
from genius.kernel.clock import utcnow
from genius.kernel.errors import ValidationError
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

from .audit import audit

_TARGETS = {"close": PeriodStatus.CLOSED, "lock": PeriodStatus.LOCKED, "reopen": PeriodStatus.OPEN}


def change_period(uow: UnitOfWork, command: ChangePeriod, trail: AuditTrail | None = None) -> PeriodStatus:
    target = _TARGETS.get(command.action)
    if target is None:
        raise ValidationError.for_field("action", f"{command.action!r}: use close, lock or reopen")
    conn = uow.connection
    current = repo.period_status(conn, command.period)
    new = transition(command.period, current, target)
    user = uow.tenant.user_id if uow.tenant else None
    repo.set_period_status(conn, command.period, new, by=user, at=utcnow())
    audit(
        uow,
        trail,
        f"accounting.period.{command.action}",
        str(command.period),
        before={"status": current.value},
        after={"status": new.value},
        resource_type="accounting.period",
    )
    return new
