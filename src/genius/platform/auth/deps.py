"""FastAPI dependencies: who is calling (``current_context``) and may they (``require``).

The gateway middleware verifies the bearer token and leaves the result in
``request.state.tenant_context`` (and binds the tenant scope); when it has not run, these
dependencies verify the token themselves. The AuthService is found at ``app.state.auth`` or
``app.state.platform.auth``. Errors are GeniusErrors (401/403); the gateway renders them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from genius.kernel.errors import AuthenticationFailed
from genius.platform.tenancy import TenantContext

from .policy import validate_permission
from .service import AuthService

ResourceSource = Mapping[str, Any] | Callable[[Request], Mapping[str, Any] | Awaitable[Mapping[str, Any]]]


def auth_service(request: Request) -> AuthService:
    state = request.app.state
    auth = getattr(state, "auth", None) or getattr(getattr(state, "platform", None), "auth", None)
    if auth is None:
        raise RuntimeError(
            "the app has no AuthService: set app.state.auth (or app.state.platform) in create_app"
        )
    return auth  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive, RFC 6750)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def current_context(request: Request) -> TenantContext:
    """The caller's TenantContext; 401 (``not_authenticated``) without a valid bearer token.

    The gateway has usually verified the token already (no work here). Otherwise verification
    runs in the thread pool, since it may read the control plane or fetch an external issuer's
    keys.
    """
    ctx = getattr(request.state, "tenant_context", None)
    if isinstance(ctx, TenantContext):
        return ctx
    token = bearer_token(request)
    if token is None:
        raise AuthenticationFailed(
            "sign in first: send Authorization: Bearer <access token>", code="not_authenticated"
        )
    ctx = await run_in_threadpool(auth_service(request).verify_access_token, token)
    request.state.tenant_context = ctx
    return ctx


def require(
    permission: str, resource: ResourceSource | None = None
) -> Callable[..., Awaitable[TenantContext]]:
    """A dependency that returns the caller's context after ``Authorizer.check`` (403 when denied).

    ``resource``: the attributes ABAC rules look at, as a mapping or a function of the request
    (sync or async), e.g. ``lambda r: {"branch": r.path_params["branch"]}``. Without it only the
    role check runs; handlers then authorize again with the loaded object.
    """
    validate_permission(permission)  # a typo fails at import time, not at the first request

    async def dependency(request: Request, ctx: TenantContext = Depends(current_context)) -> TenantContext:
        attrs: Mapping[str, Any] | None
        if callable(resource):
            produced = resource(request)
            attrs = await produced if inspect.isawaitable(produced) else produced
        else:
            attrs = resource
        authorizer = auth_service(request).authorizer
        # Allowed by built-in roles alone: decided here, no read. Otherwise the decision may read
        # the tenant's own roles and write the denial to the audit trail: off the event loop.
        if not authorizer.allows_locally(ctx, permission, attrs):
            await run_in_threadpool(authorizer.check, ctx, permission, attrs)
        return ctx

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency
