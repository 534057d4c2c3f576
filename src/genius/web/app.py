"""``create_app()``: the HTTP gateway, assembled from every area's router under ``/api/v1/<app>``.

Middleware, outermost first (pure ASGI, no per-request task or thread hop):

    TraceMiddleware          trace id in/out, server span, access log, metrics, last-resort 500
    BodyLimitMiddleware      413 over settings.max_body_bytes (declared or streamed)
    TenantBindingMiddleware  bearer token -> AuthService -> tenant_scope + request.state
    RateLimitMiddleware      token buckets per tenant and per user -> 429 + Retry-After
    AuditMiddleware          one audit record per POST/PUT/PATCH/DELETE (genius.platform.audit)
    (FastAPI: exception handlers -> the error shape; routers)

Routes reach the process's services through ``request.app.state.platform``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware import Middleware

from genius import __version__
from genius.apps.accounting.api import router as accounting_router
from genius.apps.accounting.assets.api import router as assets_router
from genius.apps.accounting.bank.api import router as bank_router
from genius.apps.accounting.saft.api import router as saft_router
from genius.apps.procurement.api import router as procurement_router
from genius.apps.sales.api import router as sales_router
from genius.apps.sales.documents.api import router as sales_documents_router
from genius.apps.sales.spv.api import router as sales_spv_router
from genius.bootstrap import Platform, build_platform, subscriber_factories
from genius.platform import flags, runtime_settings
from genius.platform.audit import AuditMiddleware
from genius.platform.audit import router as audit_router
from genius.platform.auth.api import router as auth_router
from genius.platform.bus.depth import watch as watch_queue_depth
from genius.platform.jobs.api import router as jobs_router
from genius.platform.observability.logs import configure_logging_for
from genius.platform.observability.tracing import configure_tracing
from genius.platform.ratelimit import LimitSource, RateLimiter, build_rate_limiter
from genius.web import health
from genius.web.errors import install_error_handlers
from genius.web.middleware import (
    BodyLimitMiddleware,
    RateLimitMiddleware,
    TenantBindingMiddleware,
    TraceMiddleware,
)

OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"


def create_app(
    platform: Platform | None = None,
    *,
    rate_limiter: RateLimiter | None = None,
    limits: LimitSource | None = None,
) -> FastAPI:
    """The ASGI app. Without ``platform`` one is built from settings and closed at shutdown."""
    owns_platform = platform is None
    platform = platform or build_platform()
    settings = platform.settings
    configure_logging_for(settings)
    configure_tracing("genius-api", settings.otlp_endpoint)
    limiter = rate_limiter or build_rate_limiter(settings)
    # Administrators override limits per tenant at runtime (runtime settings, cached briefly).
    limit_source = limits or platform.runtime_settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await limiter.aclose()
            if owns_platform:
                platform.close()

    app = FastAPI(
        title="Genius ERP",
        version=__version__,
        summary="Multi-tenant ERP for Romanian businesses: one API, one router per app.",
        openapi_url=OPENAPI_URL,
        docs_url=DOCS_URL,
        redoc_url=None,
        lifespan=lifespan,
        # Tracing and metrics are the gateway's own (TraceMiddleware); FastAPI's would double them.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        middleware=[
            Middleware(TraceMiddleware),
            Middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes),
            Middleware(
                TenantBindingMiddleware,
                verify=platform.auth.verify_access_token,
                verify_cached=platform.auth.verify_cached,
            ),
            Middleware(RateLimitMiddleware, limiter=limiter, limits=limit_source),
            # Innermost: every state-changing request that got past the limits is audited.
            Middleware(AuditMiddleware, trail=platform.audit),
        ],
    )
    app.state.platform = platform
    watch_queue_depth(platform.bus, subscriber_factories)  # genius_bus_queue_depth on /metrics
    app.state.rate_limiter = limiter
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth_router)
    # Each area's router, one line each (the area's helper adds its line when its router lands).
    app.include_router(audit_router)
    app.include_router(flags.router)
    app.include_router(runtime_settings.router)
    app.include_router(jobs_router)
    app.include_router(sales_router)
    app.include_router(sales_spv_router)
    app.include_router(sales_documents_router)
    app.include_router(procurement_router)
    app.include_router(accounting_router)
    app.include_router(bank_router)
    app.include_router(assets_router)
    app.include_router(saft_router)
    return app
