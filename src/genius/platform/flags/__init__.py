"""Feature flags: per-tenant switches with percentage rollout, segment targeting and kill switches.

Code asks one question through one function: ``is_enabled(flag_key, ctx)``. It answers from the
process's ``FeatureFlags`` store, which bootstrap installs with ``use()``; the rules are in
``genius.platform.flags.model``. Administrators change flags at runtime through ``router``
(``/api/v1/admin/flags/{key}``); every change is audited with before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from genius.kernel.errors import GeniusError
from genius.platform.flags.model import Flag, Segments, bucket, evaluate
from genius.platform.flags.service import FLAG_CACHE_SECONDS, FeatureFlags, FlagChange, FlagNotFound
from genius.platform.tenancy import TenantContext

if TYPE_CHECKING:
    from fastapi import APIRouter

__all__ = [
    "FLAG_CACHE_SECONDS",
    "FeatureFlags",
    "Flag",
    "FlagChange",
    "FlagNotFound",
    "FlagsNotConfigured",
    "Segments",
    "bucket",
    "evaluate",
    "is_enabled",
    "router",
    "use",
]


class FlagsNotConfigured(GeniusError):
    """``is_enabled`` was asked before bootstrap installed the process's flag store."""

    code = "flags_not_configured"


_store: FeatureFlags | None = None


def use(store: FeatureFlags | None) -> None:
    """Install the process's flag store (bootstrap does this; ``None`` removes it)."""
    global _store
    _store = store


def is_enabled(flag_key: str, ctx: TenantContext) -> bool:
    """Is ``flag_key`` on for the caller in ``ctx``? Unknown flags are off."""
    if _store is None:
        raise FlagsNotConfigured("no feature-flag store installed: build the platform first (bootstrap)")
    return _store.is_enabled(flag_key, ctx)


def __getattr__(name: str) -> Any:
    # The admin API loads on first use, so workers and the CLI never import FastAPI through here.
    if name == "router":
        from genius.platform.flags.api import router

        return router
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    router: APIRouter
