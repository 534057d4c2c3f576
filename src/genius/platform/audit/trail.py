"""The audit trail service: append hash-chained records to the tenant's database, verify, query.

Appends are linear per tenant: the writer locks the chain head row (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite ``record()`` opens its transaction with ``BEGIN IMMEDIATE``), reads the last
seq and hash, inserts the next record and moves the head, all in one transaction. The primary
key on ``seq`` is the last guard: two writers can never both append the same position.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from genius.kernel.clock import utcnow
from genius.kernel.errors import FieldProblem, GeniusError, ValidationError
from genius.kernel.ids import new_id
from genius.platform.audit.chain import RESULTS, ChainedRecord, to_json_value
from genius.platform.audit.pending import pending_request_record
from genius.platform.audit.query import AuditPage, AuditQuery, run_query
from genius.platform.audit.records import row_values
from genius.platform.audit.tables import HEAD_ROW_ID, audit_chain_head, audit_records
from genius.platform.audit.verify import VerifyResult, verify_chain
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.tenancy import TenantContext, TenantDatabases, current_tenant, tenant_scope

# Printable text without control characters: actions are shown in lists and grepped in logs.
_ACTION_RE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")
# Column sizes of audit_records: longer values are refused here with the field's name.
_LIMITS = {
    "user_id": 36,
    "user_email": 254,
    "resource_type": 100,
    "resource_id": 200,
    "client_ip": 64,
    "service": 200,
    "trace_id": 64,
}
# How many user id -> e-mail answers the trail remembers (records name the user's e-mail).
_EMAIL_CACHE_SIZE = 4096

AuditRecord = ChainedRecord

# The statements of an append, built once (a request appends one or two records).
_LOCK_HEAD = (
    sa.select(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash)
    .where(audit_chain_head.c.id == HEAD_ROW_ID)
    .with_for_update()
)
_INSERT_RECORDS = audit_records.insert()
_MOVE_HEAD = audit_chain_head.update().where(audit_chain_head.c.id == HEAD_ROW_ID)


class AuditChainMissing(GeniusError):
    """The tenant database has no audit chain head: its audit migrations have not run."""

    code = "audit_chain_missing"


@dataclass(frozen=True)
class AuditEntry:
    """What happened, as the caller knows it; the trail adds tenant, time, chain and defaults.

    ``user_id``, ``user_email``, ``service`` and ``trace_id`` default to the current tenant
    context, the trail's process name and the current OpenTelemetry span. ``before``/``after``
    are short JSON summaries of the changed state (decimals become strings).
    """

    action: str
    resource_type: str | None = None
    resource_id: str | None = None
    before: Any = None
    after: Any = None
    reason: str | None = None
    result: str = "success"
    result_details: Any = None
    user_id: str | None = None
    user_email: str | None = None
    client_ip: str | None = None
    service: str | None = None
    trace_id: str | None = None
    occurred_at: datetime | None = None


def default_service_name() -> str:
    """``<program>@<host>:<pid>``: which process wrote a record."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    return f"{program}@{socket.gethostname()}:{os.getpid()}"[:200]


def current_trace_id() -> str | None:
    """The trace id of the current OpenTelemetry span, 32 hex digits, or None outside a trace."""
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - opentelemetry-api is a dependency
        return None
    span_context = trace.get_current_span().get_span_context()
    return format(span_context.trace_id, "032x") if span_context.is_valid else None


@dataclass(frozen=True)
class StagedAppend:
    """Records whose chain position is taken (the head row is locked) but not yet written."""

    record: ChainedRecord  # the entry's own record
    rows: list[dict[str, Any]]  # its row, then the request's record's row when one rode along
    last: ChainedRecord  # the record the head moves to

    def write(self, conn: Connection) -> ChainedRecord:
        """Insert the rows and move the head, in the transaction that staged them."""
        conn.execute(_INSERT_RECORDS, self.rows)
        conn.execute(_MOVE_HEAD, {"last_seq": self.last.seq, "last_hash": self.last.hash})
        return self.record


