"""HTTP endpoints of the built-in issuer: token grants, discovery document and JWKS per realm.

* ``POST /api/v1/auth/token`` (and the realm alias ``/realms/{tenant}/protocol/openid-connect/token``)
  with ``grant_type`` ``password`` (tenant, username, password) or ``refresh_token`` (tenant,
  refresh_token); JSON or form body; ``client_id`` optional.
* ``POST /api/v1/auth/logout``: revokes the refresh token's family.
* ``GET /realms/{tenant}/.well-known/openid-configuration`` and
  ``GET /realms/{tenant}/protocol/openid-connect/certs``.
* ``GET /api/v1/auth/me``: the caller's context (a quick check that a token works).

These routes are public (no bearer token needed) except ``/me``. Errors are raised as
GeniusErrors and rendered by the gateway's handlers (``genius.web.errors``): a login over the
failure limit is TooManyAttempts (``http_status`` 429, ``retry_after`` -> ``Retry-After``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from genius.kernel.errors import ValidationError
from genius.platform.tenancy import TenantContext

from .deps import auth_service, current_context
from .service import AuthService

router = APIRouter(tags=["auth"])

GRANT_TYPES = ("password", "refresh_token")


async def _form_or_json(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            data: Any = await request.json()
        except ValueError:
            raise ValidationError.for_field("body", "is not valid JSON") from None
        if not isinstance(data, dict):
            raise ValidationError.for_field("body", "send a JSON object")
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data = dict(await request.form())
    else:
        raise ValidationError.for_field(
            "body",
            "send application/json or application/x-www-form-urlencoded",
            code="unsupported_media_type",
        )
    result: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValidationError.for_field(str(key), "must be a string")
        result[str(key)] = value
    return result


def _grant(auth: AuthService, body: dict[str, str], client_ip: str | None) -> dict[str, Any]:
    grant_type = body.get("grant_type") or ("refresh_token" if "refresh_token" in body else "password")
    if grant_type not in GRANT_TYPES:
        raise ValidationError.for_field(
            "grant_type",
            f"{grant_type!r} is not supported; use password or refresh_token",
            "unsupported_grant_type",
        )
    tenant, client_id = body.get("tenant", ""), body.get("client_id") or None
    if grant_type == "password":
        pair = auth.password_grant(
            tenant,
            body.get("username", ""),
            body.get("password", ""),
            client_ip=client_ip,
            client_id=client_id,
        )
    else:
        pair = auth.refresh_grant(tenant, body.get("refresh_token", ""), client_id=client_id)
    return pair.as_dict()


async def _token(request: Request, path_tenant: str | None) -> Response:
    body = await _form_or_json(request)
    if path_tenant is not None:
        if body.get("tenant") not in (None, "", path_tenant):
            raise ValidationError.for_field("tenant", "differs from the realm in the URL")
        body["tenant"] = path_tenant
    client_ip = request.client.host if request.client else None
    payload = await run_in_threadpool(_grant, auth_service(request), body, client_ip)
    # RFC 6749 §5.1: token responses must not be cached.
    return JSONResponse(payload, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.post("/api/v1/auth/token")
async def token(request: Request) -> Response:
    """Password or refresh-token grant for the tenant named in the body."""
    return await _token(request, None)


@router.post("/realms/{tenant}/protocol/openid-connect/token")
async def realm_token(tenant: str, request: Request) -> Response:
    """The same grants, with the tenant taken from the realm path (Keycloak-style clients)."""
    return await _token(request, tenant)


@router.post("/api/v1/auth/logout", status_code=204)
async def logout(request: Request) -> Response:
    body = await _form_or_json(request)
    await run_in_threadpool(
        auth_service(request).logout, body.get("tenant", ""), body.get("refresh_token", "")
    )
    return Response(status_code=204)


@router.get("/realms/{tenant}/.well-known/openid-configuration")
async def discovery(tenant: str, request: Request) -> Response:
    doc = await run_in_threadpool(auth_service(request).discovery, tenant)
    return JSONResponse(doc, headers={"Cache-Control": "public, max-age=300"})


@router.get("/realms/{tenant}/protocol/openid-connect/certs")
async def certs(tenant: str, request: Request) -> Response:
    jwks = await run_in_threadpool(auth_service(request).jwks, tenant)
    # Short: a rotated-in key must reach verifiers soon (they also refetch on an unknown kid).
    return JSONResponse(jwks, headers={"Cache-Control": "public, max-age=60"})


@router.get("/api/v1/auth/me")
def me(ctx: TenantContext = Depends(current_context)) -> dict[str, Any]:
    return {
        "tenant": ctx.slug,
        "tenant_id": ctx.tenant_id,
        "user_id": ctx.user_id,
        "roles": list(ctx.roles),
        "attributes": ctx.attributes,
    }
