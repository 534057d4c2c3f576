"""Appending audit records: defaults from the context, validation, caller's transaction, hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from genius.bootstrap import Platform
from genius.kernel.errors import ValidationError
from genius.platform.audit import GENESIS_HASH, AuditEntry, canonical_json
from genius.platform.audit.chain import ChainedRecord
from genius.platform.audit.tables import audit_records
from genius.platform.db import controlplane as cp
from genius.platform.db.engine import SQLITE_IMMEDIATE
from genius.platform.tenancy import NoTenantContext, Tenant, TenantContext, tenant_scope


def _ctx(tenant: Tenant, user_id: str | None = "u-1", **attributes: object) -> TenantContext:
    return TenantContext(tenant.id, tenant.slug, user_id=user_id, roles=("admin",), attributes=attributes)


def test_record_fills_who_when_where_and_chains(platform: Platform, tenant: Tenant) -> None:
    with tenant_scope(_ctx(tenant, email="ana@acme.ro")):
        first = platform.audit.record(
            AuditEntry(
                action="sales.invoice.issue",
                resource_type="invoice",
                resource_id="F-1",
                before={"status": "draft"},
                after={"status": "issued", "total": Decimal("119.00")},
                reason="customer order 42",
                client_ip="10.0.0.7",
                trace_id="0af7651916cd43dd8448eb211c80319c",
            )
        )
        second = platform.audit.record(AuditEntry(action="sales.invoice.cancel", result="failure"))
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == GENESIS_HASH and second.prev_hash == first.hash
    assert first.tenant_id == tenant.id and first.user_id == "u-1" and first.user_email == "ana@acme.ro"
    assert first.after == {"status": "issued", "total": "119.00"}  # money never passes through float
    assert first.occurred_at.tzinfo is not None and first.service
    # The hash is SHA-256 over the canonical JSON documented in genius.platform.audit.chain.
    assert first.hash == hashlib.sha256(canonical_json(first.canonical_fields()).encode()).hexdigest()
    assert platform.audit.verify(tenant.slug).ok


def test_canonical_form_is_exact() -> None:
    record = ChainedRecord(
        seq=1, id="r", tenant_id="t", occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        user_id=None, user_email="ă@x.ro", action="a.b", resource_type=None, resource_id=None,
        before={"b": 1, "a": [True, None]}, after=None, reason=None, result="success",
        result_details=None, client_ip=None, service=None, trace_id=None, prev_hash=GENESIS_HASH,
    )  # fmt: skip
    expected = (
        '{"action":"a.b","after":null,"before":{"a":[true,null],"b":1},"client_ip":null,'
        '"id":"r","occurred_at":"2026-01-02T03:04:05.000000Z","prev_hash":"' + "0" * 64 + '",'
        '"reason":null,"resource_id":null,"resource_type":null,"result":"success",'
        '"result_details":null,"seq":1,"service":null,"tenant_id":"t","trace_id":null,'
        '"user_email":"ă@x.ro","user_id":null}'
    )
    assert canonical_json(record.canonical_fields()) == expected
    assert record.computed_hash() == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_email_is_looked_up_when_the_context_lacks_it(platform: Platform, tenant: Tenant) -> None:
    with platform.control.begin() as conn:
        conn.execute(
            cp.users.insert().values(
                id="u-7", tenant_id=tenant.id, email="ion@acme.ro", roles=[], attributes={},
                active=True, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
    with tenant_scope(_ctx(tenant, user_id="u-7")):
        record = platform.audit.record(AuditEntry(action="crm.lead.create"))
    assert record.user_email == "ion@acme.ro"


def test_record_needs_a_tenant_context(platform: Platform, tenant: Tenant) -> None:
    with pytest.raises(NoTenantContext):
        platform.audit.record(AuditEntry(action="x.y"))


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (AuditEntry(action=""), "action"),
        (AuditEntry(action="a\nb"), "action"),
        (AuditEntry(action="a.b", result="ok"), "result"),
        (AuditEntry(action="a.b", resource_id="x" * 201), "resource_id"),
        (AuditEntry(action="a.b", after={"n": float("nan")}), "after"),
        (AuditEntry(action="a.b", before={"x": object()}), "before"),
        (AuditEntry(action="a.b", occurred_at=datetime(2026, 1, 1)), "occurred_at"),
    ],
)
def test_bad_entries_are_refused_naming_the_field(
    platform: Platform, tenant: Tenant, entry: AuditEntry, field: str
) -> None:
    with tenant_scope(_ctx(tenant)), pytest.raises(ValidationError) as err:
        platform.audit.record(entry)
    assert err.value.problems[0].field == field
    with tenant_scope(_ctx(tenant)), platform.databases.engine().connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_records)).scalar() == 0


def test_record_in_commits_and_rolls_back_with_the_callers_change(platform: Platform, tenant: Tenant) -> None:
    with tenant_scope(_ctx(tenant)):
        engine = platform.databases.engine()
        with engine.connect() as conn:
            conn.execution_options(**{SQLITE_IMMEDIATE: True})
            with conn.begin():
                platform.audit.record_in(conn, AuditEntry(action="sales.invoice.issue", resource_id="F-1"))
        with pytest.raises(RuntimeError), engine.connect() as conn:
            conn.execution_options(**{SQLITE_IMMEDIATE: True})
            with conn.begin():
                platform.audit.record_in(conn, AuditEntry(action="sales.invoice.issue", resource_id="F-2"))
                raise RuntimeError("the domain action failed after the record was written")
        with engine.connect() as conn:
            ids = conn.execute(sa.select(audit_records.c.resource_id).order_by(audit_records.c.seq)).scalars()
            assert list(ids) == ["F-1"]
        # The rolled-back append left no hole: the next record is seq 2.
        assert platform.audit.record(AuditEntry(action="sales.invoice.issue")).seq == 2
    assert platform.audit.verify(tenant.slug).ok


def test_on_deny_records_a_failure(platform: Platform, tenant: Tenant) -> None:
    record = platform.audit.on_deny(_ctx(tenant), "sales.invoice.issue", {"branch": "CJ"}, "role missing")
    assert (record.action, record.resource_id, record.result) == (
        "auth.access.deny",
        "sales.invoice.issue",
        "failure",
    )
    assert record.result_details == {"reason": "role missing"}
