"""What token verification remembers between requests: control-plane rows and checked signatures.

Verifying a bearer token used to read the control plane twice (the tenant by slug, the user by
id) and check the ECDSA signature on every request. This cache keeps, per process:

* tenant rows by slug and user rows by (tenant id, user id), each for ``CONTROL_CACHE_SECONDS``
  (the staleness window: a tenant suspended or a user disabled by *another* process, or by a
  direct database change, is refused here at most that long afterwards; a change made through
  this process's ``UserService`` is seen at once, the entry is dropped);
* tokens whose signature and claims were checked, with their claims (bounded; the signature of
  the same token string under the same ``kid`` cannot change, a kid being its key's thumbprint).
  A hit still re-checks everything that can change: the key still verifies (rotation grace,
  unknown kid), the tenant is active, the user exists and is active, exp/nbf/iat against now.

The signing keys have their own cache in ``keys.SigningKeyStore`` (``KEY_CACHE_SECONDS``, dropped
at once on a rotation made by this process). Refresh tokens are never cached: revoking a refresh
token family stops the next refresh everywhere at once.

Times come from ``genius.kernel.clock`` so tests can step over the window; an entry loaded "in
the future" of a clock moved back counts as stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from genius.kernel.clock import utcnow

# How long a process trusts a tenant or user row it read for verification (seconds): the window in
# which a suspension or a disabled user decided elsewhere is not yet refused here.
CONTROL_CACHE_SECONDS = 5.0
# Bound of each map; reaching it empties the map (a flood of distinct tokens cannot grow memory).
MAX_ENTRIES = 10_000

T = TypeVar("T")


@dataclass(frozen=True)
class CheckedToken:
    """A token whose signature, issuer, audience and tenant claims were checked once."""

    slug: str
    kid: str
    algorithm: str
    claims: dict[str, Any]


class _TimedMap(Generic[T]):
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> tuple[bool, T | None]:
        entry = self._items.get(key)
        if entry is None:
            return False, None
        age = utcnow().timestamp() - entry[0]
        if not 0 <= age < self.ttl:
            return False, None
        return True, entry[1]

    def put(self, key: Any, value: T) -> None:
        with self._lock:
            if len(self._items) >= MAX_ENTRIES:
                self._items.clear()
            self._items[key] = (utcnow().timestamp(), value)

    def drop(self, match: Callable[[Any], bool]) -> None:
        with self._lock:
            for key in [k for k in self._items if match(k)]:
                del self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class VerificationCache:
    """Tenant rows, user rows and checked tokens, each trusted for ``ttl`` seconds."""

    def __init__(self, ttl: float = CONTROL_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._tenants: _TimedMap[Any] = _TimedMap(ttl)
        self._users: _TimedMap[Any] = _TimedMap(ttl)
        self._tokens: _TimedMap[CheckedToken] = _TimedMap(ttl)

    def tenant(self, slug: str, load: Callable[[str], T]) -> T:
        """The tenant row (or None for an unknown slug) of ``load``, read at most every ``ttl``."""
        found, value = self._tenants.get(slug)
        if not found:
            value = load(slug)
            self._tenants.put(slug, value)
        return value  # type: ignore[return-value]

    def cached_tenant(self, slug: str) -> tuple[bool, Any]:
        return self._tenants.get(slug)

    def user(self, tenant_id: str, user_id: str, load: Callable[[str, str], T]) -> T:
        found, value = self._users.get((tenant_id, user_id))
        if not found:
            value = load(tenant_id, user_id)
            self._users.put((tenant_id, user_id), value)
        return value  # type: ignore[return-value]

    def cached_user(self, tenant_id: str, user_id: str) -> tuple[bool, Any]:
        return self._users.get((tenant_id, user_id))

    def token(self, token: str) -> CheckedToken | None:
        return self._tokens.get(token)[1]

    def remember_token(self, token: str, checked: CheckedToken) -> None:
        self._tokens.put(token, checked)

    # -- invalidation (changes made through this process) ----------------------------------------
    def forget_user(self, user_id: str) -> None:
        self._users.drop(lambda key: key[1] == user_id)

    def forget_tenant(self, slug: str) -> None:
        self._tenants.drop(lambda key: key == slug)

    def clear(self) -> None:
        for part in (self._tenants, self._users, self._tokens):
            part.clear()


__all__ = ["CONTROL_CACHE_SECONDS", "CheckedToken", "VerificationCache"]
