"""Authorization: permission patterns, RBAC, ABAC (branch, amount, segregation of duties), denials."""

from __future__ import annotations

from typing import Any

import pytest

from genius.bootstrap import Platform
from genius.platform.audit import AuditQuery
from genius.platform.auth import AccessDenied, Authorizer, permission_matches
from genius.platform.auth.policy import BUILTIN_ROLES, validate_pattern
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope

from .conftest import PASSWORD


@pytest.mark.parametrize(
    ("pattern", "permission", "expected"),
    [
        ("*", "sales.invoice.issue", True),
        ("sales.*", "sales.invoice.issue", True),
        ("sales.*", "sales.invoice", True),
        ("sales.*", "salesx.invoice", False),
        ("sales.*", "accounting.journal.post", False),
        ("sales.invoice.*", "sales.invoice.issue", True),
        ("sales.invoice.issue", "sales.invoice.issue", True),
        ("sales.invoice.issue", "sales.invoice.issued", False),
        ("sales.*.read", "sales.invoice.read", True),
        ("sales.*.read", "sales.invoice.line.read", False),
        ("sales.**.read", "sales.invoice.line.read", True),
        ("**.approve", "accounting.journal.approve", True),
        ("**.approve", "accounting.journal.approver", False),
        ("**.read", "audit.records.read", True),
        ("accounting.journal.post", "accounting.journal", False),
    ],
)
def test_permission_patterns(pattern: str, permission: str, expected: bool) -> None:
    assert permission_matches(pattern, permission) is expected


def ctx(*roles: str, user_id: str = "u1", **attributes: Any) -> TenantContext:
    return TenantContext(tenant_id="t1", slug="acme", user_id=user_id, roles=roles, attributes=attributes)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[TenantContext, str, Any, str]] = []

    def __call__(self, c: TenantContext, permission: str, resource: Any, reason: str) -> None:
        self.calls.append((c, permission, resource, reason))


def test_deny_by_default_and_every_denial_is_reported() -> None:
    recorder = Recorder()
    authorizer = Authorizer(on_deny=recorder)
    nobody = ctx()
    decision = authorizer.authorize(nobody, "sales.invoice.issue")
    assert not decision.allowed and decision.rule == "rbac"
    unknown_role = ctx("wizard")
    assert not authorizer.authorize(unknown_role, "sales.invoice.issue").allowed
    assert not authorizer.authorize(ctx("viewer"), "audit.records.read").allowed
    assert not authorizer.authorize(ctx("admin"), "Sales.*").allowed  # not a concrete permission
    assert [c[1] for c in recorder.calls] == [
        "sales.invoice.issue",
        "sales.invoice.issue",
        "audit.records.read",
        "Sales.*",
    ]
    assert recorder.calls[0][3].startswith("rbac: no role of the caller (roles: none)")
    # Allowed decisions are not reported.
    assert authorizer.authorize(ctx("auditor"), "audit.records.read").allowed
    assert len(recorder.calls) == 4


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            "admin",
            ["admin.flags.write", "admin.settings.write", "audit.records.read", "accounting.journal.post"],
            [],
        ),
        (
            "accountant",
            ["accounting.journal.post", "accounting.journal.approve", "sales.invoice.read"],
            ["sales.invoice.issue", "admin.flags.write", "audit.records.read"],
        ),
        (
            "sales_clerk",
            ["sales.invoice.issue", "sales.customer.create"],
            ["accounting.journal.post", "sales.invoice.cancel", "admin.settings.write"],
        ),
        (
            "auditor",
            ["audit.records.read", "sales.invoice.read", "accounting.journal.read"],
            ["sales.invoice.issue", "accounting.journal.approve"],
        ),
        (
            "viewer",
            ["sales.invoice.read", "inventory.stock.read"],
            ["audit.records.read", "sales.invoice.issue"],
        ),
    ],
)
def test_builtin_roles(role: str, allowed: list[str], denied: list[str]) -> None:
    authorizer = Authorizer()
    for permission in allowed:
        assert authorizer.authorize(ctx(role), permission).allowed, permission
    for permission in denied:
        assert not authorizer.authorize(ctx(role), permission).allowed, permission


def test_builtin_role_patterns_are_valid() -> None:
    for role in BUILTIN_ROLES.values():
        for pattern in role.permissions:
            validate_pattern(pattern)


def test_branch_scope() -> None:
    authorizer = Authorizer()
    clerk = ctx("sales_clerk", branch="CJ", max_invoice_amount=10_000)
    assert authorizer.authorize(clerk, "sales.invoice.issue", {"branch": "CJ", "amount": "10"}).allowed
    denied = authorizer.authorize(clerk, "sales.invoice.issue", {"branch": "B", "amount": "10"})
    assert (denied.allowed, denied.rule) == (False, "branch-scope")
    assert "branch='CJ'" in denied.reason and "branch='B'" in denied.reason
    no_branch = ctx("sales_clerk", max_invoice_amount=10_000)
    assert (
        authorizer.authorize(no_branch, "sales.invoice.issue", {"branch": "CJ", "amount": "1"}).rule
        == "branch-scope"
    )
    several = ctx("sales_clerk", branch=["CJ", "B"], max_invoice_amount=10)
    assert authorizer.authorize(several, "sales.invoice.issue", {"branch": "B", "amount": "1"}).allowed
    everywhere = ctx("sales_clerk", branch="*", max_invoice_amount=10)
    assert authorizer.authorize(everywhere, "sales.invoice.issue", {"branch": "IS", "amount": "1"}).allowed
    # A resource without a branch is not branch-scoped; admin is exempt.
    assert authorizer.authorize(clerk, "sales.customer.create", {"name": "X"}).allowed
    assert authorizer.authorize(ctx("admin"), "sales.invoice.issue", {"branch": "B", "amount": "1e9"}).allowed