class AuditTrail:
    """Appends, verifies and queries each tenant's audit chain."""

    def __init__(self, databases: TenantDatabases, *, service: str | None = None) -> None:
        self.databases = databases
        self.service = service or default_service_name()
        self._emails: dict[str, str | None] = {}
        self._emails_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------------
    def record(self, entry: AuditEntry) -> AuditRecord:
        """Append ``entry`` to the current tenant's chain in its own transaction."""
        engine = self.databases.engine()
        with engine.connect() as conn:
            conn.execution_options(**{SQLITE_IMMEDIATE: True})
            with conn.begin():
                return self.record_in(conn, entry)

    def record_for(self, ctx: TenantContext, entry: AuditEntry) -> AuditRecord:
        """``record`` inside the given context: for threads and callbacks that lack one."""
        with tenant_scope(ctx):
            return self.record(entry)

    def record_in(self, conn: Connection, entry: AuditEntry) -> AuditRecord:
        """Append ``entry`` inside the caller's transaction on the tenant database.

        The record commits or rolls back with the caller's change. On SQLite the caller should
        have begun with the ``SQLITE_IMMEDIATE`` execution option (a unit of work that writes
        does): a deferred transaction that has read before may fail to upgrade to a writer.
        """
        return self.stage_in(conn, entry).write(conn)

    def stage_in(self, conn: Connection, entry: AuditEntry) -> StagedAppend:
        """The first half of ``record_in``: lock the chain head and build the rows, write nothing.

        The chain position is taken (the head row stays locked until the transaction ends), so
        the caller may queue other writes before ``StagedAppend.write`` and send them all in one
        round trip (the issuing path pipelines them on PostgreSQL): the only statement here
        whose answer is needed is the head's read.
        """
        ctx = current_tenant()
        record = self._build(ctx, entry)
        head = conn.execute(_LOCK_HEAD).first()
        if head is None:
            raise AuditChainMissing(
                f"tenant {ctx.slug!r} has no audit chain head: run `genius migrate`",
                details={"tenant": ctx.slug},
            )
        record = record.chained(head.last_seq + 1, head.last_hash)
        rows = [row_values(record)]
        last = record
        pending = pending_request_record() if entry.result == "success" else None
        if pending is not None and pending.take(ctx):
            # The HTTP request's own record rides along: same lock, same commit (see .pending).
            try:
                request = self._build(pending.ctx, pending.entry(pending.status))  # type: ignore[arg-type]
            except GeniusError:
                pending.release()  # the middleware writes it (and logs why it cannot) as before
            else:
                last = request.chained(record.seq + 1, record.hash)
                rows.append(row_values(last))
                pending.follow(conn)
        return StagedAppend(record=record, rows=rows, last=last)

    def _build(self, ctx: TenantContext, entry: AuditEntry) -> ChainedRecord:
        json_values: dict[str, Any] = {}  # before, after, result_details: converted once
        problems = _entry_problems(entry, json_values)
        if problems:
            raise problems
        user_id = entry.user_id if entry.user_id is not None else ctx.user_id
        email = entry.user_email
        if email is None and user_id is not None:
            email = ctx.attributes.get("email") if user_id == ctx.user_id else None
            if email is None:
                email = self._email_of(ctx.tenant_id, user_id)
        occurred = (entry.occurred_at or utcnow()).astimezone(UTC)
        return ChainedRecord(
            seq=0,
            id=new_id(),
            tenant_id=ctx.tenant_id,
            occurred_at=occurred,
            user_id=user_id,
            user_email=email,
            action=entry.action,
            resource_type=entry.resource_type,
            resource_id=entry.resource_id,
            before=json_values["before"],
            after=json_values["after"],
            reason=entry.reason,
            result=entry.result,
            result_details=json_values["result_details"],
            client_ip=entry.client_ip,
            service=entry.service or self.service,
            trace_id=entry.trace_id or current_trace_id(),
            prev_hash="",
        )

    def _email_of(self, tenant_id: str, user_id: str) -> str | None:
        with self._emails_lock:
            if user_id in self._emails:
                return self._emails[user_id]
        with self.databases.control.connect() as conn:
            email = conn.execute(
                sa.select(cp.users.c.email).where(cp.users.c.id == user_id, cp.users.c.tenant_id == tenant_id)
            ).scalar()
        with self._emails_lock:
            if len(self._emails) >= _EMAIL_CACHE_SIZE:
                self._emails.clear()
            self._emails[user_id] = email
        return email

    # -- the authorizer's callback ---------------------------------------------------------------
    def on_deny(
        self,
        ctx: TenantContext,
        permission: str,
        resource_attrs: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> AuditRecord:
        """Record a denied authorization decision (the AUTH helper's ``Authorizer`` calls this)."""
        return self.record_for(
            ctx,
            AuditEntry(
                action="auth.access.deny",
                resource_type="permission",
                resource_id=permission[:200],
                after={"resource": dict(resource_attrs)} if resource_attrs else None,
                result="failure",
                result_details={"reason": reason} if reason else None,
            ),
        )

    # -- reading -------------------------------------------------------------------------------
    def verify(self, slug: str) -> VerifyResult:
        """Walk the tenant's whole chain and name the first broken record, if any."""
        return verify_chain(self.databases, slug)

    def query(self, query: AuditQuery) -> AuditPage:
        """One page of the current tenant's records matching ``query``, newest first."""
        return run_query(self.databases.engine(), query)


def _entry_problems(entry: AuditEntry, json_values: dict[str, Any]) -> ValidationError | None:
    """What is wrong with ``entry``, if anything; its JSON summaries go to ``json_values``."""
    problems: list[tuple[str, str]] = []
    if not isinstance(entry.action, str) or not _ACTION_RE.fullmatch(entry.action):
        problems.append(("action", "1 to 200 printable characters, e.g. sales.invoice.issue"))
    if entry.result not in RESULTS:
        problems.append(("result", f"must be one of {', '.join(RESULTS)}, not {entry.result!r}"))
    for name, limit in _LIMITS.items():
        value = getattr(entry, name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            problems.append((name, f"text of at most {limit} characters"))
    for name in ("before", "after", "result_details"):
        try:
            json_values[name] = to_json_value(getattr(entry, name), name)
        except ValueError as exc:
            problems.append((name, str(exc)))
    if entry.occurred_at is not None and entry.occurred_at.tzinfo is None:
        problems.append(("occurred_at", "must carry a time zone (UTC)"))
    if not problems:
        return None
    first = problems[0]
    return ValidationError(
        f"invalid audit entry: {first[0]}: {first[1]}",
        problems=[FieldProblem(f, "invalid", m) for f, m in problems],
    )
