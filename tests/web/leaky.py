"""A deliberately broken router (tests only): it trusts ids in the path over the caller's tenant.

The isolation sweep must report both of its routes; if it does not, the sweep proves nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from genius.platform.auth.deps import current_context
from genius.platform.db import controlplane as cp
from genius.platform.tenancy import TenantContext

router = APIRouter(prefix="/api/v1/leaky")


class Rename(BaseModel):
    display_name: str


@router.get("/users/{user_id}")
def read_any_user(
    user_id: str, request: Request, ctx: TenantContext = Depends(current_context)
) -> dict[str, Any]:
    with request.app.state.platform.control.connect() as conn:
        row = conn.execute(sa.select(cp.users).where(cp.users.c.id == user_id)).first()
    return {"email": row.email, "display_name": row.display_name} if row else {}


@router.put("/users/{user_id}")
def rename_any_user(
    user_id: str, body: Rename, request: Request, ctx: TenantContext = Depends(current_context)
) -> dict[str, str]:
    with request.app.state.platform.control.begin() as conn:
        conn.execute(cp.users.update().where(cp.users.c.id == user_id).values(display_name=body.display_name))
    return {"renamed": user_id}
