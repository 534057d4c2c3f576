"""Refresh tokens: opaque, single use, rotated; reusing a used one revokes its whole family.

The client holds a random 256-bit string; ``control.refresh_tokens.id`` stores only its SHA-256,
so a copy of the table cannot be replayed. Each use marks the row used and issues a successor in
the same family (OAuth 2.0 Security BCP, refresh token rotation). A used token presented again
means two parties hold it: every token of the family is revoked and the caller must log in again.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Engine

from genius.kernel.clock import utcnow
from genius.kernel.ids import new_id
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE

from .errors import InvalidGrant
from .keys import aware


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    family: str
    expires_at: datetime


@dataclass(frozen=True)
class ConsumedRefresh:
    user_id: str
    successor: IssuedRefresh


class RefreshTokenStore:
    def __init__(self, control: Engine, ttl_seconds: int) -> None:
        self.control = control
        self.ttl = timedelta(seconds=ttl_seconds)

    def issue(self, tenant_id: str, user_id: str, family: str | None = None) -> IssuedRefresh:
        with self.control.begin() as conn:
            return self._insert(conn, tenant_id, user_id, family or new_id(), utcnow())

    def _insert(
        self, conn: sa.Connection, tenant_id: str, user_id: str, family: str, now: datetime
    ) -> IssuedRefresh:
        token = secrets.token_urlsafe(32)
        expires_at = now + self.ttl
        conn.execute(
            cp.refresh_tokens.insert().values(
                id=token_id(token), tenant_id=tenant_id, user_id=user_id, expires_at=expires_at, family=family
            )
        )
        return IssuedRefresh(token, family, expires_at)

    def consume(self, tenant_id: str, token: str) -> ConsumedRefresh:
        """Use ``token`` once: mark it used and return its successor; reuse revokes the family."""
        table = cp.refresh_tokens
        now = utcnow()
        reused = False
        # Writers serialise: row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite, so two concurrent
        # uses of one token cannot both succeed: the second one sees it used.
        with self.control.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
            row = conn.execute(
                sa.select(table).where(table.c.id == token_id(token or "")).with_for_update()
            ).first()
            if row is None or row.tenant_id != tenant_id:
                raise InvalidGrant("refresh token is not valid")
            if row.used_at is not None:
                conn.execute(
                    table.update()
                    .where(table.c.family == row.family, table.c.used_at.is_(None))
                    .values(used_at=now)
                )
                reused = True
            elif aware(row.expires_at) <= now:  # type: ignore[operator]
                raise InvalidGrant("refresh token has expired")
            else:
                conn.execute(table.update().where(table.c.id == row.id).values(used_at=now))
                successor = self._insert(conn, tenant_id, row.user_id, row.family, now)
        if reused:  # raised after the commit, so the revocation sticks
            raise InvalidGrant(
                "refresh token was already used: every session of this login is revoked",
                code="refresh_token_reused",
            )
        return ConsumedRefresh(row.user_id, successor)

    def revoke_family_of(self, tenant_id: str, token: str) -> None:
        """Logout: the token and all its successors stop working."""
        table = cp.refresh_tokens
        with self.control.begin() as conn:
            row = conn.execute(
                sa.select(table.c.family, table.c.tenant_id).where(table.c.id == token_id(token))
            ).first()
            if row is None or row.tenant_id != tenant_id:
                return
            conn.execute(
                table.update()
                .where(table.c.family == row.family, table.c.used_at.is_(None))
                .values(used_at=utcnow())
            )

    def purge_expired(self) -> int:
        with self.control.begin() as conn:
            return conn.execute(
                cp.refresh_tokens.delete().where(cp.refresh_tokens.c.expires_at < utcnow())
            ).rowcount