def test_invoice_amount_limit() -> None:
    authorizer = Authorizer()
    clerk = ctx("sales_clerk", branch="CJ", max_invoice_amount="5000.00")
    assert authorizer.authorize(clerk, "sales.invoice.issue", {"branch": "CJ", "amount": "5000.00"}).allowed
    over = authorizer.authorize(clerk, "sales.invoice.issue", {"branch": "CJ", "amount": "5000.01"})
    assert (over.allowed, over.rule) == (False, "invoice-amount-limit")
    assert not authorizer.authorize(clerk, "sales.invoice.issue", {"branch": "CJ", "amount": "lots"}).allowed
    unlimited = ctx("sales_clerk", branch="CJ")  # no limit attribute: no issuing with an amount
    assert authorizer.authorize(unlimited, "sales.invoice.issue", {"branch": "CJ", "amount": 1}).rule == (
        "invoice-amount-limit"
    )
    # The limit applies to issuing, not reading.
    assert authorizer.authorize(clerk, "sales.invoice.read", {"branch": "CJ", "amount": "1e6"}).allowed


def test_segregation_of_duties_binds_even_admin() -> None:
    authorizer = Authorizer()
    ana = ctx("accountant", user_id="ana")
    entry_by_ana = {"created_by": "ana", "amount": "100"}
    entry_by_ion = {"created_by": "ion", "amount": "100"}
    own = authorizer.authorize(ana, "accounting.journal.approve", entry_by_ana)
    assert (own.allowed, own.rule) == (False, "segregation-of-duties")
    assert authorizer.authorize(ana, "accounting.journal.approve", entry_by_ion).allowed
    assert authorizer.authorize(ana, "accounting.journal.post", entry_by_ana).allowed  # posting own: fine
    admin = ctx("admin", user_id="boss")
    assert not authorizer.authorize(admin, "accounting.journal.approve", {"created_by": "boss"}).allowed
    unknown_author = authorizer.authorize(ana, "accounting.journal.approve", {"amount": "1"})
    assert (unknown_author.allowed, unknown_author.rule) == (False, "segregation-of-duties")


def test_system_context_is_allowed_and_check_raises_access_denied() -> None:
    authorizer = Authorizer()
    system = TenantContext(tenant_id="t1", slug="acme", system=True)
    assert authorizer.authorize(system, "accounting.journal.post").rule == "system"
    with pytest.raises(AccessDenied) as err:
        authorizer.check(ctx("viewer"), "sales.invoice.issue")
    assert err.value.code == "permission_denied"
    assert err.value.details["rule"] == "rbac"


def test_tenant_defined_roles_grant_their_patterns(
    platform: Platform, tenant: Tenant, other_tenant: Tenant
) -> None:
    platform.auth.roles.define(tenant.id, "warehouse", ["inventory.*", "sales.invoice.read"])
    keeper = TenantContext(tenant_id=tenant.id, slug=tenant.slug, user_id="u", roles=("warehouse",))
    assert platform.auth.authorizer.authorize(keeper, "inventory.stock.move").allowed
    # The same role name in another tenant grants nothing: roles are per tenant.
    elsewhere = TenantContext(
        tenant_id=other_tenant.id, slug=other_tenant.slug, user_id="u", roles=("warehouse",)
    )
    with tenant_scope(elsewhere):
        assert not platform.auth.authorizer.authorize(elsewhere, "inventory.stock.move").allowed


def test_denials_land_in_the_tenants_audit_trail(platform: Platform, tenant: Tenant) -> None:
    """Bootstrap wires Authorizer.on_deny to AuditTrail.on_deny."""
    user = platform.auth.users.create(tenant.slug, "ana@acme.ro", PASSWORD, ["accountant"])
    caller = platform.auth.verify_access_token(
        platform.auth.password_grant(tenant.slug, "ana@acme.ro", PASSWORD).access_token
    )
    decision = platform.auth.authorizer.authorize(
        caller, "accounting.journal.approve", {"created_by": user.id}
    )
    assert not decision.allowed
    assert platform.auth.authorizer.authorize(
        caller, "accounting.journal.post", {"created_by": user.id}
    ).allowed
    with tenant_scope(caller):
        page = platform.audit.query(AuditQuery())
    denials = [r for r in page.items if r.action == "auth.access.deny"]
    assert len(denials) == 1
    record = denials[0]
    assert record.resource_id == "accounting.journal.approve" and record.user_id == user.id
    assert record.result == "failure"
    assert "segregation-of-duties" in record.result_details["reason"]
