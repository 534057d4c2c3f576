"""The runtime settings' admin API: ``/api/v1/admin/settings/{key}`` for the caller's tenant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from genius.platform.auth.deps import require
from genius.platform.runtime_settings.service import EffectiveSetting, RuntimeSettings
from genius.platform.tenancy import TenantContext

# It changes the caller's tenant's values only. Installation-wide values reach every tenant, and
# every tenant has an admin holding ``*``: no tenant's token may change them, so the operator sets
# them through ``RuntimeSettings.put(..., scope="installation")``.
READ_PERMISSION = "admin.settings.read"
WRITE_PERMISSION = "admin.settings.write"

router = APIRouter(prefix="/api/v1/admin/settings", tags=["admin"])


class SettingOut(BaseModel):
    key: str
    value: Any
    source: str
    description: str
    per_tenant: bool
    tenant_value: Any
    installation_value: Any
    settings_value: Any
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def of(cls, setting: EffectiveSetting) -> SettingOut:
        return cls(**{name: getattr(setting, name) for name in cls.model_fields})


class SettingIn(BaseModel):
    value: Any = Field(description="Typed as the key's whitelist entry says")
    reason: str | None = Field(default=None, max_length=500, description="Why: kept in the audit record")


def runtime_store(request: Request) -> RuntimeSettings:
    """The process's runtime settings, from the platform the gateway put on ``app.state``."""
    return request.app.state.platform.runtime_settings  # type: ignore[no-any-return]


Reader = Annotated[TenantContext, Depends(require(READ_PERMISSION))]
Writer = Annotated[TenantContext, Depends(require(WRITE_PERMISSION))]
Store = Annotated[RuntimeSettings, Depends(runtime_store)]


@router.get("", response_model=list[SettingOut])
def list_settings(ctx: Reader, runtime: Store) -> list[SettingOut]:
    return [SettingOut.of(s) for s in runtime.all(ctx.tenant_id)]


@router.get("/{key}", response_model=SettingOut)
def get_setting(key: str, ctx: Reader, runtime: Store) -> SettingOut:
    return SettingOut.of(runtime.effective(key, ctx.tenant_id))


@router.put("/{key}", response_model=SettingOut)
def put_setting(key: str, body: SettingIn, ctx: Writer, runtime: Store) -> SettingOut:
    return SettingOut.of(runtime.put(ctx, key, body.value, reason=body.reason))


@router.delete("/{key}", response_model=SettingOut)
def delete_setting(key: str, ctx: Writer, runtime: Store, reason: str | None = None) -> SettingOut:
    return SettingOut.of(runtime.delete(ctx, key, reason=reason))
