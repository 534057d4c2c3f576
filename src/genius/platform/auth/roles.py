"""Roles per tenant: the built-in ones (data in ``policy``) plus the tenant's own in ``control.roles``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.kernel.errors import Conflict, ProblemCollector, ValidationError
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import TenantContext

from .policy import _SEGMENT_RE, BUILTIN_ROLES, Role, validate_pattern

MAX_ROLE_NAME = 80


@dataclass(frozen=True)
class TenantRole(Role):
    builtin: bool = False


class RoleStore:
    """Reads and defines roles; built-in names cannot be redefined by a tenant."""

    def __init__(self, control: Engine) -> None:
        self.control = control

    def define(
        self, tenant_id: str, name: str, permissions: Sequence[str], description: str = ""
    ) -> TenantRole:
        """Create or replace one of the tenant's own roles."""
        problems = ProblemCollector()
        if not _SEGMENT_RE.fullmatch(name or "") or len(name) > MAX_ROLE_NAME:
            problems.add("name", "use lowercase letters, digits and _ (a letter first), at most 80")
        elif name in BUILTIN_ROLES:
            problems.add("name", f"{name!r} is a built-in role and cannot be redefined", "builtin_role")
        if isinstance(permissions, str) or not permissions:
            problems.add("permissions", "give a non-empty list of permission patterns")
        else:
            for index, pattern in enumerate(permissions):
                try:
                    validate_pattern(pattern, f"permissions[{index}]")
                except ValidationError as exc:
                    problems.problems.extend(exc.problems)
        problems.raise_if_any("invalid role")
        table = cp.roles
        values = {"permissions": list(permissions), "description": description or None}
        with self.control.begin() as conn:
            updated = conn.execute(
                table.update().where(table.c.tenant_id == tenant_id, table.c.name == name).values(**values)
            ).rowcount
            if not updated:
                conn.execute(table.insert().values(tenant_id=tenant_id, name=name, **values))
        return TenantRole(name, tuple(permissions), description or "")

    def list(self, tenant_id: str) -> list[TenantRole]:
        builtin = [TenantRole(r.name, r.permissions, r.description, True) for r in BUILTIN_ROLES.values()]
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.roles).where(cp.roles.c.tenant_id == tenant_id).order_by(cp.roles.c.name)
            ).all()
        return builtin + [TenantRole(r.name, tuple(r.permissions), r.description or "") for r in rows]

    def missing(self, tenant_id: str, names: Iterable[str]) -> list[str]:
        """Which of ``names`` are neither built-in nor defined by the tenant."""
        wanted = [n for n in names if n not in BUILTIN_ROLES]
        if not wanted:
            return []
        own = self._own(tenant_id, wanted)
        return [n for n in wanted if n not in own]

    def grants(self, ctx: TenantContext) -> Mapping[str, Sequence[str]]:
        """Role -> patterns for the caller's roles; the database is read only for non-built-in roles."""
        result: dict[str, Sequence[str]] = {
            r: BUILTIN_ROLES[r].permissions for r in ctx.roles if r in BUILTIN_ROLES
        }
        others = [r for r in ctx.roles if r not in BUILTIN_ROLES]
        if others:
            result.update(self._own(ctx.tenant_id, others))
        return result

    def delete(self, tenant_id: str, name: str) -> None:
        if name in BUILTIN_ROLES:
            raise Conflict(f"{name!r} is a built-in role", code="builtin_role")
        with self.control.begin() as conn:
            conn.execute(cp.roles.delete().where(cp.roles.c.tenant_id == tenant_id, cp.roles.c.name == name))

    def _own(self, tenant_id: str, names: Sequence[str] | None) -> dict[str, tuple[str, ...]]:
        query = sa.select(cp.roles.c.name, cp.roles.c.permissions).where(cp.roles.c.tenant_id == tenant_id)
        if names is not None:
            query = query.where(cp.roles.c.name.in_(list(names)))
        with self.control.connect() as conn:
            rows = conn.execute(query.order_by(cp.roles.c.name)).all()
        return {row.name: tuple(row.permissions) for row in rows}
