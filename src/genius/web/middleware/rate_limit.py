"""Token-bucket rate limiting per tenant and per user, after the tenant binding; 429 + Retry-After.

Requests without a tenant context (public routes) and system contexts are not limited here; the
token endpoint limits failed logins itself. If the limiter's store is down the request goes
through (fail open, logged): an outage of Redis must not take the API down with it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from genius.platform.observability.logs import get_logger
from genius.platform.observability.metrics import RATE_LIMITED
from genius.platform.ratelimit import LimitSource, RateLimiter, RequestBuckets
from genius.platform.tenancy import TenantContext
from genius.web.errors import ErrorBody, send_error, trace_id_of

log = get_logger("genius.web.ratelimit")


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, limits: LimitSource) -> None:
        self.app = app
        self.limiter = limiter
        self.limits = limits
        self.buckets = RequestBuckets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.get("state")
        ctx = state.get("tenant_context") if scope["type"] == "http" and isinstance(state, dict) else None
        if not isinstance(ctx, TenantContext) or ctx.system:
            await self.app(scope, receive, send)
            return
        try:
            limits = self.limits.limits_for(ctx.tenant_id)
            buckets = self.buckets.for_request(ctx.tenant_id, ctx.user_id, limits)
            decision = await self.limiter.acquire(buckets)
        except Exception as exc:  # the store or the limits are unreadable: serve, and say so in the logs
            log.warning("rate limiter unavailable; request not limited", error=repr(exc))
            await self.app(scope, receive, send)
            return
        if decision.allowed:
            await self.app(scope, receive, send)
            return
        kind = "user" if decision.limited_by and ":user:" in decision.limited_by else "tenant"
        RATE_LIMITED.labels(kind).inc()
        retry_after = decision.retry_after_header
        body = ErrorBody(
            429,
            "rate_limited",
            f"too many requests for this {kind}; retry after {retry_after} s",
            {"limit": kind, "retry_after": int(retry_after)},
            trace_id_of(scope),
        )
        await send_error(send, body, [("Retry-After", retry_after)])
