"""Runtime settings: the top configuration layer, changed by administrators without a restart.

Layers, lowest first: code defaults < genius.toml < GENIUS_* environment < secret files / Vault
(all in ``genius.platform.settings``) < the installation-wide row of ``control.runtime_settings``
(``tenant_id`` null) < the tenant's own row. Only keys of the typed whitelist ``SETTINGS`` may be
stored; values are validated by type and range, unknown keys are refused. Reads are cached per
tenant for ``RUNTIME_CACHE_SECONDS``; a change here drops the cache at once, other processes see
it within that time. Every change writes an audit record (before/after, who, why) in the acting
caller's tenant while the control-plane transaction is open, so nothing changes unaudited.

The gateway's rate limiter reads ``effective_rate_limits(tenant_id)`` (or ``RuntimeSettings`` as
its ``LimitSource``); the admin API is ``router`` (``/api/v1/admin/settings/{key}``).

Modules: ``model`` (the whitelist ``SETTINGS`` and ``SettingSpec``), ``service``
(``RuntimeSettings``: layered reads, audited changes), ``api`` (the admin router). The process's
store (``use``, ``installed``, ``effective_rate_limits``) lives here.
"""

from __future__ import annotations

from genius.kernel.errors import GeniusError
from genius.platform.runtime_settings.api import router
from genius.platform.runtime_settings.model import (
    RATE_LIMIT_KEYS,
    SETTINGS,
    SettingSpec,
    UnknownSetting,
    spec_for,
)
from genius.platform.runtime_settings.service import (
    RUNTIME_CACHE_SECONDS,
    EffectiveSetting,
    RuntimeSettings,
    Scope,
    SettingNotSet,
    Source,
)
from genius.platform.settings import RateLimitSettings

__all__ = [
    "RATE_LIMIT_KEYS",
    "RUNTIME_CACHE_SECONDS",
    "SETTINGS",
    "EffectiveSetting",
    "RuntimeSettings",
    "RuntimeSettingsNotConfigured",
    "Scope",
    "SettingNotSet",
    "SettingSpec",
    "Source",
    "UnknownSetting",
    "effective_rate_limits",
    "installed",
    "router",
    "spec_for",
    "use",
]


class RuntimeSettingsNotConfigured(GeniusError):
    """``installed()`` was asked before bootstrap installed the process's store."""

    code = "runtime_settings_not_configured"


# The process's store, for callers that hold no Platform.
_store: RuntimeSettings | None = None


def use(store: RuntimeSettings | None) -> None:
    """Install the process's runtime settings (bootstrap does this; ``None`` removes it)."""
    global _store
    _store = store


def installed() -> RuntimeSettings:
    if _store is None:
        raise RuntimeSettingsNotConfigured(
            "no runtime settings installed: build the platform first (bootstrap)"
        )
    return _store


def effective_rate_limits(tenant_id: str | None) -> RateLimitSettings:
    """Rate limits in force for a tenant: its row > installation row > settings (cached briefly)."""
    return installed().rate_limits(tenant_id)
