"""Outermost middleware: trace id, server span, access log, HTTP metrics and the last-resort 500.

The trace continues the caller's W3C ``traceparent`` when it is well formed, else starts a new
one; its id is bound to the logs, stored in ``scope["state"]["trace_id"]`` for error bodies and
sent back as ``X-Trace-Id`` on every response, errors included.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genius.platform.observability.logs import get_logger
from genius.platform.observability.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS
from genius.platform.observability.tracing import extract_trace_context, get_tracer
from genius.web.errors import ErrorBody, send_error

TRACE_HEADER = b"x-trace-id"
UNMATCHED_ROUTE = "<unmatched>"
# Metric children per (method, route, status), so a request costs no ``labels()`` lookups (a lock
# and a tuple each); past this many label sets (a client inventing methods) it starts over.
MAX_CACHED_LABELS = 1024

log = get_logger("genius.web.access")


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


def _trace_carrier(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    carrier: dict[str, str] = {}
    for name, value in headers:
        if name == b"traceparent" or name == b"tracestate":
            carrier[name.decode()] = value.decode("latin-1")
    return carrier


class TraceMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tracer = get_tracer()
        self._metrics: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def _metric_children(self, method: str, route: str, status: int) -> tuple[Any, Any]:
        key = (method, route, str(status))
        children = self._metrics.get(key)
        if children is None:
            if len(self._metrics) >= MAX_CACHED_LABELS:
                self._metrics.clear()
            children = (HTTP_REQUESTS.labels(*key), HTTP_LATENCY.labels(*key))
            self._metrics[key] = children
        return children

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = time.perf_counter()
        method: str = scope["method"]
        carrier = _trace_carrier(scope["headers"])
        parent = extract_trace_context(carrier) if carrier else None
        response: dict[str, Any] = {"status": 500, "started": False}
        # start_span + attach rather than start_as_current_span: the same span made current and
        # ended, without the two generator context managers around it.
        span = self.tracer.start_span(
            method,
            context=parent,
            kind=SpanKind.SERVER,
            record_exception=False,
            set_status_on_exception=False,
        )
        span_token = otel_context.attach(set_span_in_context(span))
        try:
            trace_id = format(span.get_span_context().trace_id, "032x")
            state = scope.setdefault("state", {})
            state["trace_id"] = trace_id
            trace_header = (TRACE_HEADER, trace_id.encode())

            async def send_with_trace(message: Message) -> None:
                if message["type"] == "http.response.start":
                    response["started"] = True
                    response["status"] = message["status"]
                    message = {**message, "headers": [*message.get("headers", ()), trace_header]}
                await send(message)

            HTTP_IN_FLIGHT.inc()
            # bind + reset rather than ``bound_contextvars`` (which first reads every bound value).
            bound = structlog.contextvars.bind_contextvars(trace_id=trace_id)
            try:
                await self.app(scope, receive, send_with_trace)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                log.error(
                    "unhandled error",
                    method=method,
                    path=scope.get("path"),
                    trace_id=trace_id,
                    exc_info=exc,
                )
                if response["started"]:
                    raise  # too late for an error body: let the server drop the connection
                await send_error(
                    send_with_trace,
                    ErrorBody(
                        500,
                        "internal_error",
                        f"internal server error; quote trace id {trace_id} when reporting it",
                        None,
                        trace_id,
                    ),
                )
            finally:
                structlog.contextvars.reset_contextvars(**bound)
                HTTP_IN_FLIGHT.dec()
                elapsed = time.perf_counter() - started_at
                status = response["status"]
                route = route_template(scope)
                span.update_name(f"{method} {route}")
                span.set_attributes(
                    {
                        "http.request.method": method,
                        "http.route": route,
                        "url.path": scope.get("path", ""),
                        "http.response.status_code": status,
                    }
                )
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                requests, latency = self._metric_children(method, route, status)
                requests.inc()
                latency.observe(elapsed)
                ctx = state.get("tenant_context")
                log.info(
                    "request",
                    method=method,
                    path=scope.get("path"),
                    route=route,
                    status=status,
                    duration_ms=round(elapsed * 1000, 3),
                    trace_id=trace_id,
                    tenant=getattr(ctx, "slug", None),
                    user_id=getattr(ctx, "user_id", None),
                )
        finally:
            otel_context.detach(span_token)
            span.end()
