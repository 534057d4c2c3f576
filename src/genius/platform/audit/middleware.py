"""Request auditing: every state-changing HTTP request leaves one audit record, success or not.

Mount it innermost (after trace, tenant binding and rate limiting, just before the routes): it
reads what the outer layers put in ``scope["state"]`` (``tenant_context``, ``trace_id``,
optionally ``client_ip`` from a trusted proxy) and the matched route (``scope["route"]``) after
the request has run. The record says ``action = "<METHOD> <route template>"``, the resource (the
route's static segments and its last path parameter), the status code as the result, client IP,
trace id, user and tenant.

Requests without a tenant context (the token endpoint; a failed login above all) are audited in
the tenant they name, when it exists: a route may set ``request.state.audit_tenant`` (slug) and
``request.state.audit_user`` itself, else the tenant is taken from the path parameter ``tenant``
or from the body fields ``tenant``/``tenant_slug``/``realm`` (JSON or form) and the user from
``username``/``email``. Nothing else of a body is ever read into the record (never a password).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

import anyio
import sqlalchemy as sa
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genius.platform.audit.pending import PendingRequestRecord, request_record_pending
from genius.platform.audit.trail import AuditEntry, AuditTrail
from genius.platform.db import controlplane as cp
from genius.platform.observability.logs import get_logger
from genius.platform.tenancy import TenantContext

log = get_logger("genius.audit.requests")

STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Bodies of tenant-less requests are kept up to this size to find the tenant they name; a login
# form is a few hundred bytes.
MAX_CAPTURED_BODY = 16 * 1024
TENANT_FIELDS = ("tenant", "tenant_slug", "realm")
USER_FIELDS = ("username", "email")
# Optional business reason sent by a client ("why"), kept as the record's reason.
REASON_HEADER = b"x-audit-reason"
MAX_REASON = 500
API_PREFIX = "/api/v1/"


class AuditMiddleware:
    """Pure ASGI middleware; ``trail`` defaults to ``app.state.platform.audit`` at request time."""

    def __init__(self, app: ASGIApp, *, trail: AuditTrail | None = None) -> None:
        self.app = app
        self.trail = trail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in STATE_CHANGING_METHODS:
            await self.app(scope, receive, send)
            return
        status = 500  # an exception before the response starts is a server error
        body = bytearray()
        # Mounted after the tenant binding, a request with a verified token already has its
        # context: its body is never looked at. Only tenant-less requests keep their first bytes.
        state = scope.get("state")
        capture = not (isinstance(state, dict) and isinstance(state.get("tenant_context"), TenantContext))

        async def capturing_receive() -> Message:
            message = await receive()
            if capture and message["type"] == "http.request" and len(body) < MAX_CAPTURED_BODY:
                body.extend(message.get("body", b"")[: MAX_CAPTURED_BODY - len(body)])
            return message

        async def status_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        ctx = state.get("tenant_context") if not capture else None  # type: ignore[union-attr]
        pending = None
        if isinstance(ctx, TenantContext):
            # Offered to the request's own audited change, to be written in its transaction.
            pending = PendingRequestRecord(
                ctx,
                entry=lambda answered: _entry(scope, answered, None),
                expected_status=lambda: _declared_status(scope),
            )
        try:
            if pending is None:
                await self.app(scope, capturing_receive, status_send)
            else:
                with request_record_pending(pending):
                    await self.app(scope, capturing_receive, status_send)
        finally:
            if pending is None or not pending.written_as(status):
                await self._audit(scope, status, bytes(body))

    async def _audit(self, scope: Scope, status: int, body: bytes) -> None:
        trail = self.trail or _trail_of(scope)
        if trail is None:
            log.error("request not audited: no audit trail on app.state.platform", path=scope.get("path"))
            return
        try:
            await anyio.to_thread.run_sync(self._write, trail, scope, status, body)
        except Exception as exc:  # the request's effect is done; the failure must be visible
            log.error("request audit record not written", error=repr(exc), path=scope.get("path"))

    def _write(self, trail: AuditTrail, scope: Scope, status: int, body: bytes) -> None:
        state = scope.get("state") if isinstance(scope.get("state"), dict) else {}
        ctx = state.get("tenant_context")
        user_email = None
        if not isinstance(ctx, TenantContext):
            ctx, user_email = _named_tenant(trail, scope, state, body)
            if ctx is None:
                return  # no tenant to write to: nothing was changed in any tenant either
        with request_record_pending(None):  # this record is the request's: nothing rides along
            trail.record_for(ctx, _entry(scope, status, user_email))


def _entry(scope: Scope, status: int, user_email: str | None) -> AuditEntry:
    """The request's record: ``<METHOD> <route template>``, resource, status, client, trace."""
    state = scope.get("state") if isinstance(scope.get("state"), dict) else {}
    template = _route_template(scope)
    resource_type, resource_id = _resource(template, scope.get("path_params") or {})
    client = scope.get("client")
    return AuditEntry(
        action=f"{scope['method']} {template}"[:200],
        resource_type=resource_type,
        resource_id=resource_id,
        reason=_reason(scope["headers"]),
        result="success" if status < 400 else "failure",
        result_details={"status": status},
        user_email=user_email,
        client_ip=(state.get("client_ip") or (client[0] if client else None)),
        trace_id=state.get("trace_id"),
    )


