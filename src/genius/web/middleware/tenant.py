"""Tenant and user binding: a bearer token is verified and its tenant context is put in force.

A request's tenant comes only from its verified token (never from a header, path or body): the
context goes to ``request.state.tenant_context`` and ``tenant_scope`` for the whole request, and
tenant and user are bound to the logs and the span. A bad token is refused here with 401; a
request without a token goes on, and the route's own dependency decides (public routes exist:
/healthz, the token endpoint, OpenID discovery).
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from anyio import to_thread
from opentelemetry import trace
from starlette.types import ASGIApp, Receive, Scope, Send

from genius.kernel.errors import AuthenticationFailed, GeniusError
from genius.platform.tenancy import TenantContext, tenant_scope
from genius.web.errors import genius_error_body, headers_for, send_error, trace_id_of

TokenVerifier = Callable[[str], TenantContext]
# The same verification from in-process caches only: None when it would have to read (no I/O).
CachedTokenVerifier = Callable[[str], TenantContext | None]


def bearer_token(scope: Scope) -> str | None:
    """The bearer token of the request; None without one, "" for ``Bearer`` with nothing after."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return token.strip()
            return None  # another scheme (Basic client authentication): the route decides
    return None


class TenantBindingMiddleware:
    def __init__(
        self, app: ASGIApp, *, verify: TokenVerifier, verify_cached: CachedTokenVerifier | None = None
    ) -> None:
        self.app = app
        self.verify = verify
        self.verify_cached = verify_cached

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = bearer_token(scope)
        if token is None:
            await self.app(scope, receive, send)
            return
        try:
            if not token:
                raise AuthenticationFailed(
                    "the Authorization header has no token after Bearer", code="token_invalid"
                )
            # A token seen a moment ago is re-checked from memory, on the event loop; a new one (or
            # a stale cache) reads the control plane (tenant, user, keys): off the event loop.
            ctx = self.verify_cached(token) if self.verify_cached is not None else None
            if ctx is None:
                ctx = await to_thread.run_sync(self.verify, token)
        except GeniusError as exc:
            # Expired, forged, of an unknown issuer, of a disabled tenant: refused here, so no
            # route ever runs with a token that did not verify.
            await send_error(send, genius_error_body(exc, trace_id_of(scope)), headers_for(exc))
            return
        scope.setdefault("state", {})["tenant_context"] = ctx
        attributes = {"genius.tenant": ctx.slug}
        if ctx.user_id:
            attributes["enduser.id"] = ctx.user_id
        trace.get_current_span().set_attributes(attributes)
        # bind + reset rather than ``bound_contextvars`` (which first reads every bound value).
        bound = structlog.contextvars.bind_contextvars(
            tenant=ctx.slug, tenant_id=ctx.tenant_id, user_id=ctx.user_id
        )
        try:
            with tenant_scope(ctx):
                await self.app(scope, receive, send)
        finally:
            structlog.contextvars.reset_contextvars(**bound)


__all__ = ["CachedTokenVerifier", "TenantBindingMiddleware", "TokenVerifier", "bearer_token"]
