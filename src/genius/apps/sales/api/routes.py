"""The one APIRouter every sales route module decorates (full paths, so access logs, metrics and
audit records name the real route template; nested routers would hide the prefix)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/sales", tags=["sales"])
