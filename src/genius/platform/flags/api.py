"""Admin API of feature flags: ``/api/v1/admin/flags[/{key}]`` (GET, PUT, DELETE), audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from genius.platform.auth.deps import require
from genius.platform.flags.model import Flag
from genius.platform.flags.service import UNSET, FeatureFlags, FlagChange
from genius.platform.tenancy import TenantContext

READ_PERMISSION = "admin.flags.read"
WRITE_PERMISSION = "admin.flags.write"

router = APIRouter(prefix="/api/v1/admin/flags", tags=["admin"])


def flag_store(request: Request) -> FeatureFlags:
    """The process's flag store, from the platform the gateway put on ``app.state``."""
    return request.app.state.platform.flags


class FlagOut(BaseModel):
    key: str
    enabled: bool
    rollout_percent: int
    segments: dict[str, Any]
    killed: bool
    description: str | None
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def of(cls, flag: Flag) -> FlagOut:
        return cls(
            key=flag.key,
            enabled=flag.enabled,
            rollout_percent=flag.rollout_percent,
            segments=flag.segments.as_json(),
            killed=flag.killed,
            description=flag.description,
            updated_at=flag.updated_at,
            updated_by=flag.updated_by,
        )


class FlagIn(BaseModel):
    """Fields left out keep their current value (a new flag starts off, 0 %, no segments)."""

    enabled: bool | None = None
    rollout_percent: int | None = Field(default=None, ge=0, le=100)
    segments: dict[str, Any] | None = Field(
        default=None, description='{"users": [...], "roles": [...], "attributes": {"branch": ["CJ"]}}'
    )
    killed: bool | None = Field(default=None, description="Kill switch: off for everyone while set")
    description: str | None = Field(default=None, max_length=1000)
    reason: str | None = Field(default=None, max_length=500, description="Why: kept in the audit record")


Reader = Annotated[TenantContext, Depends(require(READ_PERMISSION))]
Writer = Annotated[TenantContext, Depends(require(WRITE_PERMISSION))]
Store = Annotated[FeatureFlags, Depends(flag_store)]


@router.get("", response_model=list[FlagOut])
def list_flags(ctx: Reader, flags: Store) -> list[FlagOut]:
    return [FlagOut.of(f) for f in flags.list(ctx)]


@router.get("/{key}", response_model=FlagOut)
def get_flag(key: str, ctx: Reader, flags: Store) -> FlagOut:
    return FlagOut.of(flags.get(ctx, key))


@router.put("/{key}", response_model=FlagOut)
def put_flag(key: str, body: FlagIn, ctx: Writer, flags: Store) -> FlagOut:
    sent = body.model_fields_set
    change = FlagChange(
        enabled=body.enabled,
        rollout_percent=body.rollout_percent,
        segments=body.segments if "segments" in sent else UNSET,
        killed=body.killed,
        description=body.description if "description" in sent else UNSET,
        reason=body.reason,
    )
    return FlagOut.of(flags.put(ctx, key, change))


@router.delete("/{key}", status_code=204)
def delete_flag(key: str, ctx: Writer, flags: Store, reason: str | None = None) -> None:
    flags.delete(ctx, key, reason=reason)
