"""Users of a tenant: creation with validation, lookup, password checks with rehash, activation."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from genius.kernel.clock import utcnow
from genius.kernel.errors import Conflict, NotFound, ProblemCollector
from genius.kernel.ids import new_id
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import Tenant, TenantRegistry

from .keys import aware
from .passwords import Passwords, password_problem
from .roles import RoleStore

MAX_DISPLAY_NAME = 200


class UserNotFound(NotFound):
    code = "user_not_found"


@dataclass(frozen=True)
class User:
    id: str
    tenant_id: str
    email: str
    display_name: str | None
    roles: tuple[str, ...]
    attributes: dict[str, Any] = field(default_factory=dict)
    active: bool = True
    created_at: datetime | None = None


def _user_from_row(row: Any) -> User:
    return User(
        id=row.id,
        tenant_id=row.tenant_id,
        email=row.email,
        display_name=row.display_name,
        roles=tuple(row.roles or ()),
        attributes=dict(row.attributes or {}),
        active=bool(row.active),
        created_at=aware(row.created_at),
    )


def normalise_email(email: str, field_name: str = "email") -> str:
    """The stored form: validated syntax, then lowercased whole (logins are case-insensitive)."""
    result = validate_email((email or "").strip(), check_deliverability=False)
    return result.normalized.lower()


class UserService:
    """Creates and reads users in the control plane; passwords are stored only as argon2id hashes."""

    def __init__(self, tenants: TenantRegistry, passwords: Passwords, roles: RoleStore) -> None:
        self.tenants = tenants
        self.control: Engine = tenants.control
        self.passwords = passwords
        self.roles = roles
        # Told the id of every user changed here (AuthService drops its cached row of that user).
        self.on_change: Callable[[str], None] | None = None

    def create(
        self,
        tenant_slug: str,
        email: str,
        password: str | None,
        roles: Sequence[str],
        attributes: Mapping[str, Any] | None = None,
        display_name: str | None = None,
    ) -> User:
        """Validate every field (all problems at once), then insert; a taken email is a Conflict.

        ``password=None`` makes a user who can only sign in through the tenant's external issuer.
        """
        tenant = self.tenants.get(tenant_slug)
        problems = ProblemCollector()
        normalised = ""
        try:
            normalised = normalise_email(email)
        except EmailNotValidError as exc:
            problems.add("email", f"{email!r} is not a valid e-mail address: {exc}", "invalid_email")
        if password is not None:
            weakness = password_problem(password)
            if weakness:
                problems.add("password", weakness, "weak_password")
        role_list = self._check_roles(tenant, roles, problems)
        attrs = self._check_attributes(attributes, problems)
        if display_name is not None and len(display_name.strip()) > MAX_DISPLAY_NAME:
            problems.add("display_name", f"at most {MAX_DISPLAY_NAME} characters")
        problems.raise_if_any("invalid user")
        user = User(
            id=new_id(),
            tenant_id=tenant.id,
            email=normalised,
            display_name=(display_name or "").strip() or None,
            roles=tuple(role_list),
            attributes=attrs,
            active=True,
            created_at=utcnow(),
        )
        password_hash = self.passwords.hash(password) if password is not None else None
        try:
            with self.control.begin() as conn:
                conn.execute(
                    cp.users.insert().values(
                        id=user.id,
                        tenant_id=user.tenant_id,
                        email=user.email,
                        password_hash=password_hash,
                        display_name=user.display_name,
                        roles=list(user.roles),
                        attributes=user.attributes,
                        active=True,
                        created_at=user.created_at,
                    )
                )
        except IntegrityError as exc:
            raise Conflict(
                f"email: {user.email} already has a user in tenant {tenant.slug}", code="user_exists"
            ) from exc
        return user

    def _check_roles(self, tenant: Tenant, roles: Sequence[str], problems: ProblemCollector) -> list[str]:
        if isinstance(roles, str) or not roles:
            problems.add("roles", "give at least one role", "required")
            return []
        role_list = list(dict.fromkeys(roles))
        for name in self.roles.missing(tenant.id, role_list):
            problems.add(f"roles[{role_list.index(name)}]", f"role {name!r} does not exist", "unknown_role")
        return role_list

    @staticmethod
    def _check_attributes(attributes: Mapping[str, Any] | None, problems: ProblemCollector) -> dict[str, Any]:
        if attributes is None:
            return {}
        if not isinstance(attributes, Mapping) or not all(isinstance(k, str) for k in attributes):
            problems.add("attributes", "give an object with string keys")
            return {}
        try:
            json.dumps(dict(attributes))
        except (TypeError, ValueError):
            problems.add("attributes", "values must be JSON (strings, numbers, lists, objects)")
            return {}
        return dict(attributes)

    # -- reads ---------------------------------------------------------------------------------
    def get(self, tenant_id: str, user_id: str) -> User:
        with self.control.connect() as conn:
            row = conn.execute(
                sa.select(cp.users).where(cp.users.c.tenant_id == tenant_id, cp.users.c.id == user_id)
            ).first()
        if row is None:
            raise UserNotFound(f"user {user_id} does not exist in this tenant")
        return _user_from_row(row)

    def find_by_email(self, tenant_id: str, email: str) -> User | None:
        user, _ = self._row_by_email(tenant_id, email)
        return user

    def list(self, tenant_id: str) -> list[User]:
        with self.control.connect() as conn:
            rows = conn.execute(
                sa.select(cp.users).where(cp.users.c.tenant_id == tenant_id).order_by(cp.users.c.email)
            ).all()
        return [_user_from_row(r) for r in rows]

    def _row_by_email(self, tenant_id: str, email: str) -> tuple[User | None, str | None]:
        key = (email or "").strip().lower()
        with self.control.connect() as conn:
            row = conn.execute(
                sa.select(cp.users).where(cp.users.c.tenant_id == tenant_id, cp.users.c.email == key)
            ).first()
        if row is None:
            return None, None
        return _user_from_row(row), row.password_hash

    # -- passwords -----------------------------------------------------------------------------
    def check_password(self, tenant_id: str, email: str, password: str) -> User | None:
        """The user when the password is right and the user active; otherwise None, in similar time.

        A hash made with older argon2 parameters is replaced on success (rehash).
        """
        user, stored = self._row_by_email(tenant_id, email)
        if user is None or not user.active:
            self.passwords.burn(password)  # same cost as a real check: no user enumeration by timing
            return None
        result = self.passwords.check(stored, password)
        if not result.ok:
            return None
        if result.new_hash is not None:
            with self.control.begin() as conn:
                conn.execute(
                    cp.users.update()
                    .where(cp.users.c.id == user.id, cp.users.c.password_hash == stored)
                    .values(password_hash=result.new_hash)
                )
        return user

    def set_password(self, tenant_slug: str, email: str, password: str) -> User:
        tenant = self.tenants.get(tenant_slug)
        problems = ProblemCollector()
        weakness = password_problem(password)
        if weakness:
            problems.add("password", weakness, "weak_password")
        problems.raise_if_any("invalid password")
        user, _ = self._row_by_email(tenant.id, email)
        if user is None:
            raise UserNotFound(f"email: no user {email!r} in tenant {tenant.slug}")
        with self.control.begin() as conn:
            conn.execute(
                cp.users.update()
                .where(cp.users.c.id == user.id)
                .values(password_hash=self.passwords.hash(password))
            )
        return user

    def set_active(self, tenant_slug: str, email: str, active: bool) -> User:
        tenant = self.tenants.get(tenant_slug)
        user, _ = self._row_by_email(tenant.id, email)
        if user is None:
            raise UserNotFound(f"email: no user {email!r} in tenant {tenant.slug}")
        with self.control.begin() as conn:
            conn.execute(cp.users.update().where(cp.users.c.id == user.id).values(active=active))
        self._changed(user.id)
        return self.get(tenant.id, user.id)

    def _changed(self, user_id: str) -> None:
        if self.on_change is not None:
            self.on_change(user_id)
