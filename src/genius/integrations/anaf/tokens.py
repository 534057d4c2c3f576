"""Where a tenant's ANAF tokens live and how a valid access token is obtained for each call.

``TokenStore`` (load/save/delete per CUI) has two implementations: ``InMemoryTokenStore`` (tests,
the sandbox) and ``SealedTokenStore``, which keeps the tokens in the tenant database (component
``anaf``, table ``anaf_oauth_tokens``) sealed with AES-256-GCM under
``derive_key(master_key, "tenant:<id>:anaf-tokens")``, the tenant and CUI bound as associated
data so a copied row opens nowhere else. Expiry columns stay in clear: a dashboard or a job can
see what is due without opening a secret.

``TokenManager.access_token()`` is the ``AccessTokenSource`` the e-Factura client calls: it
refreshes ahead of expiry (``anaf_token_refresh_days``) and stores the NEW refresh token at once;
``save`` is compare-and-set on a version, so two workers refreshing together keep one result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Column, DateTime, Engine, Integer, LargeBinary, MetaData, String, Table, select

from genius.integrations.anaf.errors import AnafAuthError
from genius.integrations.anaf.oauth import AnafOAuthClient, TokenSet, TokenStatus
from genius.kernel.errors import Conflict
from genius.platform.crypto import derive_key, open_sealed, seal
from genius.platform.db.engine import SQLITE_IMMEDIATE

ANAF_SCHEMA = "anaf"
metadata = MetaData(schema=ANAF_SCHEMA)

anaf_oauth_tokens = Table(
    "anaf_oauth_tokens",
    metadata,
    Column("cui", String(12), primary_key=True),  # numeric CUI the grant serves (no RO)
    Column("access_token_sealed", LargeBinary, nullable=False),
    Column("refresh_token_sealed", LargeBinary, nullable=False),
    Column("access_expires_at", DateTime(timezone=True), nullable=False),
    Column("refresh_expires_at", DateTime(timezone=True), nullable=False),
    Column("obtained_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class StoredTokens:
    """A token set as stored, with its version for compare-and-set."""

    cui: str
    tokens: TokenSet
    version: int


@dataclass(frozen=True)
class TokenExpiry:
    """The clear part of a stored grant: what a status page or a reminder job needs."""

    cui: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    obtained_at: datetime


class TokenStore(Protocol):
    def load(self, cui: str) -> StoredTokens | None: ...

    def save(self, cui: str, tokens: TokenSet, *, expected_version: int | None) -> StoredTokens:
        """Store; ``expected_version`` None inserts or overwrites, else must match (``Conflict``)."""

    def delete(self, cui: str) -> None: ...

    def expiries(self) -> list[TokenExpiry]: ...


class InMemoryTokenStore:
    def __init__(self) -> None:
        self._rows: dict[str, StoredTokens] = {}
        self._lock = threading.Lock()

    def load(self, cui: str) -> StoredTokens | None:
        with self._lock:
            return self._rows.get(cui)

    def save(self, cui: str, tokens: TokenSet, *, expected_version: int | None) -> StoredTokens:
        with self._lock:
            current = self._rows.get(cui)
            if expected_version is not None and (current is None or current.version != expected_version):
                raise Conflict(f"ANAF tokens of CUI {cui} changed meanwhile", code="anaf_tokens_changed")
            stored = StoredTokens(cui, tokens, (current.version if current else 0) + 1)
            self._rows[cui] = stored
            return stored

    def delete(self, cui: str) -> None:
        with self._lock:
            self._rows.pop(cui, None)

    def expiries(self) -> list[TokenExpiry]:
        with self._lock:
            return [_expiry(row) for row in self._rows.values()]


def _expiry(row: StoredTokens) -> TokenExpiry:
    t = row.tokens
    return TokenExpiry(row.cui, t.access_expires_at, t.refresh_expires_at, t.obtained_at)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every value written here is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class SealedTokenStore:
    """Tokens in the tenant database, sealed with a key derived from the master key."""

    def __init__(self, engine: Engine, master_key: bytes, tenant_id: str) -> None:
        self._engine = engine
        self._tenant_id = tenant_id
        self._key = derive_key(master_key, f"tenant:{tenant_id}:anaf-tokens")

    def _aad(self, cui: str, column: str) -> bytes:
        return f"{self._tenant_id}|anaf_oauth_tokens|{cui}|{column}".encode()

    def load(self, cui: str) -> StoredTokens | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(anaf_oauth_tokens).where(anaf_oauth_tokens.c.cui == cui)).first()
        if row is None:
            return None
        tokens = TokenSet(
            access_token=open_sealed(self._key, row.access_token_sealed, self._aad(cui, "access")).decode(),
            refresh_token=open_sealed(
                self._key, row.refresh_token_sealed, self._aad(cui, "refresh")
            ).decode(),
            access_expires_at=_aware(row.access_expires_at),
            refresh_expires_at=_aware(row.refresh_expires_at),
            obtained_at=_aware(row.obtained_at),
        )
        return StoredTokens(cui, tokens, row.version)

    def save(self, cui: str, tokens: TokenSet, *, expected_version: int | None) -> StoredTokens:
        values = {
            "access_token_sealed": seal(self._key, tokens.access_token.encode(), self._aad(cui, "access")),
            "refresh_token_sealed": seal(self._key, tokens.refresh_token.encode(), self._aad(cui, "refresh")),
            "access_expires_at": tokens.access_expires_at,
            "refresh_expires_at": tokens.refresh_expires_at,
            "obtained_at": tokens.obtained_at,
            "updated_at": datetime.now(UTC),
        }
        table = anaf_oauth_tokens
        with self._engine.execution_options(**{SQLITE_IMMEDIATE: True}).begin() as conn:
            current = conn.execute(select(table.c.version).where(table.c.cui == cui)).scalar()
            if expected_version is not None and current != expected_version:
                raise Conflict(f"ANAF tokens of CUI {cui} changed meanwhile", code="anaf_tokens_changed")
            if current is None:
                conn.execute(table.insert().values(cui=cui, version=1, **values))
                version = 1
            else:
                updated = conn.execute(
                    table.update()
                    .where(table.c.cui == cui, table.c.version == current)
                    .values(version=current + 1, **values)
                )
                if updated.rowcount != 1:
                    raise Conflict(f"ANAF tokens of CUI {cui} changed meanwhile", code="anaf_tokens_changed")
                version = current + 1
        return StoredTokens(cui, tokens, version)

    def delete(self, cui: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(anaf_oauth_tokens.delete().where(anaf_oauth_tokens.c.cui == cui))

    def expiries(self) -> list[TokenExpiry]:
        t = anaf_oauth_tokens
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(t.c.cui, t.c.access_expires_at, t.c.refresh_expires_at, t.c.obtained_at).order_by(
                    t.c.cui
                )
            ).all()
        return [
            TokenExpiry(
                r.cui, _aware(r.access_expires_at), _aware(r.refresh_expires_at), _aware(r.obtained_at)
            )
            for r in rows
        ]


class AccessTokenSource(Protocol):
    """What the e-Factura client asks before each call; ``invalidate`` after ANAF answers 401."""

    def access_token(self) -> str: ...

    def invalidate(self) -> None: ...


class StaticAccessToken:
    """A fixed token (scripts, tests). ``invalidate`` cannot help: the next 401 surfaces."""

    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        return None


class TokenManager:
    """Valid access tokens for one CUI: loads, refreshes ahead of expiry, stores the new grant."""

    def __init__(
        self,
        oauth: AnafOAuthClient,
        store: TokenStore,
        cui: str,
        *,
        refresh_margin: timedelta = timedelta(days=10),
        warn_window: timedelta = timedelta(days=30),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_warning: Callable[[str, TokenStatus, TokenSet], None] | None = None,
    ) -> None:
        self._oauth = oauth
        self._store = store
        self.cui = cui
        self._margin = refresh_margin
        self._warn = warn_window
        self._clock = clock
        self._on_warning = on_warning
        self._lock = threading.Lock()
        self._force_refresh = False

    def authorize_with_code(self, code: str) -> StoredTokens:
        """Finish the browser flow: exchange the callback code and store the grant."""
        tokens = self._oauth.exchange_code(code, now=self._clock())
        return self._store.save(self.cui, tokens, expected_version=None)

    def status(self) -> TokenStatus | None:
        stored = self._store.load(self.cui)
        if stored is None:
            return None
        return stored.tokens.status(self._clock(), refresh_margin=self._margin, warn=self._warn)

    def current(self) -> TokenSet:
        """The stored grant, refreshed first when due; ``AnafAuthError`` when someone must authorize."""
        with self._lock:
            stored = self._store.load(self.cui)
            if stored is None:
                raise AnafAuthError(
                    f"no ANAF authorization for CUI {self.cui}: authorize with the qualified certificate "
                    "first",
                    family="oauth",
                    oauth_error="not_authorized",
                )
            now = self._clock()
            tokens = stored.tokens
            if self._force_refresh or tokens.needs_refresh(now, self._margin):
                tokens = self._refresh(stored, now)
                self._force_refresh = False
            status = tokens.status(now, refresh_margin=self._margin, warn=self._warn)
            if status in (TokenStatus.REAUTHORIZE_SOON, TokenStatus.EXPIRED) and self._on_warning:
                self._on_warning(self.cui, status, tokens)
            if not tokens.access_valid(now):
                raise AnafAuthError(
                    f"ANAF access token of CUI {self.cui} expired and cannot be refreshed: authorize again",
                    family="oauth",
                    oauth_error="expired",
                )
            return tokens

    def _refresh(self, stored: StoredTokens, now: datetime) -> TokenSet:
        if not stored.tokens.refresh_valid(now):
            if stored.tokens.access_valid(now):
                return stored.tokens  # keep using it; the warning tells someone to authorize again
            raise AnafAuthError(
                f"ANAF refresh token of CUI {self.cui} expired on "
                f"{stored.tokens.refresh_expires_at:%Y-%m-%d}: "
                "authorize again with the qualified certificate",
                family="oauth",
                oauth_error="expired",
            )
        try:
            fresh = self._oauth.refresh(stored.tokens.refresh_token, now=now)
        except AnafAuthError:
            # Another process may have used this refresh token first (ANAF rotates it): its
            # stored grant is then the current one.
            latest = self._store.load(self.cui)
            if latest is not None and latest.version != stored.version and latest.tokens.access_valid(now):
                return latest.tokens
            raise
        try:
            return self._store.save(self.cui, fresh, expected_version=stored.version).tokens
        except Conflict:
            # Another worker refreshed meanwhile and stored its grant: that one is current.
            latest = self._store.load(self.cui)
            return latest.tokens if latest else fresh

    def access_token(self) -> str:
        return self.current().access_token

    def invalidate(self) -> None:
        """ANAF said 401: refresh on the next call even if the token looks valid."""
        with self._lock:
            self._force_refresh = True


__all__ = [
    "ANAF_SCHEMA",
    "AccessTokenSource",
    "InMemoryTokenStore",
    "SealedTokenStore",
    "StaticAccessToken",
    "StoredTokens",
    "TokenExpiry",
    "TokenManager",
    "TokenStore",
    "anaf_oauth_tokens",
]
