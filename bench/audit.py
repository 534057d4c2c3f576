"""Audit trail, feature flags and runtime settings: append, verify, query, evaluate.

``python -m bench audit``. SQLite in a temporary folder always; PostgreSQL too when
``GENIUS_TEST_DATABASE_URL`` is set (own databases, dropped afterwards). Wall-clock times: the
appends wait on fsync and locks, which CPU time would hide. The machine is shared, so treat the
numbers as an order of magnitude.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from genius.bootstrap import Platform, build_platform
from genius.platform.audit import AuditEntry, AuditQuery
from genius.platform.db.engine import make_engine
from genius.platform.flags import FlagChange, is_enabled
from genius.platform.runtime_settings import effective_rate_limits
from genius.platform.settings import Settings
from genius.platform.tenancy import TenantContext, tenant_scope

MASTER_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
APPENDS = 2000
THREADS = 4
CHAIN = 10_000


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} µs"


def _per_call(fn: Callable[[], object], calls: int, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


@contextmanager
def _platform(kind: str, tmp: Path) -> Iterator[Platform]:
    url = os.environ.get("GENIUS_TEST_DATABASE_URL") if kind == "postgres" else None
    control_db = f"gbench_audit_{uuid.uuid4().hex[:8]}"
    server = make_engine(url) if url else None
    database_url = None
    if server is not None:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{control_db}"'))
        database_url = sa.make_url(url).set(database=control_db).render_as_string(hide_password=False)
    platform = build_platform(
        Settings(data_dir=tmp / kind, master_key=MASTER_KEY, redis_url=None, database_url=database_url)
    )
    try:
        yield platform
    finally:
        names = [f"{t.slug}_core" for t in platform.tenants.list()]
        platform.close()
        if server is not None:
            with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for name in [*names, control_db]:
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            server.dispose()


def _trail_rows(kind: str, platform: Platform) -> list[str]:
    tenant = platform.tenants.create(f"b{uuid.uuid4().hex[:8]}", name="Bench SRL", cui="RO18547290")
    ctx = TenantContext(tenant.id, tenant.slug, user_id="u-1", attributes={"email": "u@bench.ro"})
    entry = AuditEntry(
        action="sales.invoice.issue",
        resource_type="invoice",
        resource_id="F-1",
        before={"status": "draft"},
        after={"status": "issued", "total": "119.00"},
    )
    rows = []
    with tenant_scope(ctx):
        start = time.perf_counter()
        for _ in range(APPENDS):
            platform.audit.record(entry)
        single = (time.perf_counter() - start) / APPENDS
    rows.append(f"| {kind} | append, 1 thread, own transaction | {_fmt(single)} | {1 / single:,.0f}/s |")

    def worker() -> None:
        with tenant_scope(ctx):
            for _ in range(APPENDS // THREADS):
                platform.audit.record(entry)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    parallel = (time.perf_counter() - start) / APPENDS
    rate = f"{1 / parallel:,.0f}/s"
    rows.append(f"| {kind} | append, {THREADS} threads, one chain | {_fmt(parallel)} | {rate} |")
    with tenant_scope(ctx):
        for _ in range(CHAIN - 2 * APPENDS):
            platform.audit.record(entry)
        start = time.perf_counter()
        result = platform.audit.verify(tenant.slug)
        took = time.perf_counter() - start
        assert result.ok and result.checked == CHAIN, result
        rows.append(f"| {kind} | verify {CHAIN:,} records | {_fmt(took)} | {CHAIN / took:,.0f} records/s |")
        query = _per_call(lambda: platform.audit.query(AuditQuery(action="sales.*", limit=50)), 20)
        rows.append(f"| {kind} | query: 50 newest of {CHAIN:,} + total | {_fmt(query)} | |")
    return rows


def _evaluation_rows(platform: Platform) -> list[str]:
    tenant = platform.tenants.create("flagbench", name="Bench SRL", cui="RO18547290")
    admin = TenantContext(tenant.id, tenant.slug, user_id="admin", roles=("admin",))
    platform.flags.put(admin, "new-checkout", FlagChange(enabled=True, rollout_percent=30))
    users = [TenantContext(tenant.id, tenant.slug, user_id=f"user-{n}") for n in range(1000)]
    flag = _per_call(lambda: [is_enabled("new-checkout", u) for u in users], 10) / len(users)
    platform.runtime_settings.put(admin, "rate_limit.user_burst", 10)
    limits = _per_call(lambda: effective_rate_limits(tenant.id), 2000)
    return [
        f"| sqlite | is_enabled (cached, 30 % rollout) | {_fmt(flag)} per call | |",
        f"| sqlite | effective_rate_limits (cached) | {_fmt(limits)} per call | |",
    ]


def run() -> str:
    rows = ["| database | operation | time | rate |", "|---|---|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp:
        with _platform("sqlite", Path(tmp)) as platform:
            rows += _trail_rows("sqlite", platform)
            rows += _evaluation_rows(platform)
        if os.environ.get("GENIUS_TEST_DATABASE_URL"):
            with _platform("postgres", Path(tmp)) as platform:
                rows += _trail_rows("postgres", platform)
        else:
            rows.append("| postgres | skipped: set GENIUS_TEST_DATABASE_URL | | |")
    return "## Audit trail, flags, runtime settings\n\n" + "\n".join(rows) + "\n"
