"""The tenant's ledger set-up: analytic accounts, posting rules and settings (audited)."""

from __future__ import annotations

from typing import Any

from genius.apps.accounting import repository as repo
from genius.apps.accounting.domain.accounts import LedgerAccount, analytic_account
from genius.apps.accounting.domain.rules import PostingRule
from genius.kernel.errors import NotFound, ValidationError
from genius.platform.audit import AuditTrail
from genius.platform.db.uow import UnitOfWork

from .audit import audit


def create_account(
    uow: UnitOfWork, code: str, name: str, partner_id: str | None = None, trail: AuditTrail | None = None
) -> LedgerAccount:
    account = analytic_account(code, name, partner_id=partner_id)
    repo.insert_account(uow.connection, account)
    audit(
        uow,
        trail,
        "accounting.account.create",
        account.code,
        after={"name": account.name},
        resource_type="accounting.account",
    )
    return account


def save_rule(uow: UnitOfWork, rule: PostingRule, trail: AuditTrail | None = None) -> PostingRule:
    conn = uow.connection
    problem = repo.account_checker(conn, [rule.account])(rule.account)
    if problem is not None:
        raise ValidationError.for_field("account", problem)
    repo.save_rule(conn, rule)
    key = f"{rule.flow.value}/{rule.selector.value}/{rule.value}"
    audit(
        uow,
        trail,
        "accounting.rule.save",
        key,
        after={"account": rule.account},
        resource_type="accounting.rule",
    )
    return rule


def delete_rule(
    uow: UnitOfWork, flow: str, selector: str, value: str, trail: AuditTrail | None = None
) -> None:
    if selector == "default":
        raise ValidationError.for_field("selector", "the default rule can be changed but not deleted")
    if repo.delete_rule(uow.connection, flow, selector, value) == 0:
        raise NotFound(f"no posting rule {flow}/{selector}/{value}")
    audit(uow, trail, "accounting.rule.delete", f"{flow}/{selector}/{value}", resource_type="accounting.rule")


def update_settings(
    uow: UnitOfWork, values: dict[str, Any], trail: AuditTrail | None = None
) -> dict[str, Any]:
    conn = uow.connection
    before = repo.load_settings(conn)
    after = before.with_values(values)  # names a bad key or value
    accounts = [v for k, v in after.as_dict().items() if k.endswith("_account")]
    check = repo.account_checker(conn, accounts)
    for key, value in after.as_dict().items():
        if key.endswith("_account") and (problem := check(value)) is not None:
            raise ValidationError.for_field(key, problem)
    repo.save_settings(conn, {k: getattr(after, k) for k in values})
    audit(
        uow,
        trail,
        "accounting.settings.update",
        "settings",
        before=_plain(before.as_dict()),
        after=_plain(after.as_dict()),
        resource_type="accounting.settings",
    )
    return after.as_dict()


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in values.items()}
