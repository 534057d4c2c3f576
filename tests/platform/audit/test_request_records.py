"""The request's audit record written in the transaction of the change it describes (one commit)."""

from __future__ import annotations

import threading

import pytest
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from genius.bootstrap import Platform
from genius.kernel.errors import Conflict
from genius.platform.audit import AuditEntry, AuditQuery
from genius.platform.audit.pending import PendingRequestRecord, request_record_pending
from genius.platform.db.uow import UnitOfWork
from genius.platform.tenancy import Tenant, TenantContext, tenant_scope
from tests.platform.audit.http import Api

ACTION = "POST /api/v1/test-audit/{kind}"


@pytest.fixture
def acme(api: Api) -> Tenant:
    tenant = api.platform.tenants.create("acme", name="Acme SRL", cui="RO18547290")
    platform = api.platform
    attempts: dict[str, int] = {}

    def change(kind: str, fail: bool = False) -> None:
        with UnitOfWork(platform.databases) as uow:
            platform.audit.record_in(uow.connection, AuditEntry(action=f"test.{kind}", resource_id=kind))
            if fail:
                raise Conflict("the change is refused after it was recorded", code="refused")

    @api.client.app.post("/api/v1/test-audit/{kind}", status_code=201)  # type: ignore[attr-defined]
    def endpoint(kind: str, request: Request) -> Response:
        if kind == "plain":
            change(kind)
        elif kind == "refused":
            change(kind, fail=True)
        elif kind == "retried":  # the first transaction rolls back, the second commits
            attempts[kind] = attempts.get(kind, 0) + 1
            try:
                change(kind, fail=True)
            except Conflict:
                change(kind)
        elif kind == "other-status":  # committed, then answered with another status than declared
            change(kind)
            return JSONResponse({"accepted": True}, status_code=202)
        elif kind == "denied-only":
            platform.audit.record(AuditEntry(action="test.check", result="failure"))
        return JSONResponse({"done": kind}, status_code=201)

    return tenant


def _records(api: Api, tenant: Tenant) -> list:
    with tenant_scope(TenantContext(tenant.id, tenant.slug, system=True)):
        return list(reversed(api.platform.audit.query(AuditQuery(limit=500)).items))


def test_the_request_record_follows_its_change_in_the_same_transaction(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    response = api.client.post("/api/v1/test-audit/plain", headers=admin.headers)
    assert response.status_code == 201
    records = _records(api, acme)
    change, request = records[-2:]
    assert (change.action, request.action) == ("test.plain", ACTION)
    assert request.seq == change.seq + 1 and request.prev_hash == change.hash
    assert (request.result, request.result_details, request.resource_id) == (
        "success",
        {"status": 201},
        "plain",
    )
    assert (request.user_id, request.user_email) == (admin.user_id, admin.email)
    assert request.trace_id == response.headers["x-trace-id"] == change.trace_id
    assert sum(r.action == ACTION for r in records) == 1
    assert api.platform.audit.verify(acme.slug).ok


def test_a_rolled_back_change_leaves_the_request_record_to_the_middleware(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    assert api.client.post("/api/v1/test-audit/refused", headers=admin.headers).status_code == 409
    records = _records(api, acme)
    assert not [r for r in records if r.action == "test.refused"]
    (request,) = [r for r in records if r.action == ACTION]
    assert (request.result, request.result_details) == ("failure", {"status": 409})
    assert api.platform.audit.verify(acme.slug).ok


def test_a_retry_after_a_rollback_carries_the_request_record(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    assert api.client.post("/api/v1/test-audit/retried", headers=admin.headers).status_code == 201
    records = _records(api, acme)
    change, request = records[-2:]
    assert (change.action, request.action, request.result_details) == (
        "test.retried",
        ACTION,
        {"status": 201},
    )
    assert sum(r.action == ACTION for r in records) == 1


def test_an_answer_other_than_the_declared_one_is_recorded_as_well(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    assert api.client.post("/api/v1/test-audit/other-status", headers=admin.headers).status_code == 202
    requests = [r for r in _records(api, acme) if r.action == ACTION]
    assert [r.result_details["status"] for r in requests] == [201, 202]


def test_failure_records_never_carry_the_request_record(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    assert api.client.post("/api/v1/test-audit/denied-only", headers=admin.headers).status_code == 201
    records = _records(api, acme)
    assert [r.action for r in records[-2:]] == ["test.check", ACTION]
    assert records[-1].result_details == {"status": 201}  # written after the answer, as before


def test_concurrent_requests_keep_one_gapless_chain(api: Api, acme: Tenant) -> None:
    admin = api.login(acme, "admin")
    statuses: list[int] = []

    def caller() -> None:
        for _ in range(10):
            statuses.append(api.client.post("/api/v1/test-audit/plain", headers=admin.headers).status_code)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 40
    records = _records(api, acme)
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert sum(r.action == ACTION for r in records) == 40 == sum(r.action == "test.plain" for r in records)
    assert api.platform.audit.verify(acme.slug).ok


def _offered(ctx: TenantContext) -> PendingRequestRecord:
    def entry(status: int) -> AuditEntry:
        return AuditEntry(action=ACTION, result_details={"status": status})

    return PendingRequestRecord(ctx, entry=entry, expected_status=lambda: 201)


def test_only_the_carrying_transaction_commits_the_request_record(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    ctx = TenantContext(tenant.id, tenant.slug, system=True)
    with tenant_scope(ctx), platform.databases.engine().connect() as conn:
        pending = _offered(ctx)
        with request_record_pending(pending):
            conn.begin()
            platform.audit.record_in(conn, AuditEntry(action="test.rolled-back"))
            assert pending.status == 201 and not pending.committed
            conn.rollback()
            # A later transaction on the same connection without an audited change: not its carrier.
            conn.begin()
            conn.commit()
            assert not pending.committed and not pending.written_as(201)
            # The next audited change carries it again, and its commit counts.
            conn.begin()
            platform.audit.record_in(conn, AuditEntry(action="test.committed"))
            assert not pending.committed
            conn.commit()
        assert pending.written_as(201) and not pending.written_as(500)
        assert not pending.take(ctx)  # committed: never carried twice
    records = _records_of(platform, ctx)
    assert [r.action for r in records[-2:]] == ["test.committed", ACTION]
    assert "test.rolled-back" not in [r.action for r in records]
    assert platform.audit.verify(tenant.slug).ok


def test_an_open_carrier_keeps_the_request_record(backend: tuple[Platform, Tenant]) -> None:
    platform, tenant = backend
    ctx = TenantContext(tenant.id, tenant.slug, system=True)
    pending = _offered(ctx)
    with tenant_scope(ctx), request_record_pending(pending), platform.databases.engine().connect() as conn:
        conn.begin()
        platform.audit.record_in(conn, AuditEntry(action="test.open"))
        assert not pending.take(ctx)  # its transaction is still open: not free for another one
        conn.rollback()
        assert pending.take(ctx)  # rolled back: free again
        pending.release()


def _records_of(platform: Platform, ctx: TenantContext) -> list:
    with tenant_scope(ctx):
        return list(reversed(platform.audit.query(AuditQuery(limit=500)).items))
