"""The gateway's pure ASGI middleware, outermost first: trace, body limit, tenant, rate limit."""

from __future__ import annotations

from genius.web.middleware.body_limit import BodyLimitMiddleware
from genius.web.middleware.rate_limit import RateLimitMiddleware
from genius.web.middleware.tenant import TenantBindingMiddleware
from genius.web.middleware.trace import TraceMiddleware

__all__ = ["BodyLimitMiddleware", "RateLimitMiddleware", "TenantBindingMiddleware", "TraceMiddleware"]