def _declared_status(scope: Scope) -> int:
    """The status the matched route answers on success (FastAPI's ``status_code``, else 200)."""
    code = getattr(scope.get("route"), "status_code", None)
    return code if isinstance(code, int) else 200


def _trail_of(scope: Scope) -> AuditTrail | None:
    app = scope.get("app")
    platform = getattr(getattr(app, "state", None), "platform", None)
    trail = getattr(platform, "audit", None)
    return trail if isinstance(trail, AuditTrail) else None


def _route_template(scope: Scope) -> str:
    path = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else str(scope.get("path", ""))


def _resource(template: str, path_params: dict[str, Any]) -> tuple[str | None, str | None]:
    """``/api/v1/sales/invoices/{invoice_id}/issue`` -> ("sales.invoices", <invoice_id>)."""
    path = template[len(API_PREFIX) :] if template.startswith(API_PREFIX) else template.lstrip("/")
    segments = [s for s in path.split("/") if s]
    params = [i for i, s in enumerate(segments) if s.startswith("{")]
    if not params:
        return (".".join(segments)[:100] or None), None
    last = params[-1]
    name = segments[last].strip("{}").split(":")[0]
    statics = [s for s in segments[:last] if not s.startswith("{")]
    value = path_params.get(name)
    return (".".join(statics)[:100] or None), (str(value)[:200] if value is not None else None)


def _reason(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == REASON_HEADER:
            text = value.decode("utf-8", "replace").strip()
            return text[:MAX_REASON] or None
    return None


def _body_fields(scope: Scope, body: bytes) -> dict[str, str]:
    content_type = ""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.decode("latin-1").lower()
    wanted = (*TENANT_FIELDS, *USER_FIELDS)
    try:
        if "json" in content_type:
            data = json.loads(body or b"{}")
            if isinstance(data, dict):
                return {k: str(data[k]) for k in wanted if isinstance(data.get(k), str)}
        elif "x-www-form-urlencoded" in content_type:
            form = parse_qs(body.decode("utf-8", "replace"))
            return {k: form[k][0] for k in wanted if form.get(k)}
    except ValueError:
        pass  # an unreadable body names no tenant
    return {}


def _named_tenant(
    trail: AuditTrail, scope: Scope, state: dict[str, Any], body: bytes
) -> tuple[TenantContext | None, str | None]:
    fields = _body_fields(scope, body)
    path_params = scope.get("path_params") or {}
    slug = state.get("audit_tenant") or path_params.get("tenant")
    slug = slug or next((fields[k] for k in TENANT_FIELDS if k in fields), None)
    if not slug:
        return None, None
    with trail.databases.control.connect() as conn:
        tenant_id = conn.execute(sa.select(cp.tenants.c.id).where(cp.tenants.c.slug == str(slug))).scalar()
    if tenant_id is None:
        return None, None
    user = state.get("audit_user") or next((fields[k] for k in USER_FIELDS if k in fields), None)
    return TenantContext(tenant_id, str(slug), system=True), (str(user)[:254] if user else None)
