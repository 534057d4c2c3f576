"""Authorization in one place: RBAC grants, ABAC conditions, deny by default, denials reported.

A decision has two steps. RBAC: some role of the caller must grant a permission pattern that
matches the requested permission (``sales.invoice.issue``); no grant means no. ABAC: when the
caller passes the resource's attributes, every rule that applies to the permission must hold
(branch scope, amount limits, segregation of duties). Without a resource only the RBAC step runs:
that is the coarse "may this user ever do X" check a route makes before it loads the object; the
handler then authorizes again with the object's attributes.

Permission patterns: dot-separated segments. ``*`` matches one segment, or, as the last segment,
one or more (``sales.*`` covers ``sales.invoice.issue``); ``**`` matches zero or more anywhere
(``**.approve`` covers every approve-type permission); ``*`` alone matches everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Protocol

from genius.kernel.errors import ValidationError
from genius.platform.tenancy import TenantContext

from .errors import AccessDenied

_SEGMENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")


# -- permissions and patterns ------------------------------------------------------------------
def validate_permission(permission: str, field_name: str = "permission") -> str:
    """A concrete permission: lowercase dot-separated segments, no wildcards."""
    segments = (permission or "").split(".")
    if len(segments) < 2 or not all(_SEGMENT_RE.fullmatch(s) for s in segments):
        raise ValidationError.for_field(
            field_name, f"{permission!r} is not a permission: use area.object.action in lowercase"
        )
    return permission


def validate_pattern(pattern: str, field_name: str = "permissions") -> str:
    """A permission pattern as roles grant them: segments, ``*`` or ``**``."""
    segments = (pattern or "").split(".")
    if not all(s in ("*", "**") or _SEGMENT_RE.fullmatch(s) for s in segments) or not pattern:
        raise ValidationError.for_field(
            field_name, f"{pattern!r} is not a permission pattern: lowercase segments, * or ** between dots"
        )
    return pattern


def permission_matches(pattern: str, permission: str) -> bool:
    return _match(tuple(pattern.split(".")), tuple(permission.split(".")))


@lru_cache(maxsize=4096)
def _match(pattern: tuple[str, ...], segments: tuple[str, ...]) -> bool:
    if not pattern:
        return not segments
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_match(rest, segments[i:]) for i in range(len(segments) + 1))
    if not segments:
        return False
    if head == "*" and not rest:
        return True  # trailing * covers one or more segments
    if head == "*" or head == segments[0]:
        return _match(rest, segments[1:])
    return False


# -- roles as data -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Role:
    name: str
    permissions: tuple[str, ...]
    description: str = ""


# Read permissions of the business areas; "viewer" gets these and nothing else (not audit records).
_BUSINESS_READS = tuple(
    f"{area}.**.read"
    for area in (
        "sales",
        "accounting",
        "procurement",
        "inventory",
        "crm",
        "documents",
        "analytics",
        "payroll",
    )
)

BUILTIN_ROLES: Mapping[str, Role] = {
    role.name: role
    for role in (
        Role("admin", ("*",), "Everything in the tenant, settings and flags included"),
        Role(
            "accountant",
            (
                "accounting.*",
                "sales.invoice.read",
                "sales.customer.read",
                "sales.partner.read",
                "sales.product.read",
                "sales.series.read",
                "procurement.**.read",
                "reports.*",
            ),
            "Keeps the books: journals (post, approve others' entries), reports",
        ),
        Role(
            "sales_clerk",
            (
                "sales.invoice.create",
                "sales.invoice.issue",
                "sales.invoice.read",
                "sales.customer.*",
                "sales.partner.*",
                "sales.product.read",
                "sales.series.read",
                "sales.credit_note.create",
                "inventory.stock.read",
            ),
            "Issues invoices within their branch and amount limit",
        ),
        Role("auditor", ("**.read",), "Reads everything, audit records included; changes nothing"),
        Role("viewer", _BUSINESS_READS, "Reads business data; no audit records, no changes"),
    )
}


# -- ABAC conditions ---------------------------------------------------------------------------
class Condition(Protocol):
    def check(self, ctx: TenantContext, resource: Mapping[str, Any]) -> str | None:
        """``None`` when the condition holds, else the reason it does not."""
        ...


@dataclass(frozen=True)
class SameAttribute:
    """user.attributes[user_attribute] must equal resource[resource_attribute].

    The user's value may be one value, a list of values, or ``"*"`` for all.
    """

    user_attribute: str
    resource_attribute: str

    def check(self, ctx: TenantContext, resource: Mapping[str, Any]) -> str | None:
        wanted = resource.get(self.resource_attribute)
        have = ctx.attributes.get(self.user_attribute)
        if have is None:
            return (
                f"user has no {self.user_attribute} attribute; resource {self.resource_attribute}={wanted!r}"
            )
        allowed = have if isinstance(have, list | tuple) else [have]
        if "*" in allowed or wanted in allowed:
            return None
        user_side = f"user {self.user_attribute}={have!r}"
        return f"{user_side} does not cover resource {self.resource_attribute}={wanted!r}"


@dataclass(frozen=True)
class LimitAtLeast:
    """Decimal(user.attributes[limit_attribute]) >= Decimal(resource[amount_attribute])."""

    limit_attribute: str
    amount_attribute: str

    def check(self, ctx: TenantContext, resource: Mapping[str, Any]) -> str | None:
        limit = _number(ctx.attributes.get(self.limit_attribute))
        amount = _number(resource.get(self.amount_attribute))
        if amount is None:
            return f"resource {self.amount_attribute}={resource.get(self.amount_attribute)!r} is not a number"
        if limit is None:
            return f"user has no numeric {self.limit_attribute} attribute"
        if amount > limit:
            return f"resource {self.amount_attribute}={amount} exceeds user {self.limit_attribute}={limit}"
        return None


@dataclass(frozen=True)
class NotCreatedBy:
    """Segregation of duties: whoever created a thing may not approve it (resource[attribute] != user)."""

    attribute: str = "created_by"

    def check(self, ctx: TenantContext, resource: Mapping[str, Any]) -> str | None:
        author = resource.get(self.attribute)
        if not author:
            return f"resource has no {self.attribute}: segregation of duties cannot be checked"
        if ctx.user_id is None:
            return "caller is not a user: segregation of duties cannot be checked"
        if str(author) == str(ctx.user_id):
            return f"user {ctx.user_id} created this resource and may not also approve it"
        return None


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value).strip())  # str() first: JSON floats become their shortest repr
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


@dataclass(frozen=True)
class AbacRule:
    """A condition that applies to the permissions matching ``permissions``.

    ``when_resource_has``: the rule applies only to resources carrying that attribute (a customer
    without a branch is not branch-scoped); ``None`` = to every resource. ``exempt_roles`` skip it.
    """

    name: str
    permissions: tuple[str, ...]
    condition: Condition
    when_resource_has: str | None = None
    exempt_roles: tuple[str, ...] = ()

    def applies(self, ctx: TenantContext, permission: str, resource: Mapping[str, Any]) -> bool:
        if not any(permission_matches(p, permission) for p in self.permissions):
            return False
        if self.when_resource_has is not None and self.when_resource_has not in resource:
            return False
        return not any(role in self.exempt_roles for role in ctx.roles)


DEFAULT_RULES: tuple[AbacRule, ...] = (
    AbacRule("branch-scope", ("**",), SameAttribute("branch", "branch"), "branch", ("admin",)),
    AbacRule(
        "invoice-amount-limit",
        ("sales.invoice.issue",),
        LimitAtLeast("max_invoice_amount", "amount"),
        "amount",
        ("admin",),
    ),
    # No exemption, not even admin: the four-eyes rule is the point (approve-type = last segment).
    AbacRule("segregation-of-duties", ("**.approve",), NotCreatedBy("created_by")),
)


# -- decisions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    rule: str
    permission: str = ""


# Returns role name -> granted patterns for the roles of ``ctx`` (built-in and the tenant's own).
GrantLookup = Callable[[TenantContext], Mapping[str, Sequence[str]]]
# Called with (ctx, permission, resource, reason) on every denial; bootstrap points it at the audit trail.
DenyHook = Callable[[TenantContext, str, Mapping[str, Any] | None, str], None]


def builtin_grants(ctx: TenantContext) -> Mapping[str, Sequence[str]]:
    return {r: BUILTIN_ROLES[r].permissions for r in ctx.roles if r in BUILTIN_ROLES}


class Authorizer:
    """``authorize`` decides; ``check`` decides and raises AccessDenied. Every denial calls on_deny."""

    def __init__(
        self,
        grants: GrantLookup = builtin_grants,
        rules: Sequence[AbacRule] = DEFAULT_RULES,
        on_deny: DenyHook | None = None,
        local_grants: GrantLookup | None = None,
    ) -> None:
        self.grants = grants
        self.rules = tuple(rules)
        self.on_deny = on_deny
        # A lookup without I/O whose grants are a subset of ``grants`` (the built-in roles): what
        # it allows, ``grants`` allows too, so ``allows_locally`` can answer without a read.
        self.local_grants = local_grants

    def allows_locally(
        self, ctx: TenantContext, permission: str, resource: Mapping[str, Any] | None = None
    ) -> bool:
        """True when the decision is "allowed" without reading anything; False means: ``check``.

        Never denies by itself (a denial must be recorded through ``on_deny``, which writes).
        """
        if self.local_grants is None:
            return False
        return self._decide(ctx, permission, resource, self.local_grants).allowed

    def authorize(
        self, ctx: TenantContext, permission: str, resource: Mapping[str, Any] | None = None
    ) -> Decision:
        decision = self._decide(ctx, permission, resource)
        if not decision.allowed and self.on_deny is not None:
            # A failing audit write propagates: a denial that cannot be recorded must not pass quietly.
            self.on_deny(ctx, permission, resource, f"{decision.rule}: {decision.reason}")
        return decision

    def check(
        self, ctx: TenantContext, permission: str, resource: Mapping[str, Any] | None = None
    ) -> TenantContext:
        decision = self.authorize(ctx, permission, resource)
        if not decision.allowed:
            raise AccessDenied(f"{permission} denied: {decision.reason}", decision=decision)
        return ctx

    def _decide(
        self,
        ctx: TenantContext,
        permission: str,
        resource: Mapping[str, Any] | None,
        grants: GrantLookup | None = None,
    ) -> Decision:
        try:
            validate_permission(permission)
        except ValidationError as exc:
            return Decision(False, exc.message, "malformed-permission", permission)
        if ctx.system:
            return Decision(True, "system work on the tenant's own account", "system", permission)
        grant = next(
            (
                (role, pattern)
                for role, patterns in (grants or self.grants)(ctx).items()
                if role in ctx.roles
                for pattern in patterns
                if permission_matches(pattern, permission)
            ),
            None,
        )
        if grant is None:
            roles = ", ".join(ctx.roles) or "none"
            return Decision(
                False, f"no role of the caller (roles: {roles}) grants {permission}", "rbac", permission
            )
        if resource is not None:
            for rule in self.rules:
                if rule.applies(ctx, permission, resource):
                    reason = rule.condition.check(ctx, resource)
                    if reason is not None:
                        return Decision(False, reason, rule.name, permission)
        role, pattern = grant
        return Decision(True, f"role {role} grants {pattern}", "rbac", permission)
