"""Concurrent appends keep one linear chain: contiguous seq, every link intact."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.platform.audit import AuditEntry
from genius.platform.audit.tables import audit_records
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope

THREADS = 8
PER_THREAD = 15


def test_parallel_appends_stay_linear(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append(worker: int) -> None:
        try:
            start.wait()
            with tenant_scope(TenantContext(tenant.id, tenant.slug, user_id=f"u-{worker}")):
                for n in range(PER_THREAD):
                    entry = AuditEntry(action="test.append", resource_id=f"{worker}-{n}")
                    if n % 3 == 0:  # some appends ride in a caller's transaction
                        with platform.databases.engine().connect() as conn:
                            conn.execution_options(**{SQLITE_IMMEDIATE: True})
                            with conn.begin():
                                platform.audit.record_in(conn, entry)
                    else:
                        platform.audit.record(entry)
        except BaseException as exc:  # reported below; a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with platform.databases.engine_for_slug(tenant.slug).connect() as conn:
        seqs = conn.execute(sa.select(audit_records.c.seq).order_by(audit_records.c.seq)).scalars().all()
        resources = set(conn.execute(sa.select(audit_records.c.resource_id)).scalars())
    total = THREADS * PER_THREAD
    assert seqs == list(range(1, total + 1))
    assert resources == {f"{w}-{n}" for w in range(THREADS) for n in range(PER_THREAD)}
    result = platform.audit.verify(tenant.slug)
    assert (result.ok, result.checked) == (True, total)
